import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_SESSION, jsonResponse, renderWithShell } from '../test/render';
import { MembersPage } from './MembersPage';
import type { Member } from './members';

const ADA: Member = { id: 1, user_id: 1, username: 'ada', name: 'Ada Lovelace', email: 'ada@example.test', role: 'owner', is_you: true };
const BO: Member = { id: 2, user_id: 2, username: 'bo', name: '', email: 'bo@example.test', role: 'builder', is_you: false };
const PENDING = { id: 9, email: 'cy@example.test', role: 'annotator', invited_by: 'ada', created_at: '2026-01-01T00:00:00Z', expires_at: '2026-01-08T00:00:00Z' };

function mockApi(members: Member[], answer: (method: string, url: string, body: unknown) => Response | undefined = () => undefined) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      const custom = answer(method, url, body);
      if (custom) return custom;
      if (url.includes('/invitations/')) return jsonResponse(200, { count: 1, results: [PENDING] });
      return jsonResponse(200, { count: members.length, results: members });
    }),
  );
  return calls;
}

describe('Members page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists members, marks you and explains why the only owner cannot change', async () => {
    mockApi([ADA, BO]);
    renderWithShell(<MembersPage />);
    const row = await screen.findByTestId('member-ada');
    expect(within(row).getByText('you')).toBeInTheDocument();
    expect(within(row).getByRole('combobox', { name: 'Role of Ada Lovelace' })).toBeDisabled();
    expect(within(row).getByRole('button', { name: 'Leave this workspace' })).toBeDisabled();
    expect(within(row).getByText(/only owner/)).toBeInTheDocument();
    expect(within(screen.getByTestId('member-bo')).getByRole('combobox', { name: 'Role of bo' })).toBeEnabled();
    expect(await screen.findByTestId('invitation-cy@example.test')).toBeInTheDocument();
  });

  it('invites an unknown address and shows its link once, with a copy button', async () => {
    const link = 'http://host/accounts/invite/abc/';
    const calls = mockApi([ADA], (method) =>
      method === 'POST' ? jsonResponse(201, { invitation: { ...PENDING, email: 'new@example.test', link, email_sent: true } }) : undefined,
    );
    renderWithShell(<MembersPage />);
    await screen.findByTestId('member-ada');

    await userEvent.type(screen.getByLabelText('E-mail or username'), 'new@example.test');
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'viewer');
    await userEvent.click(screen.getByRole('button', { name: 'Invite' }));

    expect(await screen.findByLabelText('Invitation link')).toHaveValue(link);
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      url: '/api/workspaces/1/members/',
      body: { email: 'new@example.test', role: 'viewer' },
    });
  });

  it('invites by username when there is no @', async () => {
    const calls = mockApi([ADA], (method) => (method === 'POST' ? jsonResponse(201, BO) : undefined));
    renderWithShell(<MembersPage />);
    await screen.findByTestId('member-ada');

    await userEvent.type(screen.getByLabelText('E-mail or username'), 'bo{Enter}');

    expect(await screen.findByRole('status')).toHaveTextContent('bo joined as builder.');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ username: 'bo', role: 'annotator' });
  });

  it('shows the error code of a refused invitation', async () => {
    mockApi([ADA], (method) =>
      method === 'POST'
        ? jsonResponse(409, { error: { code: 'invitation_pending', message: 'cy@example.test has already been invited.', details: null } })
        : undefined,
    );
    renderWithShell(<MembersPage />);
    await screen.findByTestId('member-ada');
    await userEvent.type(screen.getByLabelText('E-mail or username'), 'cy@example.test{Enter}');

    expect(await screen.findByRole('alert')).toHaveTextContent('already been invited');
    expect(screen.getByTestId('error-code')).toHaveTextContent('invitation_pending');
  });

  it('changes a role after the owner picks one', async () => {
    const calls = mockApi([ADA, BO], (method) => (method === 'PATCH' ? jsonResponse(200, { ...BO, role: 'viewer' }) : undefined));
    renderWithShell(<MembersPage />);
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Role of bo' }), 'viewer');

    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: '/api/workspaces/1/members/2/', body: { role: 'viewer' } }));
  });

  it('is read-only for builders, who may only leave', async () => {
    const calls = mockApi([{ ...ADA, is_you: false }, { ...BO, is_you: true }]);
    renderWithShell(<MembersPage />, { session: { ...TEST_SESSION, role: 'builder' } });
    await screen.findByTestId('member-bo');

    expect(screen.queryByRole('form', { name: 'Invite a member' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Leave this workspace' })).toBeEnabled();
    expect(calls.some((c) => c.url.includes('/invitations/'))).toBe(false);
  });
});
