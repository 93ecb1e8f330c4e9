/**
 * Prompt/template editor: typing `{{` opens a typeahead of the variables upstream nodes produce.
 * The list is computed when the picker opens (getVariables), never per keystroke.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { filterVariables, insertVariable, templateQueryAt, type VariableOption } from '../model/upstream';
import { VariableOptionList } from './VariableOptionList';

interface Props {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  getVariables: () => VariableOption[];
  multiline?: boolean;
  rows?: number;
  readOnly?: boolean;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
}

const REF_IN_TEXT = /\{\{\s*([A-Za-z_]\w*(?:\.\w+)+)\s*\}\}/g;

export function TemplateInput({ id, value, onChange, getVariables, multiline = true, rows = 4, readOnly, placeholder, invalid, describedBy }: Props) {
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const listId = useId();
  const [picker, setPicker] = useState<{ start: number; query: string } | null>(null);
  const [options, setOptions] = useState<VariableOption[]>([]);
  const [active, setActive] = useState(0);

  const check = (text: string, caret: number) => {
    const q = templateQueryAt(text, caret);
    if (q && !picker) setOptions(getVariables()); // computed once per opening
    setPicker(q);
    setActive(0);
  };

  const filtered = picker ? filterVariables(options, picker.query).slice(0, 50) : [];
  const listRef = useRef<HTMLUListElement>(null);
  const isOpen = !!picker;
  useEffect(() => {
    if (isOpen) listRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [isOpen]);

  const choose = (opt: VariableOption) => {
    const el = ref.current;
    if (!el || !picker) return;
    const caret = el.selectionStart ?? value.length;
    const next = insertVariable(value, picker.start, caret, opt.ref);
    onChange(next.text);
    setPicker(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!picker || filtered.length === 0) {
      if (e.key === 'Escape' && picker) setPicker(null);
      return;
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % filtered.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + filtered.length) % filtered.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      choose(filtered[active]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setPicker(null);
    }
  };

  const common = {
    id,
    ref,
    value,
    readOnly,
    placeholder: placeholder ?? 'Type {{ to insert a variable',
    className: `tpl-input ${invalid ? 'invalid' : ''}`,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'aria-autocomplete': 'list' as const,
    'aria-expanded': !!picker && filtered.length > 0,
    'aria-controls': picker ? listId : undefined,
    spellCheck: false,
    onChange: (e: { target: HTMLTextAreaElement | HTMLInputElement }) => {
      onChange(e.target.value);
      check(e.target.value, e.target.selectionStart ?? e.target.value.length);
    },
    onKeyDown,
    onBlur: () => setTimeout(() => setPicker(null), 150),
    onClick: (e: { currentTarget: HTMLTextAreaElement | HTMLInputElement }) =>
      check(e.currentTarget.value, e.currentTarget.selectionStart ?? 0),
  };

  const refs = [...new Set([...value.matchAll(REF_IN_TEXT)].map((m) => m[1]!))];

  return (
    <div className="tpl">
      {multiline ? <textarea rows={rows} {...common} /> : <input type="text" {...common} />}
      {picker && (
        <VariableOptionList
          id={listId}
          listRef={listRef}
          options={filtered}
          active={active}
          onChoose={choose}
          emptyText={`No variable matches “${picker.query}”.`}
        />
      )}
      {refs.length > 0 && (
        <div className="var-chips" aria-label="Variables used">
          {refs.map((r) => (
            <span className="var-chip" key={r}>
              {r}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
