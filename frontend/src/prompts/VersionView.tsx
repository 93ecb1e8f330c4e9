/** One version of a prompt, read-only: its messages, declared variables and model configuration. */
import { modelText } from './parts';
import type { PromptVersion } from './types';

export function VersionView({ version }: { version: PromptVersion }) {
  return (
    <div className="version-view" data-testid="version-view">
      <p className="muted small">
        v{version.number} · {version.commit_message || 'no message'} · {version.created_by?.username ?? 'someone'} ·{' '}
        {new Date(version.created_at).toLocaleString()}
      </p>
      <h3>Messages</h3>
      <ol className="message-list">
        {version.messages.map((m, i) => (
          <li key={i} className={`message message-${m.role}`}>
            <span className="badge">{m.role}</span>
            <pre className="template-text">{m.template}</pre>
          </li>
        ))}
      </ol>
      <h3>Variables</h3>
      {version.variables.length === 0 ? (
        <p className="muted">None declared.</p>
      ) : (
        <table className="variables-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Default</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {version.variables.map((v) => (
              <tr key={v.name}>
                <td>
                  <code>{v.name}</code>
                </td>
                <td>{v.type}</td>
                <td>{v.default === undefined || v.default === null ? '—' : JSON.stringify(v.default)}</td>
                <td>{v.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Model</h3>
      <p data-testid="version-model">{modelText(version.model)}</p>
      {(version.model.top_p ?? null) !== null && <p className="small">top_p {version.model.top_p}</p>}
      {version.model.seed !== undefined && version.model.seed !== null && <p className="small">seed {version.model.seed}</p>}
      {version.model.json_mode && <p className="small">JSON mode</p>}
      {version.model.response_schema && (
        <details>
          <summary className="small">Response schema</summary>
          <pre className="template-text">{JSON.stringify(version.model.response_schema, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
