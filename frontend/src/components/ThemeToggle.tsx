import type { Theme } from '../theme/theme';

export function ThemeToggle({ theme, onToggle }: { theme: Theme; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="button-quiet"
      aria-pressed={theme === 'dark'}
      onClick={onToggle}
      title={theme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> Dark mode
    </button>
  );
}
