import { Navigate } from 'react-router';
import { seesBuilder } from '../areas';
import { useSession } from '../session';
import { AppsPage } from './AppsPage';

/** What /app shows: the apps list; annotators are sent to their queues. */
export function HomePage() {
  const { role } = useSession();
  if (!seesBuilder(role)) return <Navigate to="/annotation" replace />;
  return <AppsPage />;
}
