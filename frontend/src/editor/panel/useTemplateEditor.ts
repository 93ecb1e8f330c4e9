/**
 * The CodeMirror view behind a template field: created once per field, its text kept equal to the
 * `value` prop (edits go out through onChange; a new value from outside replaces the text without
 * an undo step), with undo/redo, a placeholder, read-only mode, the pills of the variables used,
 * and the keys of the `{{` picker ahead of the editor's own. A single-line field refuses line
 * breaks.
 */
import { history, historyKeymap, standardKeymap } from '@codemirror/commands';
import { Annotation, Compartment, EditorState, Prec, Transaction, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import { setKnownVariables, variablePills, type KnownVariables } from './variablePills';

export type PickerKey = 'ArrowDown' | 'ArrowUp' | 'Enter' | 'Tab' | 'Escape';
const PICKER_KEYS: PickerKey[] = ['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'];

export interface TemplateEditorProps {
  value: string;
  onChange: (text: string) => void;
  multiline: boolean;
  readOnly: boolean;
  placeholder: string;
  invalid: boolean;
  /** Attributes of the editable element (id, aria-*). */
  attributes: Record<string, string>;
  /** The variables the node can reference: the pills' labels. */
  known: KnownVariables;
  /** After each edit or caret move while focused: the text and the caret (the picker follows). */
  onCaret: (text: string, caret: number) => void;
  onFocus: () => void;
  onBlur: () => void;
  /** A key while the picker may be open; true when the picker took it. */
  onPickerKey: (key: PickerKey) => boolean;
}

/** Marks the transactions that bring a value from outside (they are not the user's edits). */
const fromOutside = Annotation.define<boolean>();

const fieldTheme = EditorView.theme({
  '&': {
    color: 'var(--text)',
    background: 'var(--surface)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
    maxHeight: '320px',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-1px', borderColor: 'var(--accent)' },
  '.cm-scroller': { overflow: 'auto', fontFamily: 'var(--mono)', fontSize: '13px', lineHeight: '1.45' },
  '.cm-content': { padding: '6px 8px', minHeight: 'calc(var(--tpl-rows, 1) * 1.45em)', caretColor: 'var(--text)' },
  '.cm-line': { padding: '0' },
  '.cm-placeholder': { color: 'var(--text-muted)' },
  '&.cm-editor.invalid': { borderColor: 'var(--warn)' },
});

const oneLine: Extension = [
  EditorState.transactionFilter.of((tr) => (tr.docChanged && tr.newDoc.lines > 1 ? [] : tr)),
  Prec.high(keymap.of([{ key: 'Enter', run: () => true }])),
];

function editable(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

function looks(p: Pick<TemplateEditorProps, 'attributes' | 'invalid' | 'multiline'>): Extension {
  return [
    EditorView.contentAttributes.of({ ...p.attributes, 'aria-multiline': String(p.multiline) }),
    EditorView.editorAttributes.of({ class: p.invalid ? 'tpl-input invalid' : 'tpl-input' }),
  ];
}

/** Mounts the editor in the element returned as `host`; `view` holds it while mounted. */
export function useTemplateEditor(props: TemplateEditorProps, view: RefObject<EditorView | null>): RefObject<HTMLDivElement | null> {
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const parts = useRef({ editable: new Compartment(), looks: new Compartment(), placeholder: new Compartment() }).current;
  const { multiline } = props;

  useLayoutEffect(() => {
    const p = latest.current;
    const pickerKeys = keymap.of(PICKER_KEYS.map((key) => ({ key, run: () => latest.current.onPickerKey(key) })));
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: p.value,
        extensions: [
          Prec.highest(pickerKeys),
          multiline ? EditorView.lineWrapping : oneLine,
          history(),
          keymap.of([...historyKeymap, ...standardKeymap]),
          parts.editable.of(editable(p.readOnly)),
          parts.looks.of(looks(p)),
          parts.placeholder.of(placeholderText(p.placeholder)),
          variablePills(),
          fieldTheme,
          EditorView.updateListener.of((u) => {
            const now = latest.current;
            if (u.docChanged && !u.transactions.some((t) => t.annotation(fromOutside))) now.onChange(u.state.doc.toString());
            if (u.focusChanged) (u.view.hasFocus ? now.onFocus : now.onBlur)();
            if ((u.docChanged || u.selectionSet) && u.view.hasFocus) now.onCaret(u.state.doc.toString(), u.state.selection.main.head);
          }),
        ],
      }),
    });
    setKnownVariables(editor, p.known);
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [multiline, parts, view]);

  // A value from outside (undo of the graph, a restored draft) replaces the text.
  const { value } = props;
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const text = editor.state.doc.toString();
    if (text === value) return;
    editor.dispatch({
      changes: { from: 0, to: text.length, insert: value },
      annotations: [fromOutside.of(true), Transaction.addToHistory.of(false)],
    });
  }, [value, view]);

  const { readOnly, placeholder, known, invalid, attributes } = props;
  useEffect(() => {
    view.current?.dispatch({ effects: parts.editable.reconfigure(editable(readOnly)) });
  }, [readOnly, parts, view]);
  useEffect(() => {
    view.current?.dispatch({ effects: parts.placeholder.reconfigure(placeholderText(placeholder)) });
  }, [placeholder, parts, view]);
  const attributeKey = JSON.stringify(attributes);
  useEffect(() => {
    view.current?.dispatch({ effects: parts.looks.reconfigure(looks(latest.current)) });
  }, [attributeKey, invalid, multiline, parts, view]);
  useEffect(() => {
    if (view.current) setKnownVariables(view.current, known);
  }, [known, view]);

  return host;
}
