import { LiveEventsPanel } from '../components/LiveEventsPanel';
import { useSession } from '../session';

export function AppsPage() {
  const session = useSession();
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">Apps</h1>
      <div className="empty-state">
        <p className="empty-title">No apps yet</p>
        <p className="muted">The node-graph editor for building apps is on its way.</p>
      </div>
      <LiveEventsPanel workspaceId={session.workspaceId} />
    </section>
  );
}
