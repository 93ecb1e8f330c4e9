import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import { RunsTab } from './RunsTab';

describe('API runs tab', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('links to every run of the app in the Runs area', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(200, { count: 0, results: [] })));
    renderWithShell(<RunsTab workspaceId="1" appId="7" onOpenRun={() => undefined} />);
    expect(await screen.findByText(/No calls yet/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View all runs' })).toHaveAttribute('href', '/runs?app=7');
  });
});
