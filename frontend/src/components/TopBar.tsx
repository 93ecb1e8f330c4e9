import { useSession } from '../session';
import type { Theme } from '../theme/theme';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

export function TopBar({ theme, onToggleTheme }: { theme: Theme; onToggleTheme: () => void }) {
  const session = useSession();
  return (
    <header className="topbar">
      <div className="topbar-left">
        <span className="brand">LLMOps Studio</span>
        <WorkspaceSwitcher currentId={session.workspaceId} currentName={session.workspaceName} />
      </div>
      <div className="topbar-right">
        <ThemeToggle theme={theme} onToggle={onToggleTheme} />
        <UserMenu user={session.user} role={session.role} />
      </div>
    </header>
  );
}
