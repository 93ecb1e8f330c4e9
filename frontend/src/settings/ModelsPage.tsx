/** The workspace's model providers: the bundled local model and the operator's providers
 * (read-only), and the workspace's own — add one of a kind, test the connection before saving,
 * fetch or type its models, set their prices, change or remove the key (shown once: only its last
 * four characters come back). */
import { useCallback, useEffect, useState } from 'react';
import { apiFetch } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import './settings.css';

interface KindField {
  name: string;
  label: string;
  placeholder: string;
}

interface ProviderKind {
  id: string;
  label: string;
  base_url_template: string;
  fields: KindField[];
  key_required: boolean;
  docs_url: string;
  suggested_models: string[];
}

interface ModelPrice {
  name: string;
  input_per_million: number | null;
  output_per_million: number | null;
  currency: string;
  price_source?: 'custom' | 'default' | 'none' | 'free';
}

interface Provider {
  id: number | null;
  name: string;
  kind: string;
  kind_label: string;
  source: 'workspace' | 'operator' | 'bundled';
  read_only: boolean;
  base_url: string;
  settings: Record<string, string>;
  key_hint: string;
  has_key: boolean;
  models: ModelPrice[];
}

interface Connection {
  ok: boolean;
  code: string | null;
  message: string;
  latency_ms: number;
  models: string[];
}

