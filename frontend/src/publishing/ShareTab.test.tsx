import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../test/render';
import { chatRateLimit } from './model';
import { ShareTab } from './ShareTab';
import type { WebChat } from './types';

const URL_ = '/api/workspaces/1/apps/7/publish/web-chat/';
const OFF: WebChat = { available: true, endpoint_enabled: true, enabled: false, rate_limit_per_minute: 20, url: null, embed_url: null, snippets: null };
const link = (token: string) => ({
  url: `http://host/chat/${token}/`,
  embed_url: `http://host/chat/${token}/?embed=1`,
  snippets: { script: `<script src="http://host/embed.js" data-chat="${token}" defer></script>`, iframe: `<iframe src="http://host/chat/${token}/?embed=1"></iframe>` },
});
const ON: WebChat = { ...OFF, enabled: true, ...link('first') };

function mockApi(initial: WebChat, onWrite: (method: string, url: string, body: unknown) => WebChat) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      return jsonResponse(200, method === 'GET' ? initial : onWrite(method, url, body));
    }),
  );
  return calls;
}

describe('Share tab', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says to publish first while the app is not published', async () => {
    mockApi({ ...OFF, available: false, endpoint_enabled: false }, () => OFF);
    render(<ShareTab workspaceId="1" appId="7" canEdit revision={0} />);
    expect(await screen.findByText('Publish the app first: the chat answers with its production version.')).toBeInTheDocument();
    expect(screen.queryByRole('switch', { name: 'Web chat enabled' })).not.toBeInTheDocument();
  });

  it('turning it on shows the link and the embed snippets', async () => {
    const calls = mockApi(OFF, () => ON);
    render(<ShareTab workspaceId="1" appId="7" canEdit revision={0} />);
    await userEvent.click(await screen.findByRole('switch', { name: 'Web chat enabled' }));

    expect(await screen.findByTestId('web-chat-url')).toHaveTextContent('http://host/chat/first/');
    expect(screen.getByRole('switch', { name: 'Web chat enabled' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByTestId('snippet-embed-script')).toHaveTextContent('data-chat="first"');
    expect(screen.getByTestId('snippet-embed-iframe')).toHaveTextContent('/chat/first/?embed=1');
    expect(screen.getByRole('link', { name: 'Open the chat in a new tab' })).toHaveAttribute('href', 'http://host/chat/first/');
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([{ method: 'PATCH', url: URL_, body: { enabled: true } }]);
  });

  it('a new link needs a confirmation', async () => {
    const calls = mockApi(ON, () => ({ ...ON, ...link('second') }));
    render(<ShareTab workspaceId="1" appId="7" canEdit revision={0} />);
    await userEvent.click(await screen.findByRole('button', { name: '↻ New link…' }));
    expect(calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Make new link' }));

    await waitFor(() => expect(screen.getByTestId('web-chat-url')).toHaveTextContent('http://host/chat/second/'));
    expect(screen.getByTestId('share-notice')).toHaveTextContent('the old one no longer works');
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([{ method: 'POST', url: `${URL_}rotate/`, body: undefined }]);
  });

  it('saves the rate limit, refusing what the server would refuse', async () => {
    const calls = mockApi(ON, (_m, _u, body) => ({ ...ON, ...(body as object) }));
    render(<ShareTab workspaceId="1" appId="7" canEdit revision={0} />);
    const field = await screen.findByLabelText('Messages per minute, per visitor');
    expect(field).toHaveValue(20);
    await userEvent.clear(field);
    await userEvent.type(field, '0');
    expect(screen.getByText('A whole number from 1 to 10000, or empty for no limit.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, '5');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByTestId('share-notice')).toHaveTextContent('At most 5 messages per minute per visitor.');
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([{ method: 'PATCH', url: URL_, body: { rate_limit_per_minute: 5 } }]);
  });

  it('a viewer sees the link but cannot change anything', async () => {
    mockApi(ON, () => ON);
    render(<ShareTab workspaceId="1" appId="7" canEdit={false} revision={0} />);
    expect(await screen.findByTestId('web-chat-url')).toBeInTheDocument();
    expect(screen.queryByRole('switch')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '↻ New link…' })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Messages per minute, per visitor')).toBeDisabled();
  });
});

describe('chatRateLimit', () => {
  it('is a whole number from 1 to 10000, or empty for none', () => {
    expect(chatRateLimit('')).toEqual({ value: null, problem: null });
    expect(chatRateLimit(' 30 ')).toEqual({ value: 30, problem: null });
    for (const bad of ['0', '1.5', '-3', '10001', 'abc']) expect(chatRateLimit(bad).problem).not.toBeNull();
  });
});
