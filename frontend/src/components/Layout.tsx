import { Outlet } from 'react-router';
import { useTheme } from '../theme/theme';
import { SideNav } from './SideNav';
import { TopBar } from './TopBar';

export function Layout() {
  const { theme, toggle } = useTheme();
  return (
    <div className="shell">
      <TopBar theme={theme} onToggleTheme={toggle} />
      <SideNav />
      <main className="content" id="main">
        <Outlet />
      </main>
    </div>
  );
}
