/**
 * Prompt/template field. Variables show inline as pills ("LLM · text"; red when nothing upstream
 * gives them) while the value stays the plain template text (`{{ llm.text }}`), exactly as typed.
 * Typing `{{` opens a typeahead of the variables upstream nodes produce; picking one inserts its
 * pill. The variables are read when the field mounts and when it takes the focus (getVariables),
 * never per keystroke.
 *
 * Built on CodeMirror 6: its decorations draw the pills over the text without changing it, so
 * the stored value, undo, selection, paste and IME input all stay the editor's plain-text ones.
 */
import type { EditorView } from '@codemirror/view';
import { useCallback, useId, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { filterVariables, insertVariable, templateQueryAt, type VariableOption } from '../model/upstream';
import { knownVariables } from './variablePills';
import { useTemplateEditor, type PickerKey } from './useTemplateEditor';
import { VariableOptionList } from './VariableOptionList';

interface Props {
  /** The editable element's id; a `<label htmlFor={id}>` names the field. */
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

interface PickerState {
  /** Where the `{{` starts. */
  start: number;
  query: string;
}

/** The id of the `<label for={id}>` of the field (given one if it has none); a click on the label
 * focuses the field, as it would an input. */
function useLabelOf(id: string | undefined, focus: () => void): string | undefined {
  const [labelId, setLabelId] = useState<string>();
  const focusRef = useRef(focus);
  focusRef.current = focus;
  useLayoutEffect(() => {
    if (!id) return undefined;
    const label = Array.from(document.getElementsByTagName('label')).find((l) => l.htmlFor === id);
    if (!label) return undefined;
    if (!label.id) label.id = `${id}-label`;
    setLabelId(label.id);
    const onClick = () => focusRef.current();
    label.addEventListener('click', onClick);
    return () => label.removeEventListener('click', onClick);
  }, [id]);
  return labelId;
}

export function TemplateInput({ id, value, onChange, getVariables, multiline = true, rows = 4, readOnly = false, placeholder, invalid = false, describedBy }: Props) {
  const listId = useId();
  const [variables, setVariables] = useState<VariableOption[]>(getVariables);
  const known = useMemo(() => knownVariables(variables), [variables]);
  const [picker, setPicker] = useState<PickerState | null>(null);
  const [active, setActive] = useState(0);
  const filtered = useMemo(() => (picker ? filterVariables(variables, picker.query).slice(0, 50) : []), [picker, variables]);
  const listRef = useRef<HTMLUListElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const labelId = useLabelOf(id, () => viewRef.current?.focus());

  const choose = useCallback(
    (option: VariableOption) => {
      const view = viewRef.current;
      if (!view || !picker) return;
      const text = view.state.doc.toString();
      const next = insertVariable(text, picker.start, view.state.selection.main.head, option.ref);
      const end = text.length - (next.text.length - next.caret); // the typed `{{query` (and `}}`) it replaces
      view.dispatch({
        changes: { from: picker.start, to: end, insert: next.text.slice(picker.start, next.caret) },
        selection: { anchor: next.caret },
        userEvent: 'input.complete',
      });
      setPicker(null);
      view.focus();
    },
    [picker],
  );

  const onPickerKey = (key: PickerKey): boolean => {
    if (!picker) return false;
    if (key === 'Escape') {
      setPicker(null);
      return true;
    }
    if (filtered.length === 0) return false;
    if (key === 'ArrowDown') setActive((a) => (a + 1) % filtered.length);
    else if (key === 'ArrowUp') setActive((a) => (a - 1 + filtered.length) % filtered.length);
    else choose(filtered[active] ?? filtered[0]!);
    return true;
  };

  const onCaret = useCallback((text: string, caret: number) => {
    const q = templateQueryAt(text, caret);
    setPicker((prev) => (prev && q && prev.start === q.start && prev.query === q.query ? prev : q));
    setActive(0);
  }, []);

  const attributes = useMemo(() => {
    const a: Record<string, string> = { 'aria-autocomplete': 'list', 'aria-expanded': String(!!picker && filtered.length > 0) };
    if (id) a.id = id;
    if (labelId) a['aria-labelledby'] = labelId;
    if (invalid) a['aria-invalid'] = 'true';
    if (describedBy) a['aria-describedby'] = describedBy;
    if (picker) a['aria-controls'] = listId;
    return a;
  }, [id, labelId, invalid, describedBy, picker, filtered.length, listId]);

  const host = useTemplateEditor({
    value,
    onChange,
    multiline,
    readOnly,
    placeholder: placeholder ?? 'Type {{ to insert a variable',
    invalid,
    attributes,
    known,
    onCaret,
    onFocus: () => setVariables(getVariables()),
    onBlur: () => setPicker(null),
    onPickerKey,
  }, viewRef);

  useLayoutEffect(() => {
    if (picker) listRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [picker !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="tpl">
      <div ref={host} className="tpl-host" style={{ '--tpl-rows': multiline ? rows : 1 } as CSSProperties} />
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
    </div>
  );
}
