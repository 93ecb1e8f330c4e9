/** The changes between two versions, one row per node, edge or input; a node's row focuses it
 * on the canvas and lists its changed fields. */
import { useEffect, useRef } from 'react';
import type { DiffModel } from '../model/diffModel';
import { FieldDiffView } from './FieldDiffView';
import './diff.css';

export function DiffList({ model, onFocusNode }: { model: DiffModel; onFocusNode: (id: string) => void }) {
  const ref = useRef<HTMLUListElement>(null);
  // a new comparison comes into view: it lies below the history in the drawer
  useEffect(() => ref.current?.scrollIntoView?.({ block: 'start' }), [model]);
  if (model.isEmpty) return <p className="muted">No differences.</p>;
  return (
    <ul ref={ref} className="diff-list" data-testid="diff-list">
      {model.rows.map((r, i) => (
        <li key={i} className={`diff-row diff-${r.kind}`}>
          <button type="button" className="diff-head" onClick={() => r.subject === 'node' && onFocusNode(r.id)} disabled={r.subject !== 'node'}>
            <span className={`diff-tag diff-${r.kind}`}>{r.kind}</span>
            <span className="diff-subject">{r.subject}</span>
            <span className="diff-title">{r.title}</span>
          </button>
          {r.details.length > 0 && (
            <ul className="diff-fields">
              {r.details.map((d, j) => (
                <FieldDiffView key={j} field={d} />
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
