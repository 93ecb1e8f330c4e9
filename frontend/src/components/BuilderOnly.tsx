import { Navigate, Outlet } from 'react-router';
import { seesBuilder } from '../areas';
import { useSession } from '../session';

/** The builder's pages: an annotator who follows a link to one (an app, a run, the settings)
 * lands on their review queues instead — they see nothing of the builder, and its API refuses
 * them anyway. */
export function BuilderOnly() {
  const { role } = useSession();
  return seesBuilder(role) ? <Outlet /> : <Navigate to="/annotation" replace />;
}
