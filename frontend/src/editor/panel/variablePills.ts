/**
 * Variables in a template field drawn as pills (CodeMirror decorations): `{{ llm.text }}` shows as
 * a chip "LLM · text" — the title of the node that gives it and the field — and a reference that no
 * upstream node or app input gives shows red. Only the drawing changes: the text stays the plain
 * template, so what is saved is exactly what was typed. A pill is one unit for the caret and for
 * Backspace. Anything else between braces (`{{ x | upper }}`, Jinja `{% if %}` blocks) stays text.
 */
import { StateEffect, StateField, type Extension } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  WidgetType,
  type DecorationSet,
  type ViewUpdate,
} from '@codemirror/view';
import type { VariableOption } from '../model/upstream';

/** `{{ node.field }}` with nothing but a dotted reference between the braces. */
export const VARIABLE_REF = /\{\{\s*([A-Za-z_]\w*(?:\.\w+)+)\s*\}\}/g;

/** The variables a field's node can reference, by reference (`llm.text`). */
export type KnownVariables = ReadonlyMap<string, VariableOption>;

export interface PillLabel {
  /** "LLM · text", or the bare reference when nothing gives it. */
  text: string;
  known: boolean;
  /** The tooltip: the reference as written and its type, or why it is red. */
  title: string;
}

/** What the pill of `ref` says, given the variables the node can reference. A deeper path
 * (`llm.json.answer`) counts as known when its first two parts are. */
export function pillLabel(ref: string, known: KnownVariables): PillLabel {
  const [namespace, ...path] = ref.split('.');
  const option = known.get(ref) ?? known.get(`${namespace}.${path[0]}`);
  if (!option) {
    return { text: ref, known: false, title: `Unknown variable {{ ${ref} }}: no upstream node or app input gives it` };
  }
  return { text: `${option.source} · ${path.join('.')}`, known: true, title: `{{ ${ref} }} · ${option.type}` };
}

export function knownVariables(options: readonly VariableOption[]): KnownVariables {
  return new Map(options.map((o) => [o.ref, o]));
}

const setKnown = StateEffect.define<KnownVariables>();

const knownField = StateField.define<KnownVariables>({
  create: () => new Map(),
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setKnown)) value = e.value;
    return value;
  },
});

/** Tells the pills which variables exist (their labels and colours follow). */
export function setKnownVariables(view: EditorView, known: KnownVariables): void {
  view.dispatch({ effects: setKnown.of(known) });
}

class VariablePill extends WidgetType {
  constructor(
    readonly ref: string,
    readonly label: PillLabel,
  ) {
    super();
  }

  eq(other: VariablePill): boolean {
    return other.ref === this.ref && other.label.text === this.label.text && other.label.known === this.label.known;
  }

  toDOM(): HTMLElement {
    const pill = document.createElement('span');
    pill.className = this.label.known ? 'var-pill' : 'var-pill var-pill-unknown';
    pill.textContent = this.label.text;
    pill.title = this.label.title;
    pill.dataset.ref = this.ref;
    pill.dataset.testid = 'var-pill';
    return pill;
  }

  ignoreEvent(): boolean {
    return false;
  }
}

const pillMatcher = new MatchDecorator({
  regexp: VARIABLE_REF,
  decoration: (match, view) =>
    Decoration.replace({ widget: new VariablePill(match[1]!, pillLabel(match[1]!, view.state.field(knownField))) }),
});

const pillPlugin = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;

    constructor(view: EditorView) {
      this.decorations = pillMatcher.createDeco(view);
    }

    update(update: ViewUpdate) {
      this.decorations =
        update.startState.field(knownField) !== update.state.field(knownField)
          ? pillMatcher.createDeco(update.view) // the labels changed: draw every pill again
          : pillMatcher.updateDeco(update, this.decorations);
    }
  },
  {
    decorations: (plugin) => plugin.decorations,
    provide: (plugin) => EditorView.atomicRanges.of((view) => view.plugin(plugin)?.decorations ?? Decoration.none),
  },
);

const pillTheme = EditorView.baseTheme({
  '.var-pill': {
    display: 'inline-block',
    padding: '0 6px',
    margin: '0 1px',
    borderRadius: '999px',
    fontFamily: 'var(--font)',
    fontSize: '12px',
    lineHeight: '1.45',
    background: 'var(--accent-soft)',
    color: 'var(--accent)',
    border: '1px solid color-mix(in srgb, var(--accent) 30%, transparent)',
    whiteSpace: 'nowrap',
    verticalAlign: 'baseline',
    cursor: 'default',
  },
  '.var-pill-unknown': {
    background: 'color-mix(in srgb, var(--error) 12%, transparent)',
    color: 'var(--error)',
    borderColor: 'color-mix(in srgb, var(--error) 45%, transparent)',
  },
});

/** The pills of a template field. */
export function variablePills(): Extension {
  return [knownField, pillPlugin, pillTheme];
}
