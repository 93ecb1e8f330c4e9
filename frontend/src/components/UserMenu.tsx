import { Link } from 'react-router';
import { getCsrfToken } from '../api/client';

/** The workspace's settings (its model providers), the user's name and a logout button (Django's
 * logout view wants a POST with the CSRF token). */
export function UserMenu({ user, role }: { user: string; role: string }) {
  return (
    <div className="user-menu">
      <Link to="/settings/models" className="button-quiet" title="The model providers of this workspace">
        Models
      </Link>
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
