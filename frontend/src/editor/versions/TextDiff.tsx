/** Two texts side by side, word by word: removed words struck on the left, inserted words
 * highlighted on the right. The whole text is always there; a long one starts in a box of a
 * few lines, scrolled to its first change, and "Show all" opens it out. */
import { diffWordsWithSpace, type Change } from 'diff';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';

/** More lines or characters than this start folded. */
const FOLD_LINES = 10;
const FOLD_CHARS = 600;

const isLong = (s: string) => s.length > FOLD_CHARS || s.split('\n').length > FOLD_LINES;

interface SideProps {
  parts: Change[];
  side: 'before' | 'after';
  empty: boolean;
  folded: boolean;
  code: boolean;
}

function Side({ parts, side, empty, folded, code }: SideProps) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const box = ref.current;
    const mark = box?.querySelector<HTMLElement>('ins, del');
    if (!box || !mark) return;
    // the first change in view, a line or two below the top of the folded box
    box.scrollTop = folded ? Math.max(0, mark.offsetTop - box.offsetTop - 24) : 0;
  }, [folded, parts]);
  const label = side === 'before' ? 'Before' : 'After';
  return (
    <div className={`text-diff-side text-diff-${side}`}>
      <div className="text-diff-label">{label}</div>
      <div ref={ref} className={`text-diff-text${code ? ' text-diff-code' : ''}${folded ? ' folded' : ''}`} aria-label={label}>
        {parts.map((p, i) => {
          if (side === 'before' && p.added) return null;
          if (side === 'after' && p.removed) return null;
          if (p.removed) return <del key={i}>{p.value}</del>;
          if (p.added) return <ins key={i}>{p.value}</ins>;
          return <span key={i}>{p.value}</span>;
        })}
        {empty && <span className="muted">(empty)</span>}
      </div>
    </div>
  );
}

export function TextDiff({ before, after, code = false }: { before: string; after: string; code?: boolean }) {
  const parts = useMemo(() => diffWordsWithSpace(before, after), [before, after]);
  const long = isLong(before) || isLong(after);
  const [open, setOpen] = useState(false);
  const folded = long && !open;
  return (
    <div className="text-diff" data-testid="text-diff">
      <div className="text-diff-sides">
        <Side parts={parts} side="before" empty={before === ''} folded={folded} code={code} />
        <Side parts={parts} side="after" empty={after === ''} folded={folded} code={code} />
      </div>
      {long && (
        <button type="button" className="button-small text-diff-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Show less' : 'Show all'}
        </button>
      )}
    </div>
  );
}
