import { NavLink } from 'react-router';
import { AREAS } from '../areas';

export function SideNav() {
  return (
    <nav className="sidenav" aria-label="Main">
      <ul>
        {AREAS.map((area) => (
          <li key={area.path}>
            <NavLink to={area.path} end={area.path === '/'} className="sidenav-link">
              <span>{area.label}</span>
              {!area.available && <span className="soon-tag">soon</span>}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
