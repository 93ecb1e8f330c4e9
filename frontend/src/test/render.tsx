import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { SessionContext, type BootData } from '../session';

export const TEST_SESSION: BootData = {
  workspaceId: '1',
  workspaceName: 'Acme Research',
  user: 'Ada Lovelace',
  csrfToken: 'csrf-abc',
  role: 'owner',
};

/** Renders inside the providers main.tsx sets up, at a path under /app. */
export function renderWithShell(ui: ReactElement, { path = '/', session = TEST_SESSION } = {}) {
  return render(
    <SessionContext.Provider value={session}>
      <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
    </SessionContext.Provider>,
  );
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
