import { Link } from 'react-router';
import { getCsrfToken } from '../api/client';
import { seesBuilder } from '../areas';

/** The workspace's settings (its model providers, its members), the user's name and a logout
 * button (Django's logout view wants a POST with the CSRF token). Annotators get neither settings
 * link: they work in the annotation queues only. */
export function UserMenu({ user, role }: { user: string; role: string }) {
  return (
    <div className="user-menu">
      {seesBuilder(role) && (
        <>
          <Link to="/settings/models" className="button-quiet" title="The model providers of this workspace">
            Models
          </Link>
          <Link to="/settings/members" className="button-quiet" title="Who works in this workspace, with which role">
            Members
          </Link>
          <Link to="/settings/telemetry" className="button-quiet" title="Send runs to an OpenTelemetry collector">
            Telemetry
          </Link>
        </>
      )}
      <span className="user-name" data-testid="user-name">
        {user || 'Signed in'}
      </span>
      {role && <span className="badge" title="Your role in this workspace">{role}</span>}
      <form method="post" action="/accounts/logout/">
        <input type="hidden" name="csrfmiddlewaretoken" value={getCsrfToken()} />
        <button type="submit" className="button-quiet">
          Log out
        </button>
      </form>
    </div>
  );
}
