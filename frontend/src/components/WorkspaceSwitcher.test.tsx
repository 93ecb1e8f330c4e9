import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../test/render';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

describe('Workspace switcher', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('creates a workspace from a name typed in place, then switches to it', async () => {
    const calls: { method: string; url: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        const method = init.method ?? 'GET';
        calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined });
        if (method === 'POST' && url === '/api/workspaces/') return jsonResponse(201, { id: 5, name: 'Support', slug: 'support', role: 'owner' });
        if (method === 'POST') return jsonResponse(200, { id: 5, name: 'Support', slug: 'support', role: 'owner' });
        return jsonResponse(200, { count: 1, results: [{ id: 1, name: 'Acme', slug: 'acme', role: 'owner' }] });
      }),
    );
    const switched = vi.fn();
    render(<WorkspaceSwitcher currentId="1" currentName="Acme" onSwitched={switched} />);

    await userEvent.click(screen.getByRole('button', { name: /Switch workspace/ }));
    await userEvent.click(await screen.findByRole('button', { name: 'New workspace…' }));
    await userEvent.type(screen.getByLabelText('New workspace name'), 'Support{Enter}');

    await waitFor(() => expect(switched).toHaveBeenCalled());
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      { method: 'POST', url: '/api/workspaces/', body: { name: 'Support' } },
      { method: 'POST', url: '/api/session/workspace/', body: { workspace: 5 } },
    ]);
  });
});
