import { NavLink } from 'react-router';
import { areasFor } from '../areas';
import { useSession } from '../session';
import { AreaIcon } from './AreaIcon';

/** The left nav: the areas built so far that the session's role sees (annotators: Annotation
 * only). `compact` (in the editor) shows their icons only, the label staying the link's
 * accessible name and tooltip. */
export function SideNav({ compact = false }: { compact?: boolean }) {
  const { role } = useSession();
  return (
    <nav className={`sidenav${compact ? ' sidenav-compact' : ''}`} aria-label="Main" data-compact={compact}>
      <ul>
        {areasFor(role).map((area) => {
          const title = compact ? area.label : area.summary;
          const content = (
            <>
              <AreaIcon name={area.icon} />
              <span className={compact ? 'visually-hidden' : undefined}>{area.label}</span>
            </>
          );
          return (
            <li key={area.path}>
              {area.external ? (
                <a href={area.path} className="sidenav-link" title={title}>
                  {content}
                </a>
              ) : (
                <NavLink to={area.path} end={area.path === '/'} className="sidenav-link" title={title}>
                  {content}
                </NavLink>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
