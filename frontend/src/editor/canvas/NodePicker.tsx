/** A searchable list of node types at a point on screen: "+" on a handle, an edge dropped on empty canvas, "Add node". */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeTypeDef } from '../../apps/types';
import { groupTypes } from './Palette';
import { categoryLabel, TypeIcon } from './icons';

export interface PickerRequest {
  /** Screen position of the popover. */
  screen: { x: number; y: number };
  /** Where the new node goes, in flow coordinates. */
  flow: { x: number; y: number };
  /** Connect the new node from this handle. */
  from?: { nodeId: string; handle: string };
}

export function NodePicker({
  types,
  request,
  onPick,
  onClose,
}: {
  types: readonly NodeTypeDef[];
  request: PickerRequest;
  onPick: (type: string) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  // Only types valid there: nothing can flow into a start node.
  const valid = useMemo(() => (request.from ? types.filter((t) => !t.is_start) : types), [types, request.from]);
  const groups = useMemo(() => groupTypes(valid, query), [valid, query]);
  const flat = groups.flatMap(([, list]) => list);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const left = Math.min(request.screen.x, window.innerWidth - 300);
  const top = Math.min(request.screen.y, window.innerHeight - 380);
  let index = -1;
  return (
    <div className="node-picker" ref={ref} style={{ left, top }} role="dialog" aria-label="Add a node" data-testid="node-picker">
      <input
        autoFocus
        type="search"
        placeholder={request.from ? 'Add a connected node…' : 'Add a node…'}
        aria-label="Search node types"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, flat.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter' && flat[active]) {
            e.preventDefault();
            onPick(flat[active]!.type);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <div className="node-picker-list" role="listbox" aria-label="Node types">
        {groups.map(([cat, list]) => (
          <div key={cat}>
            <div className="node-picker-cat">{categoryLabel(cat)}</div>
            {list.map((t) => {
              index += 1;
              const i = index;
              return (
                <div
                  key={t.type}
                  role="option"
                  aria-selected={i === active}
                  className={`node-picker-item cat-${t.category} ${i === active ? 'active' : ''}`}
                  data-testid={`picker-${t.type}`}
                  onMouseEnter={() => setActive(i)}
                  onClick={() => onPick(t.type)}
                >
                  <span className="fnode-icon">
                    <TypeIcon name={t.icon} />
                  </span>
                  <span>
                    <span className="palette-title">{t.title}</span>
                    <span className="palette-desc">{t.description}</span>
                  </span>
                </div>
              );
            })}
          </div>
        ))}
        {flat.length === 0 && <p className="muted small">Nothing matches.</p>}
      </div>
    </div>
  );
}
