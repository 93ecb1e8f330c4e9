/** Snippets tab: set the key once, then curl / Python openai / JavaScript fetch with SSE, each
 * with a copy button. The snippets come from the server and run as shown. */
import { useState } from 'react';
import { CopyButton } from './copy';
import { KEY_ENV, keySetupLine, snippetTabs, type SnippetTab } from './model';
import type { EndpointInfo } from './types';

interface Props {
  endpoint: EndpointInfo | null;
  secret: string | null;
  published: boolean;
  onKeys: () => void;
}

export function SnippetsTab({ endpoint, secret, published, onKeys }: Props) {
  const [active, setActive] = useState<SnippetTab['id']>('curl');
  if (!endpoint) return <p className="muted">Loading…</p>;
  const tabs = snippetTabs(endpoint);
  const shown = tabs.find((t) => t.id === active) ?? tabs[0]!;
  const setup = keySetupLine(secret);
  return (
    <div className="snippets-tab">
      {!published && (
        <p className="pub-notice warn" role="note">
          Not live yet: publish the app first, then these calls answer.
        </p>
      )}
      <ol className="steps">
        <li>
          <div className="step-title">
            Put your API key in <code>{KEY_ENV}</code>
          </div>
          <div className="code-block">
            <pre data-testid="snippet-key-setup">{setup}</pre>
            <CopyButton text={setup} what="key setup line" />
          </div>
          <p className="muted small">
            {secret ? (
              'This line holds the key you just created; it is not stored anywhere else.'
            ) : (
              <>
                Replace the placeholder with a key —{' '}
                <button type="button" className="link-btn" onClick={onKeys}>
                  create one
                </button>
                ; it is shown once.
              </>
            )}
          </p>
        </li>
        <li>
          <div className="step-title">Call the endpoint</div>
          <div className="tabs snippet-tabs" role="tablist" aria-label="Snippet language">
            {tabs.map((t) => (
              <button key={t.id} type="button" role="tab" aria-selected={t.id === shown.id} onClick={() => setActive(t.id)}>
                {t.title}
              </button>
            ))}
          </div>
          <div className="code-block">
            <pre data-testid={`snippet-${shown.id}`}>{shown.code}</pre>
            <CopyButton text={shown.code} what={`${shown.title} snippet`} />
          </div>
          <p className="muted small">{shown.howTo}</p>
        </li>
      </ol>
      <details className="pub-details">
        <summary>Request and answer shapes</summary>
        <ul className="small">
          <li>
            <code>POST {endpoint.run_url}</code> with <code>{'{inputs, stream, label | version, user, idempotency_key}'}</code>; blocking answers{' '}
            <code>{'{run_id, outputs, usage, cost, latency_ms, version}'}</code>.
          </li>
          <li>
            Streaming sends Server-Sent Events: <code>run.started</code>, <code>node.*</code>, <code>delta</code>, then <code>run.finished</code> or{' '}
            <code>run.failed</code>.
          </li>
          <li>
            OpenAI clients: base URL <code>{endpoint.base_url}</code>, model <code>{endpoint.model}</code> (or <code>{endpoint.model}@staging</code>,{' '}
            <code>{endpoint.model}@v3</code>). The last user message fills the app&apos;s first text input.
          </li>
          <li>
            Example inputs: <code>{JSON.stringify(endpoint.example_inputs)}</code>
          </li>
        </ul>
      </details>
    </div>
  );
}
