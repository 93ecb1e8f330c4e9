import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from './api/client';
import { App } from './App';
import { FakeWebSocket } from './test/fakeWebSocket';
import { jsonResponse, renderWithShell } from './test/render';
import { THEME_STORAGE_KEY } from './theme/theme';

const WORKSPACES = {
  count: 2,
  results: [
    { id: 1, name: 'Acme Research', slug: 'acme', role: 'owner' },
    { id: 2, name: 'Side Project', slug: 'side', role: 'viewer' },
  ],
};

/** Answers the shell's calls by URL (the Apps page lists apps too). */
function shellFetch(extra: (url: string) => Response | undefined = () => undefined) {
  return vi.fn(async (url: string) => {
    const r = extra(url);
    if (r) return r;
    if (url.startsWith('/api/workspaces/1/apps/')) return jsonResponse(200, { count: 0, results: [] });
    return jsonResponse(200, WORKSPACES);
  });
}

describe('App shell', () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.stubGlobal('fetch', shellFetch());
    setCsrfToken('csrf-abc');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken('');
    delete document.documentElement.dataset.theme;
  });

  it('shows the nav, the workspace, the user and the Apps home page', () => {
    renderWithShell(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual([
      'Apps',
      'Prompt IDE',
      'Knowledge',
      'Evaluations',
      'Fine-tuning',
      'Annotation',
      'Runs',
      'Monitoring',
      'Alerts',
    ]);
    expect(screen.getByRole('heading', { level: 1, name: 'Apps' })).toBeInTheDocument();
    expect(screen.getByTestId('workspace-name')).toHaveTextContent('Acme Research');
    expect(screen.getByTestId('user-name')).toHaveTextContent('Ada Lovelace');
  });

  it('sends Monitoring to the server-rendered pages and answers unknown paths with Page not found', () => {
    renderWithShell(<App />, { path: '/no-such-area' });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Monitoring' })).toHaveAttribute('href', '/monitoring/');
    expect(nav).not.toHaveTextContent(/soon/i);
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });

  it('keeps the live events check on the debug page, off the Apps home page', async () => {
    renderWithShell(<App />, { path: '/debug' });
    expect(screen.getByRole('heading', { level: 1, name: 'Debug' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run a test job' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: 'Apps' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Apps' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Live events' })).not.toBeInTheDocument();
  });

  it('folds the nav to its icons in the editor, the names kept as tooltips', () => {
    renderWithShell(<App />, { path: '/apps/7' });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav).toHaveAttribute('data-compact', 'true');
    const knowledge = within(nav).getByRole('link', { name: 'Knowledge' });
    expect(knowledge).toHaveAttribute('title', 'Knowledge');
    expect(knowledge.querySelector('svg')).not.toBeNull();
  });

  it('logs out with a POST form that carries the CSRF token', () => {
    renderWithShell(<App />);
    const button = screen.getByRole('button', { name: 'Log out' });
    const form = button.closest('form');
    expect(form).toHaveAttribute('method', 'post');
    expect(form).toHaveAttribute('action', '/accounts/logout/');
    expect(form).toHaveFormValues({ csrfmiddlewaretoken: 'csrf-abc' });
  });

  it('toggles dark mode and remembers the choice', async () => {
    renderWithShell(<App />);
    const toggle = screen.getByRole('button', { name: /Dark mode/ });
    const before = document.documentElement.dataset.theme;

    await userEvent.click(toggle);

    const after = document.documentElement.dataset.theme;
    expect(after).not.toBe(before);
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe(after);
    expect(toggle).toHaveAttribute('aria-pressed', String(after === 'dark'));
  });

  it('switches workspace through the session API, then reloads', async () => {
    const fetchMock = shellFetch((url) => (url === '/api/session/workspace/' ? jsonResponse(200, { workspace: 2 }) : undefined));
    vi.stubGlobal('fetch', fetchMock);
    const reload = vi.fn();
    vi.stubGlobal('location', { ...window.location, reload });
    renderWithShell(<App />);

    await userEvent.click(screen.getByRole('button', { name: /Switch workspace/ }));
    await userEvent.click(await screen.findByRole('menuitemradio', { name: /Side Project/ }));

    await waitFor(() => expect(reload).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls.find(([u]) => u === '/api/session/workspace/') as unknown as [string, RequestInit];
    expect(url).toBe('/api/session/workspace/');
    expect(init).toMatchObject({ method: 'POST', body: '{"workspace":2}' });
    expect(init.headers).toMatchObject({ 'X-CSRFToken': 'csrf-abc' });
  });

  it('says so when a page does not exist', () => {
    renderWithShell(<App />, { path: '/no/such/page' });
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});
