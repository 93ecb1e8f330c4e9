/** A run's or a node's inputs or outputs: folded when long, the full text on demand, strings
 * shown as text or as JSON. */
import { useState } from 'react';
import './trace.css';

const LARGE = 20_000;

export function Payload({ label, value }: { label: string; value: unknown }) {
  const [all, setAll] = useState(false);
  const [raw, setRaw] = useState(false);
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' && !raw ? value : JSON.stringify(value, null, 2);
  const large = text.length > LARGE;
  const shown = large && !all ? `${text.slice(0, LARGE)}\n…` : text;
  return (
    <details className="payload" open={text.length < 2000}>
      <summary>
        {label} <span className="muted">({text.length.toLocaleString()} chars)</span>
      </summary>
      <div className="payload-tools">
        {typeof value === 'string' && (
          <button type="button" className="button-small" onClick={() => setRaw((r) => !r)}>
            {raw ? 'Formatted' : 'JSON'}
          </button>
        )}
        {large && (
          <button type="button" className="button-small" onClick={() => setAll((a) => !a)}>
            {all ? 'Show less' : 'Show all'}
          </button>
        )}
      </div>
      <pre className="payload-body">{shown}</pre>
    </details>
  );
}
