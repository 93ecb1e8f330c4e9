/** The editor of a new version: messages (system, user, assistant — few-shot pairs are user and
 * assistant messages), declared variables, the model configuration and a commit message.
 * Ctrl/Cmd+S saves. Starts from the version being viewed. */
import { useEffect, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import type { ModelOption } from '../apps/types';
import type { MessageRole, ModelConfig, PromptMessage, PromptVariable, PushWarning, VariableType, VersionContent } from './types';

const ROLES: MessageRole[] = ['system', 'user', 'assistant'];
const TYPES: VariableType[] = ['text', 'number', 'boolean', 'choice', 'json'];

/** The `{{ name }}` variables a set of templates reads (the first part of each reference). */
export function usedVariables(messages: PromptMessage[]): string[] {
  const names = new Set<string>();
  for (const m of messages) {
    for (const match of m.template.matchAll(/\{\{\s*([A-Za-z_]\w*)/g)) if (match[1]) names.add(match[1]);
  }
  return [...names];
}

function num(value: string): number | null {
  return value.trim() === '' ? null : Number(value);
}

export function VersionEditor({
  initial,
  models,
  onSave,
  onCancel,
}: {
  initial: VersionContent;
  models: ModelOption[];
  onSave: (content: VersionContent) => Promise<PushWarning[]>;
  onCancel: () => void;
}) {
  const [messages, setMessages] = useState<PromptMessage[]>(initial.messages);
  const [variables, setVariables] = useState<PromptVariable[]>(initial.variables);
  const [model, setModel] = useState<ModelConfig>(initial.model);
  const [commit, setCommit] = useState('');
  const [schemaText, setSchemaText] = useState(initial.model.response_schema ? JSON.stringify(initial.model.response_schema, null, 2) : '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const used = usedVariables(messages);
  const undeclared = used.filter((n) => !variables.some((v) => v.name === n));
  const save = () => {
    if (busy) return;
    let schema: Record<string, unknown> | null = null;
    if (schemaText.trim()) {
      try {
        schema = JSON.parse(schemaText) as Record<string, unknown>;
      } catch {
        setError(new Error('The response schema is not valid JSON.'));
        return;
      }
    }
    const content: VersionContent = { messages, variables, model: { ...model, response_schema: schema }, commit_message: commit };
    setBusy(true);
    setError(null);
    onSave(content)
      .catch(setError)
      .finally(() => setBusy(false));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const setMessage = (i: number, patch: Partial<PromptMessage>) =>
    setMessages(messages.map((m, n) => (n === i ? { ...m, ...patch } : m)));
  const move = (i: number, d: number) => {
    const j = i + d;
    if (j < 0 || j >= messages.length) return;
    const next = [...messages];
    const [moved] = next.splice(i, 1);
    if (moved) next.splice(j, 0, moved);
    setMessages(next);
  };
  const setVariable = (i: number, patch: Partial<PromptVariable>) =>
    setVariables(variables.map((v, n) => (n === i ? { ...v, ...patch } : v)));
  const current = `${model.provider}::${model.model}`;

  return (
    <form
      className="version-editor"
      aria-label="New version"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <h3>Messages</h3>
      <ol className="message-list">
        {messages.map((m, i) => (
          <li key={i} className={`message message-${m.role}`}>
            <div className="message-head">
              <select aria-label={`Role of message ${i + 1}`} value={m.role} onChange={(e) => setMessage(i, { role: e.target.value as MessageRole })}>
                {ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
              <button type="button" className="icon-btn" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move message ${i + 1} up`}>
                ↑
              </button>
              <button type="button" className="icon-btn" onClick={() => move(i, 1)} disabled={i === messages.length - 1} aria-label={`Move message ${i + 1} down`}>
                ↓
              </button>
              <button type="button" className="icon-btn danger" onClick={() => setMessages(messages.filter((_, n) => n !== i))} disabled={messages.length <= 1} aria-label={`Remove message ${i + 1}`}>
                ×
              </button>
            </div>
            <textarea
              className="template-input"
              aria-label={`Message ${i + 1}`}
              rows={Math.min(12, Math.max(3, m.template.split('\n').length + 1))}
              value={m.template}
              onChange={(e) => setMessage(i, { template: e.target.value })}
              placeholder="Text with {{ variables }}"
            />
          </li>
        ))}
      </ol>
      <div className="row-actions">
        <button type="button" className="button-small" onClick={() => setMessages([...messages, { role: 'user', template: '' }])}>
          + Message
        </button>
        <button
          type="button"
          className="button-small"
          title="A few-shot example: a user message and the assistant's answer"
          onClick={() => setMessages([...messages, { role: 'user', template: '' }, { role: 'assistant', template: '' }])}
        >
          + Example pair
        </button>
      </div>

      <h3>Variables</h3>
      {undeclared.length > 0 && (
        <p className="notice-warning small">
          Used but not declared: {undeclared.map((n) => <code key={n}>{n} </code>)}
          <button type="button" className="button-small" onClick={() => setVariables([...variables, ...undeclared.map((name) => ({ name, type: 'text' as const }))])}>
            Declare them
          </button>
        </p>
      )}
      <table className="variables-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Default</th>
            <th>Description</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {variables.map((v, i) => (
            <tr key={i}>
              <td>
                <input aria-label={`Variable ${i + 1} name`} value={v.name} onChange={(e) => setVariable(i, { name: e.target.value })} />
              </td>
              <td>
                <select aria-label={`Variable ${i + 1} type`} value={v.type} onChange={(e) => setVariable(i, { type: e.target.value as VariableType })}>
                  {TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
                {v.type === 'choice' && (
                  <input
                    aria-label={`Variable ${i + 1} choices`}
                    placeholder="a, b, c"
                    value={(v.choices ?? []).join(', ')}
                    onChange={(e) => setVariable(i, { choices: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })}
                  />
                )}
              </td>
              <td>
                <input
                  aria-label={`Variable ${i + 1} default`}
                  value={v.default === undefined || v.default === null ? '' : String(v.default)}
                  onChange={(e) => setVariable(i, { default: e.target.value === '' ? null : e.target.value })}
                />
              </td>
              <td>
                <input aria-label={`Variable ${i + 1} description`} value={v.description ?? ''} onChange={(e) => setVariable(i, { description: e.target.value })} />
              </td>
              <td>
                <button type="button" className="icon-btn danger" aria-label={`Remove variable ${i + 1}`} onClick={() => setVariables(variables.filter((_, n) => n !== i))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="button-small" onClick={() => setVariables([...variables, { name: '', type: 'text' }])}>
        + Variable
      </button>

      <h3>Model</h3>
      <div className="form-grid model-grid">
        <label>
          Model
          <select
            aria-label="Model"
            value={current}
            onChange={(e) => {
              const [provider = '', ...rest] = e.target.value.split('::');
              setModel({ ...model, provider, model: rest.join('::') });
            }}
          >
            {!models.some((m) => `${m.provider}::${m.model}` === current) && (
              <option value={current}>
                {model.provider} / {model.model}
              </option>
            )}
            {models.map((m) => (
              <option key={`${m.provider}::${m.model}`} value={`${m.provider}::${m.model}`}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Temperature
          <input type="number" step="0.1" min={0} max={2} value={model.temperature ?? ''} placeholder="default" onChange={(e) => setModel({ ...model, temperature: num(e.target.value) })} />
        </label>
        <label>
          Top P
          <input type="number" step="0.05" min={0} max={1} value={model.top_p ?? ''} placeholder="default" onChange={(e) => setModel({ ...model, top_p: num(e.target.value) })} />
        </label>
        <label>
          Max tokens
          <input type="number" min={1} value={model.max_tokens ?? ''} placeholder="default" onChange={(e) => setModel({ ...model, max_tokens: num(e.target.value) })} />
        </label>
        <label>
          Seed
          <input type="number" value={model.seed ?? ''} placeholder="none" onChange={(e) => setModel({ ...model, seed: num(e.target.value) })} />
        </label>
        <label>
          Stop sequences
          <input
            value={(model.stop ?? []).join(', ')}
            placeholder="comma-separated"
            onChange={(e) => {
              const stop = e.target.value.split(',').map((s) => s.trim()).filter(Boolean);
              setModel({ ...model, stop: stop.length ? stop : null });
            }}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={!!model.json_mode} onChange={(e) => setModel({ ...model, json_mode: e.target.checked })} />
          JSON mode
        </label>
      </div>
      <label className="commit-field">
        Response schema (JSON Schema, optional: the answer must follow it)
        <textarea
          className="template-input"
          rows={schemaText ? 6 : 2}
          value={schemaText}
          placeholder='{"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}'
          onChange={(e) => setSchemaText(e.target.value)}
        />
      </label>
      <label className="commit-field">
        Commit message
        <input value={commit} onChange={(e) => setCommit(e.target.value)} placeholder="What changed and why" />
      </label>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="form-actions">
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={busy} title="Save as a new version (Ctrl/Cmd+S)">
          Save version
        </button>
      </div>
    </form>
  );
}
