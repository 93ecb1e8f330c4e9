/** API keys tab: create (the secret is shown once), list with prefix, scope, last use, revoke. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../api/client';
import { CopyButton } from './copy';
import { createApiKey, listApiKeys, revokeApiKey } from './api';
import { keyScopeText, keysForApp, relativeTime } from './model';
import type { ApiKey, ApiKeyCreated } from './types';

interface Props {
  workspaceId: string;
  appId: string;
  canEdit: boolean;
  created: ApiKeyCreated | null;
  onCreated: (k: ApiKeyCreated | null) => void;
  onSnippets: () => void;
}

export function KeysTab({ workspaceId, appId, canEdit, created, onCreated, onSnippets }: Props) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'app' | 'workspace'>('app');
  const [limit, setLimit] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<number | null>(null);

  const refresh = useCallback(() => {
    listApiKeys(workspaceId).then(setKeys, setError);
  }, [workspaceId]);
  useEffect(refresh, [refresh]);

  const shown = useMemo(() => (keys ? keysForApp(keys, appId) : null), [keys, appId]);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const rate = limit.trim() ? Number(limit) : null;
      const key = await createApiKey(workspaceId, {
        name: name.trim() || 'API key',
        app_id: scope === 'app' ? Number(appId) : null,
        rate_limit_per_minute: rate,
      });
      onCreated(key);
      setName('');
      setLimit('');
      refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: ApiKey) => {
    setBusy(true);
    setError(null);
    try {
      await revokeApiKey(workspaceId, k.id);
      setConfirmRevoke(null);
      if (created?.id === k.id) onCreated(null);
      refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="keys-tab">
      {created && (
        <div className="secret-box" role="alert" data-testid="api-key-created">
          <strong>Copy your new key now — it will not be shown again.</strong>
          <p className="small">
            We keep only a hash of <em>{created.name}</em>. If you lose it, revoke it and create another.
          </p>
          <div className="code-block secret">
            <code data-testid="api-key-secret">{created.secret}</code>
            <CopyButton text={created.secret} what="API key" />
          </div>
          <div className="secret-actions">
            <button type="button" className="button-small" onClick={onSnippets}>
              Use it in a snippet
            </button>
            <button type="button" className="button-small" onClick={() => onCreated(null)}>
              I have saved it
            </button>
          </div>
        </div>
      )}

      {canEdit && (
        <form
          className="key-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <h3>New key</h3>
          <div className="field">
            <label htmlFor="key-name" className="field-label">
              Key name
            </label>
            <input id="key-name" value={name} placeholder="e.g. production backend" maxLength={120} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="key-form-row">
            <div className="field">
              <label htmlFor="key-scope" className="field-label">
                Can call
              </label>
              <select id="key-scope" value={scope} onChange={(e) => setScope(e.target.value as 'app' | 'workspace')}>
                <option value="app">This app only</option>
                <option value="workspace">Every published app in the workspace</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="key-limit" className="field-label">
                Requests per minute
              </label>
              <input id="key-limit" type="number" min={1} step={1} value={limit} placeholder="No limit" onChange={(e) => setLimit(e.target.value)} />
            </div>
          </div>
          <button type="submit" className="button-primary" disabled={busy}>
            Create key
          </button>
        </form>
      )}
      {error !== null && (
        <p className="trace-error" role="alert">
          {errorMessage(error)}
        </p>
      )}

      <h3>Keys that can call this app</h3>
      {shown === null ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="muted small">No keys yet. Calls need one: Authorization: Bearer &lt;key&gt;.</p>
      ) : (
        <ul className="key-list" data-testid="api-key-list">
          {shown.map((k) => (
            <li key={k.id} className={`key-row ${k.revoked_at ? 'revoked' : ''}`} data-testid={`api-key-${k.prefix}`}>
              <div className="key-main">
                <strong>{k.name}</strong>
                <code className="key-prefix">lsk_{k.prefix}…</code>
                {k.revoked_at ? <span className="badge badge-error">revoked</span> : <span className="badge badge-ok">active</span>}
              </div>
              <div className="key-meta muted small">
                <span>Scope: {keyScopeText(k)}</span>
                <span title={k.last_used_at ? new Date(k.last_used_at).toLocaleString() : undefined}>Last used: {relativeTime(k.last_used_at)}</span>
                <span>{k.rate_limit_per_minute ? `${k.rate_limit_per_minute}/min` : 'no rate limit'}</span>
                <span title={new Date(k.created_at).toLocaleString()}>
                  Created {relativeTime(k.created_at)}
                  {k.created_by ? ` by ${k.created_by}` : ''}
                </span>
                {k.revoked_at && <span>Revoked {relativeTime(k.revoked_at)}</span>}
              </div>
              {canEdit && !k.revoked_at && (
                <div className="key-actions">
                  {confirmRevoke === k.id ? (
                    <span className="confirm-inline" role="alertdialog" aria-label={`Revoke ${k.name}?`}>
                      Revoke {k.name}? Calls with it fail within seconds.
                      <button type="button" className="button-small button-danger" disabled={busy} onClick={() => void revoke(k)}>
                        Revoke key
                      </button>
                      <button type="button" className="button-small" onClick={() => setConfirmRevoke(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button-small danger" onClick={() => setConfirmRevoke(k.id)} aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
