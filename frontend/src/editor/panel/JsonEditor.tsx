/** Free-form JSON: edited as text, applied when it parses (errors shown, nothing lost). */
import { useEffect, useState } from 'react';

export function JsonEditor({
  id,
  value,
  onChange,
  readOnly,
  rows = 5,
  label,
}: {
  id?: string;
  value: unknown;
  onChange: (v: unknown) => void;
  readOnly?: boolean;
  rows?: number;
  label?: string;
}) {
  const pretty = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [text, setText] = useState(pretty);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo) unless the text is mid-edit and invalid.
    setText((t) => {
      try {
        return JSON.stringify(JSON.parse(t || 'null')) === JSON.stringify(value ?? null) ? t : pretty;
      } catch {
        return t;
      }
    });
  }, [pretty, value]);
  return (
    <div className="json-editor">
      <textarea
        id={id}
        aria-label={label}
        className={`mono ${error ? 'invalid' : ''}`}
        rows={rows}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setError(null);
          } catch (err) {
            setError(err instanceof Error ? err.message : 'Invalid JSON');
          }
        }}
      />
      {error && <p className="field-error">Not valid JSON yet: {error}</p>}
    </div>
  );
}
