import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../test/render';
import type { AnnotationReply, ReplySettings } from './api';
import { RepliesTab, thresholdProblem } from './RepliesTab';

const BASE = '/api/workspaces/1/apps/7/replies/';
const OFF: ReplySettings = { enabled: false, threshold: 0.9, updated_at: null };
const REPLY: AnnotationReply = {
  id: 3,
  question: 'How do I reset my password?',
  answer: 'Settings → Security.',
  enabled: true,
  hit_count: 4,
  last_hit_at: null,
  source: 'manual',
  source_item_id: null,
  created_by: 'ada',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

type Call = { method: string; url: string; body: unknown };

function mockApi(settings: ReplySettings, replies: AnnotationReply[]) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      if (url.endsWith('settings/')) return jsonResponse(200, method === 'PUT' ? { ...body, updated_at: 'now' } : settings);
      if (method === 'GET') return jsonResponse(200, { count: replies.length, results: replies });
      if (method === 'POST') return jsonResponse(201, { ...REPLY, id: 9, hit_count: 0, ...body });
      if (method === 'DELETE') return new Response(null, { status: 204 });
      return jsonResponse(200, { ...REPLY, ...body });
    }),
  );
  return calls;
}

const writes = (calls: Call[]) => calls.filter((c) => c.method !== 'GET');

describe('Replies tab', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is off by default; the switch turns replies on with the threshold kept', async () => {
    const calls = mockApi(OFF, [REPLY]);
    render(<RepliesTab workspaceId="1" appId="7" canEdit />);
    const toggle = await screen.findByRole('switch', { name: 'Replies enabled' });
    expect(toggle).toHaveAttribute('aria-checked', 'false');
    expect(screen.getByText(/Off: every question runs the app/)).toBeInTheDocument();

    await userEvent.click(toggle);

    expect(await screen.findByText('Replies are on.')).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: 'Replies enabled' })).toHaveAttribute('aria-checked', 'true');
    expect(writes(calls)).toEqual([{ method: 'PUT', url: `${BASE}settings/`, body: { enabled: true, threshold: 0.9 } }]);
  });

  it('lists replies with their hits, and a reply is switched off, edited inline and deleted after a confirmation', async () => {
    const calls = mockApi({ ...OFF, enabled: true }, [REPLY]);
    render(<RepliesTab workspaceId="1" appId="7" canEdit />);
    const row = await screen.findByTestId('reply-3');
    expect(within(row).getByTestId('reply-hits')).toHaveTextContent('4 hits');

    await userEvent.click(within(row).getByRole('switch', { name: /Serve the reply/ }));
    await userEvent.click(within(row).getByRole('button', { name: 'Edit' }));
    const answer = within(row).getByLabelText('Answer');
    await userEvent.clear(answer);
    await userEvent.type(answer, 'Use the reset link.');
    await userEvent.click(within(row).getByRole('button', { name: 'Save' }));
    expect(await within(row).findByText('Use the reset link.')).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    expect(writes(calls)).toHaveLength(2);
    await userEvent.click(within(row).getByRole('button', { name: 'Delete reply' }));

    expect(await screen.findByText(/No replies yet/)).toBeInTheDocument();
    expect(writes(calls)).toEqual([
      { method: 'PATCH', url: `${BASE}3/`, body: { enabled: false } },
      { method: 'PATCH', url: `${BASE}3/`, body: { question: REPLY.question, answer: 'Use the reset link.' } },
      { method: 'DELETE', url: `${BASE}3/`, body: undefined },
    ]);
  });

  it('adds a reply by hand', async () => {
    const calls = mockApi(OFF, []);
    render(<RepliesTab workspaceId="1" appId="7" canEdit />);
    await userEvent.type(await screen.findByLabelText('Question'), 'Where are my invoices?');
    await userEvent.type(screen.getByLabelText('Approved answer'), 'Billing → Invoices.');
    await userEvent.click(screen.getByRole('button', { name: 'Add reply' }));

    expect(await screen.findByText('Where are my invoices?')).toBeInTheDocument();
    expect(writes(calls)).toEqual([{ method: 'POST', url: BASE, body: { question: 'Where are my invoices?', answer: 'Billing → Invoices.' } }]);
  });

  it('viewers see the replies but no controls', async () => {
    mockApi(OFF, [REPLY]);
    render(<RepliesTab workspaceId="1" appId="7" canEdit={false} />);
    expect(await screen.findByTestId('reply-3')).toBeInTheDocument();
    expect(screen.queryByRole('switch')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add reply' })).not.toBeInTheDocument();
  });

  it('accepts thresholds from 0.5 to 1', () => {
    expect(thresholdProblem('0.9')).toBeNull();
    expect(thresholdProblem('1')).toBeNull();
    expect(thresholdProblem('0.3')).toBe('Between 0.5 and 1.');
    expect(thresholdProblem('')).toBe('Type a similarity, e.g. 0.9.');
  });
});
