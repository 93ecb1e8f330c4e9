import { Outlet, useMatch } from 'react-router';
import { useTheme } from '../theme/theme';
import { SideNav } from './SideNav';
import { TopBar } from './TopBar';

/** Top bar, nav and the page. In the editor the canvas is the work: the nav shrinks to icons. */
export function Layout() {
  const { theme, toggle } = useTheme();
  const inEditor = useMatch('/apps/:appId/*') !== null;
  return (
    <div className={`shell${inEditor ? ' shell-compact' : ''}`}>
      <TopBar theme={theme} onToggleTheme={toggle} />
      <SideNav compact={inEditor} />
      <main className="content" id="main">
        <Outlet />
      </main>
    </div>
  );
}
