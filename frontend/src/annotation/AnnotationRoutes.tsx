import { Navigate, Route, Routes } from 'react-router';
import { useSession } from '../session';
import './annotation.css';
import { canManage, canReview } from './parts';
import { QueueFormPage } from './QueueFormPage';
import { QueueListPage } from './QueueListPage';
import { QueuePage } from './QueuePage';
import { ReviewPage } from './ReviewPage';

/** The Annotation area's routes (under /app/annotation). Builders and owners manage queues;
 * annotators (and builders, owners) review. */
export function AnnotationRoutes() {
  const { role } = useSession();
  const manage = canManage(role);
  return (
    <Routes>
      <Route index element={<QueueListPage />} />
      {manage && <Route path="queues/new" element={<QueueFormPage />} />}
      {manage && <Route path="queues/:queueId/edit" element={<QueueFormPage />} />}
      {manage && <Route path="queues/:queueId" element={<QueuePage />} />}
      {canReview(role) && <Route path="queues/:queueId/review" element={<ReviewPage />} />}
      <Route path="*" element={<Navigate to="/annotation" replace />} />
    </Routes>
  );
}
