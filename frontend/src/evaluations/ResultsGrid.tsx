/** The results grid: one row per dataset row, one column per variant — output, verdicts, tokens,
 * cost, latency and labels. Keyboard first: j/k move between rows, h/l between variants, g/b
 * label good/bad, 1–5 score, u undoes the last label, ? shows the keys. Blind mode hides which
 * variant answered and shuffles the columns per row. Only the rows in view are rendered, so a
 * thousand rows × four variants scroll smoothly. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { TextDiff } from '../editor/versions/TextDiff';
import { display } from './parts';
import type { CellLabel, ResultCell, ResultRow, Variant } from './types';

const ROW_HEIGHT = 168;
const OVERSCAN = 4;

export interface LabelChange {
  cell: ResultCell;
  label: { good: boolean; score?: number | null } | null;
}

/** A stable shuffle of ``count`` columns for one row (blind mode). */
export function shuffledOrder(count: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  let state = (seed * 2654435761) % 4294967296 || 1;
  for (let i = count - 1; i > 0; i -= 1) {
    state = (state * 1664525 + 1013904223) % 4294967296;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export function ResultsGrid({
  rows,
  variants,
  blind,
  diffPair,
  onLabel,
  onUndo,
}: {
  rows: ResultRow[];
  variants: Variant[];
  blind: boolean;
  diffPair: [number, number] | null;
  onLabel: (change: LabelChange) => void;
  onUndo: () => void;
}) {
  const [cursor, setCursor] = useState({ row: 0, column: 0 });
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [help, setHelp] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const names = useMemo(() => Object.fromEntries(variants.map((v) => [v.id, v.name])), [variants]);

  const ordered = useCallback(
    (row: ResultRow) => (blind ? shuffledOrder(row.cells.length, row.row.id).map((i) => row.cells[i]!) : row.cells),
    [blind],
  );

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const keepInView = (row: number) => {
    const el = box.current;
    if (!el) return;
    const top = row * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
    const current = rows[cursor.row];
    const cell = current ? ordered(current)[cursor.column] : undefined;
    const move = (row: number, column: number) => {
      const r = Math.max(0, Math.min(rows.length - 1, row));
      const width = rows[r]?.cells.length ?? 1;
      setCursor({ row: r, column: Math.max(0, Math.min(width - 1, column)) });
      keepInView(r);
    };
    const key = e.key;
    if (key === 'j' || key === 'ArrowDown') move(cursor.row + 1, cursor.column);
    else if (key === 'k' || key === 'ArrowUp') move(cursor.row - 1, cursor.column);
    else if (key === 'l' || key === 'ArrowRight') move(cursor.row, cursor.column + 1);
    else if (key === 'h' || key === 'ArrowLeft') move(cursor.row, cursor.column - 1);
    else if ((key === 'g' || key === 'b') && cell) onLabel({ cell, label: { good: key === 'g', score: cell.my_label?.score ?? null } });
    else if (/^[1-5]$/.test(key) && cell) onLabel({ cell, label: { good: cell.my_label?.good ?? Number(key) >= 3, score: Number(key) } });
    else if (key === 'x' && cell) onLabel({ cell, label: null });
    else if (key === 'u') onUndo();
    else if (key === '?') setHelp((h) => !h);
    else return;
    e.preventDefault();
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const columns = rows[0]?.cells.length ?? variants.length;

  return (
    <div className="results-wrap">
      {help && (
        <div className="shortcut-sheet" role="dialog" aria-label="Keyboard shortcuts">
          <p>
            <kbd>j</kbd>/<kbd>k</kbd> next / previous row · <kbd>h</kbd>/<kbd>l</kbd> previous / next variant · <kbd>g</kbd> good · <kbd>b</kbd> bad ·{' '}
            <kbd>1</kbd>–<kbd>5</kbd> score · <kbd>x</kbd> remove my label · <kbd>u</kbd> undo · <kbd>?</kbd> this help
          </p>
        </div>
      )}
      <div
        ref={box}
        className="results-grid"
        tabIndex={0}
        role="grid"
        aria-label="Results"
        aria-rowcount={rows.length}
        onKeyDown={onKey}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="results-grid"
      >
        <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
          {rows.slice(first, last).map((row, offset) => {
            const index = first + offset;
            const cells = ordered(row);
            const pair = diffPair ? [row.cells.find((c) => c.variant_id === diffPair[0]), row.cells.find((c) => c.variant_id === diffPair[1])] : null;
            return (
              <div
                key={row.row.id}
                role="row"
                aria-rowindex={index + 1}
                className={`result-row ${index === cursor.row ? 'current' : ''}`}
                style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT, gridTemplateColumns: `minmax(130px, 0.8fr) repeat(${columns}, minmax(150px, 1fr))` }}
              >
                <div className="result-input" role="rowheader">
                  <span className="muted">#{row.row.position + 1}</span>{' '}
                  {row.row.tags.map((t) => (
                    <span key={t} className="chip">
                      {t}
                    </span>
                  ))}
                  {Object.entries(row.row.inputs).map(([k, v]) => (
                    <div key={k} className="result-field">
                      <span className="muted">{k}</span> {display(v)}
                    </div>
                  ))}
                  {row.row.expected !== null && (
                    <div className="result-field">
                      <span className="muted">expected</span> {row.row.expected}
                    </div>
                  )}
                </div>
                {pair && pair[0] && pair[1] ? (
                  <div className="result-cell diff-cell" role="gridcell" style={{ gridColumn: `span ${columns}` }}>
                    <TextDiff before={pair[0].output ?? ''} after={pair[1].output ?? ''} />
                  </div>
                ) : (
                  cells.map((cell, column) => (
                    <CellView
                      key={cell.id}
                      cell={cell}
                      title={blind ? `Output ${column + 1}` : names[cell.variant_id] ?? ''}
                      selected={index === cursor.row && column === cursor.column}
                      onSelect={() => setCursor({ row: index, column })}
                      onLabel={(label) => onLabel({ cell, label })}
                    />
                  ))
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function CellView({ cell, title, selected, onSelect, onLabel }: {
  cell: ResultCell;
  title: string;
  selected: boolean;
  onSelect: () => void;
  onLabel: (label: CellLabel | null) => void;
}) {
  const mine = cell.my_label;
  const verdictClass = cell.judgement.good === true ? 'good' : cell.judgement.good === false ? 'bad' : cell.judgement.disputed ? 'disputed' : '';
  return (
    <div
      role="gridcell"
      aria-selected={selected}
      className={`result-cell ${selected ? 'selected' : ''} judged-${verdictClass}`}
      onClick={onSelect}
      data-testid={`cell-${cell.id}`}
    >
      <div className="cell-head">
        <strong className="cell-title" title={title}>
          {title}
        </strong>
        <span className="muted cell-meta">
          {cell.status === 'done' || cell.status === 'failed'
            ? `${cell.tokens_in}→${cell.tokens_out} tok · ${cell.latency_ms !== null ? `${Math.round(cell.latency_ms)} ms` : ''}`
            : cell.status}
        </span>
      </div>
      <div className={`cell-output ${cell.status === 'failed' ? 'text-error' : ''}`}>{cell.output ?? (cell.status === 'pending' || cell.status === 'running' ? '…' : '')}</div>
      <div className="cell-foot">
        {cell.verdicts.map((v) => (
          <span key={v.evaluator} className={`chip verdict ${v.passed ? 'verdict-pass' : 'verdict-fail'}`} title={v.reason}>
            {v.passed ? '✓' : '✗'} {v.evaluator}
          </span>
        ))}
        <span className="cell-labels">
          <button type="button" className={`button-small ${mine?.good === true ? 'pressed' : ''}`} aria-pressed={mine?.good === true} aria-label="Good (g)" title="Good (g)" onClick={(e) => { e.stopPropagation(); onLabel(mine?.good === true ? null : { good: true, score: mine?.score ?? null, comment: '' }); }}>
            good
          </button>
          <button type="button" className={`button-small ${mine?.good === false ? 'pressed' : ''}`} aria-pressed={mine?.good === false} aria-label="Bad (b)" title="Bad (b)" onClick={(e) => { e.stopPropagation(); onLabel(mine?.good === false ? null : { good: false, score: mine?.score ?? null, comment: '' }); }}>
            bad
          </button>
          {mine?.score ? <span className="muted">{mine.score}/5</span> : null}
          {cell.labels.length > (mine ? 1 : 0) && (
            <span className={`muted ${cell.judgement.disputed ? 'text-error' : ''}`} title={cell.labels.map((l) => `${l.user}: ${l.good ? 'good' : 'bad'}`).join(', ')}>
              {cell.labels.filter((l) => l.good).length} good · {cell.labels.filter((l) => !l.good).length} bad
            </span>
          )}
        </span>
      </div>
    </div>
  );
}
