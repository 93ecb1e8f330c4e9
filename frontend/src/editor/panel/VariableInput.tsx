/** A field that holds one variable reference (`node.field`), with a picker of upstream variables. */
import { useId, useState } from 'react';
import { filterVariables, type VariableOption } from '../model/upstream';
import { VariableOptionList } from './VariableOptionList';

interface Props {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  getVariables: () => VariableOption[];
  readOnly?: boolean;
  invalid?: boolean;
  placeholder?: string;
  label?: string;
}

export function VariableInput({ id, value, onChange, getVariables, readOnly, invalid, placeholder, label }: Props) {
  const [options, setOptions] = useState<VariableOption[] | null>(null);
  const [active, setActive] = useState(0);
  const listId = useId();
  const filtered = options ? filterVariables(options, value).slice(0, 50) : [];
  return (
    <div className="tpl">
      <input
        id={id}
        type="text"
        className={`var-input ${invalid ? 'invalid' : ''}`}
        value={value}
        readOnly={readOnly}
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-autocomplete="list"
        aria-controls={options ? listId : undefined}
        aria-expanded={!!options}
        placeholder={placeholder ?? 'node.field or inputs.name'}
        spellCheck={false}
        onFocus={() => !readOnly && setOptions(getVariables())}
        onBlur={() => setTimeout(() => setOptions(null), 150)}
        onChange={(e) => {
          onChange(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (!options || !filtered.length) return;
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => (a + 1) % filtered.length);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => (a - 1 + filtered.length) % filtered.length);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            onChange(filtered[active]!.ref);
            setOptions(null);
          } else if (e.key === 'Escape') {
            setOptions(null);
          }
        }}
      />
      {options && filtered.length > 0 && (
        <VariableOptionList
          id={listId}
          options={filtered}
          active={active}
          onChoose={(o) => {
            onChange(o.ref);
            setOptions(null);
          }}
        />
      )}
    </div>
  );
}
