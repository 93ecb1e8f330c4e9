/** An LLM node's messages before and after, message by message: role and text side by side with
 * a word-level diff; unchanged messages fold to one line that opens to their text. */
import type { MessagePair } from '../model/diffModel';
import { TextDiff } from './TextDiff';

function roleOf(pair: MessagePair): string {
  const { before, after } = pair;
  if (before && after && before.role !== after.role) return `${before.role} → ${after.role}`;
  return (after ?? before)?.role ?? '';
}

function MessageChange({ pair }: { pair: MessagePair }) {
  const state = !pair.before ? 'added' : !pair.after ? 'removed' : 'changed';
  return (
    <li className={`message-diff message-${state}`} data-testid="message-diff">
      <div className="message-diff-head">
        <span className="message-diff-role">
          #{pair.position} {roleOf(pair)}
        </span>
        {state !== 'changed' && <span className={`message-diff-state diff-${state}`}>{state}</span>}
      </div>
      <TextDiff before={pair.before?.text ?? ''} after={pair.after?.text ?? ''} />
    </li>
  );
}

function MessageSame({ pair }: { pair: MessagePair }) {
  return (
    <li className="message-diff message-same">
      <details>
        <summary>
          <span className="message-diff-role">
            #{pair.position} {roleOf(pair)}
          </span>{' '}
          <span className="muted">unchanged</span>
        </summary>
        <p className="message-same-text">{pair.after?.text}</p>
      </details>
    </li>
  );
}

export function MessagesDiff({ pairs }: { pairs: MessagePair[] }) {
  return (
    <ol className="messages-diff" aria-label="Messages">
      {pairs.map((p, i) => (p.same ? <MessageSame key={i} pair={p} /> : <MessageChange key={i} pair={p} />))}
    </ol>
  );
}
