// The drop-down of upstream variables shared by the template field (`{{` picker) and the
// variable field: one option per reference, the keyboard-active one highlighted.
import type { Ref } from 'react';
import type { VariableOption } from '../model/upstream';

interface Props {
  id: string;
  options: VariableOption[];
  active: number;
  onChoose: (option: VariableOption) => void;
  emptyText?: string;
  listRef?: Ref<HTMLUListElement>;
}

export function VariableOptionList({ id, options, active, onChoose, emptyText, listRef }: Props) {
  return (
    <ul ref={listRef} className="var-picker" role="listbox" id={id} aria-label="Variables">
      {options.length === 0 && emptyText && <li className="var-empty">{emptyText}</li>}
      {options.map((o, i) => (
        <li
          key={o.ref}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'active' : ''}
          onMouseDown={(e) => {
            e.preventDefault(); // keep the focus in the field
            onChoose(o);
          }}
        >
          <code>{o.ref}</code>
          <span className="var-meta">
            {o.source} · {o.type}
          </span>
        </li>
      ))}
    </ul>
  );
}
