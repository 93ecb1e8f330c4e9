import { AppList } from '../apps/AppList';
import { useSession } from '../session';

export function AppsPage() {
  const session = useSession();
  const canEdit = session.role !== 'viewer' && session.role !== 'annotator';
  return (
    <section className="page page-wide" aria-labelledby="page-title">
      <AppList workspaceId={session.workspaceId} canEdit={canEdit} />
    </section>
  );
}
