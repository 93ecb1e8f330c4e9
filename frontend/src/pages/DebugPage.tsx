import { LiveEventsPanel } from '../components/LiveEventsPanel';
import { useSession } from '../session';

/** Developer checks that are not part of the product: reachable at /app/debug, linked nowhere. */
export function DebugPage() {
  const session = useSession();
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">Debug</h1>
      <p className="muted">
        Checks for the people who run this installation: the background worker and the live event
        socket of this workspace.
      </p>
      <LiveEventsPanel workspaceId={session.workspaceId} />
    </section>
  );
}
