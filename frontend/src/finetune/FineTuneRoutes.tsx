import { Navigate, Route, Routes } from 'react-router';
import { canBuild } from '../prompts/parts';
import { useSession } from '../session';
import { FineTuneJobPage } from './FineTuneJobPage';
import { FineTuneListPage } from './FineTuneListPage';
import { NewFineTunePage } from './NewFineTunePage';

/** The Fine-tuning area's routes (under /app/finetune); builders and owners start new ones. */
export function FineTuneRoutes() {
  const { role } = useSession();
  return (
    <Routes>
      <Route index element={<FineTuneListPage />} />
      <Route path="new" element={canBuild(role) ? <NewFineTunePage /> : <Navigate to="/finetune" replace />} />
      <Route path=":jobId" element={<FineTuneJobPage />} />
      <Route path="*" element={<Navigate to="/finetune" replace />} />
    </Routes>
  );
}
