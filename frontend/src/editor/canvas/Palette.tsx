/** Left sidebar: node types grouped by category, searchable; drag onto the canvas or click to add. */
import { memo, useMemo, useState } from 'react';
import type { NodeTypeDef } from '../../apps/types';
import { CATEGORY_ORDER, categoryLabel, TypeIcon } from './icons';

export const DRAG_MIME = 'application/x-llmops-node-type';

export function groupTypes(types: readonly NodeTypeDef[], query: string): [string, NodeTypeDef[]][] {
  const q = query.trim().toLowerCase();
  const groups = new Map<string, NodeTypeDef[]>();
  for (const t of types) {
    if (q && !`${t.title} ${t.type} ${t.description} ${t.category}`.toLowerCase().includes(q)) continue;
    const list = groups.get(t.category);
    if (list) list.push(t);
    else groups.set(t.category, [t]);
  }
  const rank = (c: string) => (CATEGORY_ORDER.indexOf(c) + 1 || 99);
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

function PaletteInner({ types, onAdd, disabled }: { types: readonly NodeTypeDef[]; onAdd: (type: string) => void; disabled: boolean }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupTypes(types, query), [types, query]);
  return (
    <aside className="palette" aria-label="Node palette">
      <input
        type="search"
        className="palette-search"
        placeholder="Search nodes"
        aria-label="Search nodes"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="palette-groups">
        {groups.length === 0 && <p className="muted small">No node matches “{query}”.</p>}
        {groups.map(([category, list]) => (
          <section key={category} className="palette-group">
            <h3>{categoryLabel(category)}</h3>
            {list.map((t) => (
              <div
                key={t.type}
                role="button"
                tabIndex={disabled ? -1 : 0}
                aria-label={t.title}
                aria-disabled={disabled || undefined}
                aria-describedby={`palette-desc-${t.type}`}
                className={`palette-item cat-${t.category}`}
                data-testid={`palette-${t.type}`}
                draggable={!disabled}
                title={`${t.description}\nDrag onto the canvas, or press Enter to add.`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_MIME, t.type);
                  e.dataTransfer.setData('text/plain', t.type);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onClick={() => !disabled && onAdd(t.type)}
                onKeyDown={(e) => {
                  if (!disabled && (e.key === 'Enter' || e.key === ' ')) {
                    e.preventDefault();
                    onAdd(t.type);
                  }
                }}
              >
                <span className="fnode-icon">
                  <TypeIcon name={t.icon} />
                </span>
                <span className="palette-text">
                  <span className="palette-title">{t.title}</span>
                  <span className="palette-desc" id={`palette-desc-${t.type}`}>
                    {t.description}
                  </span>
                </span>
              </div>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteInner);
