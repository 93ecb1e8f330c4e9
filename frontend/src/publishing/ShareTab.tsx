/** Share tab: the app's public web chat — on/off, its link (copy, open), a new link (the old one
 * stops working), the messages per minute each visitor may send, and the embeds (a floating
 * button through embed.js, or an iframe) with copy buttons. */
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import { ActionFeedback } from './ActionFeedback';
import { CopyButton } from './copy';
import { getWebChat, rotateWebChat, updateWebChat } from './api';
import { chatRateLimit } from './model';
import type { WebChat } from './types';

interface Props {
  workspaceId: string;
  appId: string;
  canEdit: boolean;
  /** Bumped when the publishing state changed (published, endpoint turned off…). */
  revision: number;
}

export function ShareTab({ workspaceId, appId, canEdit, revision }: Props) {
  const [chat, setChat] = useState<WebChat | null>(null);
  const [limit, setLimit] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmRotate, setConfirmRotate] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    getWebChat(workspaceId, appId, ctl.signal).then(
      (c) => (setChat(c), setLimit(c.rate_limit_per_minute === null ? '' : String(c.rate_limit_per_minute))),
      (err) => !ctl.signal.aborted && setError(err),
    );
    return () => ctl.abort();
  }, [workspaceId, appId, revision]);

  const act = (done: string, call: () => Promise<WebChat>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    call()
      .then((c) => {
        setChat(c);
        setLimit(c.rate_limit_per_minute === null ? '' : String(c.rate_limit_per_minute));
        setNotice(done);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  if (!chat) {
    return error !== null ? (
      <p className="trace-error" role="alert">
        {errorMessage(error)}
      </p>
    ) : (
      <p className="muted">Loading…</p>
    );
  }

  const rate = chatRateLimit(limit);
  const savedLimit = chat.rate_limit_per_minute === null ? '' : String(chat.rate_limit_per_minute);
  const live = chat.enabled && chat.endpoint_enabled;

  return (
    <div className="share-tab">
      <section className={`pub-card ${live ? 'is-live' : ''}`} aria-label="Web chat">
        <div className="pub-card-head">
          <span className={`live-dot ${live ? 'on' : ''}`} aria-hidden="true" />
          <div className="pub-card-title">
            <strong>Web chat</strong>
            <span className="muted small">
              {!chat.available
                ? 'Publish the app first: the chat answers with its production version.'
                : live
                  ? 'Anyone with the link can chat with production — no sign-in. Each message is stored as a run (source web).'
                  : chat.enabled
                    ? 'The endpoint is off, so the link shows "This chat is not available" until you turn it back on.'
                    : 'Off: a public page where anyone with the link can chat with this app.'}
            </span>
          </div>
          {canEdit && chat.available && (
            <button
              type="button"
              role="switch"
              aria-checked={chat.enabled}
              aria-label="Web chat enabled"
              className={`switch ${chat.enabled ? 'on' : ''}`}
              disabled={busy}
              onClick={() =>
                act(chat.enabled ? 'The web chat is off: its link shows "not available".' : 'The web chat is on.', () =>
                  updateWebChat(workspaceId, appId, { enabled: !chat.enabled }),
                )
              }
              title={chat.enabled ? 'Turn the web chat off' : 'Turn the web chat on'}
            >
              <span className="switch-knob" />
            </button>
          )}
        </div>

        {chat.url && (
          <div className="url-list">
            <div className="url-item">
              <span className="url-label">Chat link{chat.enabled ? '' : ' (off)'}</span>
              <div className="url-row">
                <code data-testid="web-chat-url">{chat.url}</code>
                <CopyButton text={chat.url} what="chat link" />
                <a className="share-open" href={chat.url} target="_blank" rel="noopener noreferrer" aria-label="Open the chat in a new tab">
                  Open ↗
                </a>
              </div>
            </div>
          </div>
        )}
        {canEdit && chat.url && (
          <div className="share-rotate">
            {confirmRotate ? (
              <span className="confirm-inline" role="alertdialog" aria-label="Make a new link?">
                Make a new link? The current link — and every page that embeds it — stops working.
                <button
                  type="button"
                  className="button-small button-danger"
                  disabled={busy}
                  onClick={() => {
                    setConfirmRotate(false);
                    act('New link made: the old one no longer works.', () => rotateWebChat(workspaceId, appId));
                  }}
                >
                  Make new link
                </button>
                <button type="button" className="button-small" onClick={() => setConfirmRotate(false)}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" className="button-small" disabled={busy} onClick={() => setConfirmRotate(true)} title="Replace the link, e.g. when it was shared too widely">
                ↻ New link…
              </button>
            )}
          </div>
        )}
      </section>

      <ActionFeedback notice={notice} error={error} testId="share-notice" />

      {chat.available && (
        <form
          className="share-limit"
          onSubmit={(e) => {
            e.preventDefault();
            if (rate.problem !== null) return;
            act(rate.value === null ? 'No rate limit.' : `At most ${rate.value} messages per minute per visitor.`, () =>
              updateWebChat(workspaceId, appId, { rate_limit_per_minute: rate.value }),
            );
          }}
        >
          <div className="field">
            <label htmlFor="web-chat-limit" className="field-label">
              Messages per minute, per visitor
            </label>
            <div className="share-limit-row">
              <input id="web-chat-limit" type="number" min={1} step={1} value={limit} placeholder="No limit" disabled={!canEdit} onChange={(e) => setLimit(e.target.value)} />
              {canEdit && (
                <button type="submit" className="button-small" disabled={busy || rate.problem !== null || limit.trim() === savedLimit}>
                  Save
                </button>
              )}
            </div>
            {rate.problem !== null ? <p className="field-help warn">{rate.problem}</p> : <p className="field-help muted small">Over it, the page says when to try again.</p>}
          </div>
        </form>
      )}

      {chat.snippets && (
        <>
          <h3>Put it on your site</h3>
          <p className="muted small">A round button at the bottom right that opens the chat — paste before &lt;/body&gt;:</p>
          <div className="code-block">
            <pre data-testid="snippet-embed-script">{chat.snippets.script}</pre>
            <CopyButton text={chat.snippets.script} what="script embed" />
          </div>
          <p className="muted small">Or the chat inline, where the iframe is:</p>
          <div className="code-block">
            <pre data-testid="snippet-embed-iframe">{chat.snippets.iframe}</pre>
            <CopyButton text={chat.snippets.iframe} what="iframe embed" />
          </div>
          {!chat.enabled && <p className="pub-notice warn">The chat is off: these show "not available" until you turn it on.</p>}
        </>
      )}
    </div>
  );
}
