/** One changed field of a node or input: a short value inline, a text or the messages as a
 * word-level diff in a section that folds. */
import type { FieldDiff } from '../model/diffModel';
import { MessagesDiff } from './MessagesDiff';
import { TextDiff } from './TextDiff';

function summary(field: Exclude<FieldDiff, { kind: 'value' }>): string {
  if (field.kind === 'text') return field.code ? 'changed' : 'text changed';
  const changed = field.pairs.filter((p) => !p.same).length;
  return `${changed} of ${field.pairs.length} message${field.pairs.length === 1 ? '' : 's'} changed`;
}

export function FieldDiffView({ field }: { field: FieldDiff }) {
  if (field.kind === 'value') {
    return (
      <li className="field-diff-inline">
        <code>{field.path}</code>
        <span className="diff-before" title="before">
          {field.before}
        </span>
        <span aria-hidden="true">→</span>
        <span className="diff-after" title="after">
          {field.after}
        </span>
      </li>
    );
  }
  return (
    <li className="field-diff-block">
      <details open>
        <summary>
          <code>{field.path}</code> <span className="muted small">{summary(field)}</span>
        </summary>
        {field.kind === 'text' ? <TextDiff before={field.before} after={field.after} code={field.code} /> : <MessagesDiff pairs={field.pairs} />}
      </details>
    </li>
  );
}