const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}/providers/`;

const CODE_TITLES: Record<string, string> = {
  auth_failed: 'The key was refused',
  unreachable: 'Unreachable',
  url_not_allowed: 'Blocked address',
  quota_exceeded: 'No quota left',
  rate_limited: 'Rate limited',
  not_found: 'Wrong base URL',
  timeout: 'No answer in time',
  bad_response: 'Unexpected answer',
};

function ConnectionResult({ result }: { result: Connection }) {
  return (
    <p className={result.ok ? 'conn-ok' : 'conn-failed'} role="status" data-testid="connection-result">
      <strong>{result.ok ? 'Connected' : CODE_TITLES[result.code ?? ''] ?? 'Failed'}</strong> — {result.message}{' '}
      <span className="muted small">({Math.round(result.latency_ms)} ms)</span>
    </p>
  );
}

/** Models with optional prices: one row each; empty prices use the default price table. */
function ModelTable({ models, onChange, fetched }: { models: ModelPrice[]; onChange: (m: ModelPrice[]) => void; fetched: string[] }) {
  const [typed, setTyped] = useState('');
  const names = new Set(models.map((m) => m.name));
  const add = (name: string) => {
    if (name.trim() && !names.has(name.trim())) onChange([...models, { name: name.trim(), input_per_million: null, output_per_million: null, currency: 'USD' }]);
  };
  const set = (i: number, patch: Partial<ModelPrice>) => onChange(models.map((m, n) => (n === i ? { ...m, ...patch } : m)));
  const price = (value: string) => (value.trim() === '' ? null : Number(value));
  return (
    <div className="model-table">
      <table aria-label="Models and prices">
        <thead>
          <tr>
            <th>Model</th>
            <th>Input $/1M</th>
            <th>Output $/1M</th>
            <th>Currency</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {models.map((m, i) => (
            <tr key={m.name}>
              <td>
                <code>{m.name}</code>
              </td>
              <td>
                <input type="number" min={0} step="any" aria-label={`Input price of ${m.name}`} value={m.input_per_million ?? ''} placeholder="default" onChange={(e) => set(i, { input_per_million: price(e.target.value) })} />
              </td>
              <td>
                <input type="number" min={0} step="any" aria-label={`Output price of ${m.name}`} value={m.output_per_million ?? ''} placeholder="default" onChange={(e) => set(i, { output_per_million: price(e.target.value) })} />
              </td>
              <td>
                <input maxLength={3} size={3} value={m.currency} onChange={(e) => set(i, { currency: e.target.value.toUpperCase() })} aria-label={`Currency of ${m.name}`} />
              </td>
              <td>
                <button type="button" className="icon-btn danger" aria-label={`Remove ${m.name}`} onClick={() => onChange(models.filter((_, n) => n !== i))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="model-add">
        <input aria-label="Model name" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="Type a model name" list="fetched-models" />
        <datalist id="fetched-models">
          {fetched.filter((f) => !names.has(f)).map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <button
          type="button"
          className="button-small"
          onClick={() => {
            add(typed);
            setTyped('');
          }}
        >
          Add model
        </button>
        {fetched.length > 0 && (
          <button type="button" className="button-small" onClick={() => onChange([...models, ...fetched.filter((f) => !names.has(f)).map((name) => ({ name, input_per_million: null, output_per_million: null, currency: 'USD' }))])}>
            Add all {fetched.length} fetched
          </button>
        )}
      </div>
    </div>
  );
}

function toInput(models: ModelPrice[]) {
  return models.map((m) =>
    m.input_per_million !== null && m.output_per_million !== null && m.price_source !== 'default'
      ? { name: m.name, input_per_million: m.input_per_million, output_per_million: m.output_per_million, currency: m.currency || 'USD' }
      : { name: m.name },
  );
}

function ProviderForm({
  kinds,
  editing,
  onDone,
  onCancel,
}: {
  kinds: ProviderKind[];
  editing: Provider | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { workspaceId } = useSession();
  const [kindId, setKindId] = useState(editing?.kind ?? kinds[0]?.id ?? 'openai');
  const kind = kinds.find((k) => k.id === kindId);
  const [name, setName] = useState(editing?.name ?? '');
  const [fields, setFields] = useState<Record<string, string>>(editing?.settings ?? {});
  const [key, setKey] = useState('');
  const [models, setModels] = useState<ModelPrice[]>(
    editing?.models.map((m) => (m.price_source === 'custom' ? m : { ...m, input_per_million: null, output_per_million: null })) ?? [],
  );
  const [connection, setConnection] = useState<Connection | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!editing && kind) setModels(kind.suggested_models.map((n) => ({ name: n, input_per_million: null, output_per_million: null, currency: 'USD' })));
  }, [editing, kind]);

  const form = { name: name.trim(), kind: kindId, settings: fields, api_key: key, models: toInput(models) };
  const test = () => {
    setBusy(true);
    setError(null);
    const request = editing?.id && !key
      ? apiFetch<Connection>(`${ws(workspaceId)}${editing.id}/test/`, { method: 'POST' })
      : apiFetch<Connection>(`${ws(workspaceId)}test/`, { method: 'POST', body: { ...form, name: form.name || 'draft' } });
    request
      .then(setConnection)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const request = editing?.id
      ? apiFetch<Provider>(`${ws(workspaceId)}${editing.id}/`, {
          method: 'PATCH',
          body: { name: form.name, settings: fields, models: form.models, ...(key ? { api_key: key } : {}) },
        })
      : apiFetch<Provider>(ws(workspaceId), { method: 'POST', body: form });
    request
      .then(onDone)
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <form className="panel provider-form" onSubmit={save} aria-label={editing ? `Edit ${editing.name}` : 'Add a provider'}>
      <h2>{editing ? `Edit ${editing.name}` : 'Add a provider'}</h2>
      <div className="form-grid">
        <label>
          Kind
          <select value={kindId} onChange={(e) => setKindId(e.target.value)} disabled={!!editing}>
            {kinds.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input required value={name} onChange={(e) => setName(e.target.value.toLowerCase())} placeholder={kindId.replace(/_/g, '-')} title="What apps name: lower-case letters, digits, '-' or '_'" />
        </label>
        {kind?.fields.map((f) => (
          <label key={f.name}>
            {f.label}
            <input required value={fields[f.name] ?? ''} placeholder={f.placeholder} onChange={(e) => setFields({ ...fields, [f.name]: e.target.value })} />
          </label>
        ))}
        <label>
          API key{kind?.key_required ? '' : ' (optional)'}
          <input
            type="password"
            autoComplete="off"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder={editing?.has_key ? `${editing.key_hint} — leave empty to keep it` : 'sk-…'}
          />
        </label>
      </div>
      {kind && !kind.fields.length && <p className="muted small">Base URL: {kind.base_url_template}</p>}
      <p className="muted small">The key is stored encrypted and never shown again; only its last four characters are.</p>
      <h3>Models</h3>
      <ModelTable models={models} onChange={setModels} fetched={connection?.models ?? []} />
      {connection && <ConnectionResult result={connection} />}
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" onClick={test} disabled={busy} title="Lists the provider's models with this key; nothing is saved">
          Test connection
        </button>
        <button type="submit" className="button-primary" disabled={busy || !name.trim()}>
          {editing ? 'Save' : 'Add provider'}
        </button>
      </div>
    </form>
  );
}

function sourceText(p: Provider): string {
  if (p.source === 'bundled') return 'bundled';
  if (p.source === 'operator') return 'configured by the operator';
  return p.kind_label;
}

export function ModelsPage() {
  const { workspaceId, role } = useSession();
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const [kinds, setKinds] = useState<ProviderKind[]>([]);
  const [form, setForm] = useState<{ editing: Provider | null } | null>(null);
  const [tested, setTested] = useState<Record<string, Connection>>({});
  const [error, setError] = useState<unknown>(null);
  const editable = role === 'owner' || role === 'builder';

  const refresh = useCallback(() => {
    apiFetch<{ results: Provider[] }>(ws(workspaceId))
      .then((r) => setProviders(r.results))
      .catch(setError);
  }, [workspaceId]);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    apiFetch<{ results: ProviderKind[] }>('/api/provider-kinds/')
      .then((r) => setKinds(r.results))
      .catch(setError);
  }, []);

  const remove = (p: Provider) => {
    if (!p.id || !window.confirm(`Remove ${p.name}? Apps that call it will say its models are not configured.`)) return;
    apiFetch<void>(`${ws(workspaceId)}${p.id}/`, { method: 'DELETE' }).then(refresh).catch(setError);
  };
  const test = (p: Provider) => {
    if (!p.id) return;
    apiFetch<Connection>(`${ws(workspaceId)}${p.id}/test/`, { method: 'POST' })
      .then((c) => setTested({ ...tested, [p.name]: c }))
      .catch(setError);
  };

  return (
    <section className="page models-page" aria-labelledby="page-title">
      <header className="settings-header">
        <div>
          <h1 id="page-title">Models</h1>
          <p className="muted">The model providers this workspace's apps, prompts and playground can call.</p>
        </div>
        {editable && !form && (
          <button type="button" className="button-primary" onClick={() => setForm({ editing: null })}>
            Add provider
          </button>
        )}
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {form && kinds.length > 0 && (
        <ProviderForm
          kinds={kinds}
          editing={form.editing}
          onCancel={() => setForm(null)}
          onDone={() => {
            setForm(null);
            refresh();
          }}
        />
      )}
      {providers === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="provider-list" aria-label="Providers">
          {providers.map((p) => (
            <li key={`${p.source}-${p.name}`} className="provider-card" data-testid={`provider-${p.name}`}>
              <div className="provider-head">
                <strong>{p.name}</strong> <span className="badge">{sourceText(p)}</span>
                {p.has_key && <span className="muted small">key {p.key_hint || 'set'}</span>}
                {!p.read_only && editable && (
                  <span className="provider-actions">
                    <button type="button" className="button-small" onClick={() => test(p)}>
                      Test
                    </button>
                    <button type="button" className="button-small" onClick={() => setForm({ editing: p })}>
                      Edit
                    </button>
                    <button type="button" className="button-small button-danger-quiet" onClick={() => remove(p)}>
                      Remove
                    </button>
                  </span>
                )}
              </div>
              {p.base_url && <p className="muted small">{p.base_url}</p>}
              {tested[p.name] && <ConnectionResult result={tested[p.name]!} />}
              <p className="small">
                {p.models.length === 0
                  ? 'No models listed (calls may name any model it serves).'
                  : p.models.map((m) => (
                      <span key={m.name} className="model-chip" title={m.input_per_million !== null ? `${m.input_per_million} / ${m.output_per_million} ${m.currency} per 1M tokens (${m.price_source})` : 'no known price'}>
                        {m.name}
                        {m.price_source === 'free' ? ' · free' : m.input_per_million !== null ? ` · ${m.input_per_million}/${m.output_per_million}` : ' · price unknown'}
                      </span>
                    ))}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
