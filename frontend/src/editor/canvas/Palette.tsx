/** Left sidebar: node types grouped by category, searchable; drag onto the canvas or click to add.
 * It folds to a rail of icons (remembered) to leave the canvas more room. */
import { memo, useMemo, useState } from 'react';
import type { NodeTypeDef } from '../../apps/types';
import { usePaletteCollapsed } from '../layout/usePaletteCollapsed';
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

interface PaletteItemProps {
  type: NodeTypeDef;
  disabled: boolean;
  /** In the folded palette: the icon only, the title and description in its tooltip. */
  iconOnly: boolean;
  onAdd: (type: string) => void;
}

const PaletteItem = memo(function PaletteItem({ type: t, disabled, iconOnly, onAdd }: PaletteItemProps) {
  const hint = 'Drag onto the canvas, or press Enter to add.';
  return (
    <div
      role="button"
      tabIndex={disabled ? -1 : 0}
      aria-label={t.title}
      aria-disabled={disabled || undefined}
      aria-describedby={`palette-desc-${t.type}`}
      className={`palette-item cat-${t.category}`}
      data-testid={`palette-${t.type}`}
      draggable={!disabled}
      title={iconOnly ? `${t.title}: ${t.description}\n${hint}` : `${t.description}\n${hint}`}
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
      <span className={iconOnly ? 'visually-hidden' : 'palette-text'}>
        <span className="palette-title">{t.title}</span>
        <span className="palette-desc" id={`palette-desc-${t.type}`}>
          {t.description}
        </span>
      </span>
    </div>
  );
});

/** The chevron of the fold button: points the way the palette will go. */
function FoldIcon({ collapsed }: { collapsed: boolean }) {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={collapsed ? 'M4 4v16M10 8l4 4-4 4' : 'M20 4v16M14 8l-4 4 4 4'} />
    </svg>
  );
}

function PaletteInner({ types, onAdd, disabled }: { types: readonly NodeTypeDef[]; onAdd: (type: string) => void; disabled: boolean }) {
  const [query, setQuery] = useState('');
  const { collapsed, toggle } = usePaletteCollapsed();
  const groups = useMemo(() => groupTypes(types, collapsed ? '' : query), [types, query, collapsed]);
  return (
    <aside className={`palette${collapsed ? ' palette-collapsed' : ''}`} aria-label="Node palette" data-collapsed={collapsed}>
      <div className="palette-top">
        {!collapsed && (
          <input
            type="search"
            className="palette-search"
            placeholder="Search nodes"
            aria-label="Search nodes"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        )}
        <button
          type="button"
          className="icon-btn palette-fold"
          aria-expanded={!collapsed}
          aria-label={collapsed ? 'Expand the node palette' : 'Collapse the node palette'}
          title={collapsed ? 'Show node names and search' : 'Fold the palette to icons: more room for the canvas'}
          onClick={toggle}
        >
          <FoldIcon collapsed={collapsed} />
        </button>
      </div>
      <div className="palette-groups">
        {groups.length === 0 && <p className="muted small">No node matches “{query}”.</p>}
        {groups.map(([category, list]) => (
          <section key={category} className="palette-group" aria-label={categoryLabel(category)}>
            <h3 className={collapsed ? 'visually-hidden' : undefined}>{categoryLabel(category)}</h3>
            {list.map((t) => (
              <PaletteItem key={t.type} type={t} disabled={disabled} iconOnly={collapsed} onAdd={onAdd} />
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteInner);
