/**
 * What the versions diff shows: a list of changes (down to config fields and edges) and, for
 * the canvas, the "to" graph with removed nodes added back as ghosts and every node marked.
 *
 * A changed field is shown by what it holds: a short scalar inline (before → after), a long or
 * multi-line text (a prompt, a template, a description, code) or a large structure as a
 * word-level diff, an LLM node's messages side by side, message by message. Nothing is cut.
 */
import { diffArrays } from 'diff';
import type { EdgeSpec, FieldChange, GraphDiff, GraphSpec, NodeSpec } from '../../apps/types';

export type DiffMark = 'added' | 'removed' | 'changed';

/** One message of an LLM node: its role and its text (a template). */
export interface PromptMessage {
  role: string;
  text: string;
}

/** A message before and after; null on the side where it does not exist (added or removed). */
export interface MessagePair {
  before: PromptMessage | null;
  after: PromptMessage | null;
  /** Its place, from 1: in the "to" messages, or in the "from" ones for a removed message. */
  position: number;
  same: boolean;
}

export type FieldDiff =
  /** A short scalar: shown inline. */
  | { kind: 'value'; path: string; before: string; after: string }
  /** A long or multi-line text, or a large structure as JSON: a word-level diff. */
  | { kind: 'text'; path: string; before: string; after: string; code: boolean }
  /** An LLM node's messages, paired. */
  | { kind: 'messages'; path: string; pairs: MessagePair[] };

export interface DiffRow {
  kind: DiffMark;
  subject: 'node' | 'edge' | 'input';
  /** Node id, edge id or input name: what clicking the row focuses. */
  id: string;
  title: string;
  details: FieldDiff[];
}

export interface DiffModel {
  rows: DiffRow[];
  marks: Map<string, DiffMark>;
  edgeMarks: Map<string, DiffMark>;
  /** Nodes to draw: the "to" graph's plus the removed ones. */
  nodes: NodeSpec[];
  edges: EdgeSpec[];
  isEmpty: boolean;
}

/** A text longer than this, or on several lines, is diffed word by word rather than inline. */
export const INLINE_MAX = 60;

/** A single-line rendering of a short value for the change list (strings quoted). */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  return JSON.stringify(value) ?? String(value);
}

const isLongText = (s: string) => s.length > INLINE_MAX || s.includes('\n');

function messageOf(item: unknown): PromptMessage | null {
  if (typeof item !== 'object' || item === null) return null;
  const m = item as Record<string, unknown>;
  const text = m.template ?? m.content ?? m.text;
  return typeof m.role === 'string' && typeof text === 'string' ? { role: m.role, text } : null;
}

/** The messages a value holds, or null when it is not a list of {role, template} messages. */
export function messagesOf(value: unknown): PromptMessage[] | null {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return null;
  const messages = value.map(messageOf);
  return messages.every((m): m is PromptMessage => m !== null) ? messages : null;
}

/** Messages matched up: unchanged ones kept in place, an edited one paired with what it was
 * (a run of removed messages followed by a run of added ones pairs up in order). */
export function pairMessages(before: PromptMessage[], after: PromptMessage[]): MessagePair[] {
  const pairs: MessagePair[] = [];
  let removed: { message: PromptMessage; position: number }[] = [];
  let beforeAt = 0;
  let afterAt = 0;
  const flushRemoved = () => {
    for (const r of removed) pairs.push({ before: r.message, after: null, position: r.position, same: false });
    removed = [];
  };
  for (const part of diffArrays(before, after, { comparator: (a, b) => a.role === b.role && a.text === b.text })) {
    if (part.removed) {
      flushRemoved();
      removed = part.value.map((message) => ({ message, position: (beforeAt += 1) }));
    } else if (part.added) {
      for (const message of part.value) {
        const was = removed.shift();
        pairs.push({ before: was?.message ?? null, after: message, position: (afterAt += 1), same: false });
      }
      flushRemoved();
    } else {
      flushRemoved();
      for (const message of part.value) {
        beforeAt += 1;
        pairs.push({ before: message, after: message, position: (afterAt += 1), same: true });
      }
    }
  }
  flushRemoved();
  return pairs;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** How a changed field is shown: see the module's comment. */
export function fieldDiff(change: FieldChange): FieldDiff {
  const { path, before, after } = change;
  const oldMessages = messagesOf(before);
  const newMessages = messagesOf(after);
  if (oldMessages && newMessages && (Array.isArray(before) || Array.isArray(after))) {
    return { kind: 'messages', path, pairs: pairMessages(oldMessages, newMessages) };
  }
  const texts = [before, after].filter((v) => typeof v === 'string') as string[];
  const structured = [before, after].some((v) => typeof v === 'object' && v !== null);
  if (texts.some(isLongText) || (structured && [before, after].some((v) => formatValue(v).length > INLINE_MAX))) {
    return { kind: 'text', path, before: asText(before), after: asText(after), code: structured || /(^|\.)code$/.test(path) };
  }
  return { kind: 'value', path, before: formatValue(before), after: formatValue(after) };
}

function edgeTitle(e: EdgeSpec, titles: Map<string, string>): string {
  const handle = e.source_handle && e.source_handle !== 'out' ? ` (${e.source_handle})` : '';
  return `${titles.get(e.source) ?? e.source}${handle} → ${titles.get(e.target) ?? e.target}`;
}

export function buildDiffModel(diff: GraphDiff, fromGraph: GraphSpec | null, toGraph: GraphSpec | null): DiffModel {
  const titles = new Map<string, string>();
  for (const n of [...(fromGraph?.nodes ?? []), ...(toGraph?.nodes ?? [])]) titles.set(n.id, n.title || n.id);
  const rows: DiffRow[] = [];
  const marks = new Map<string, DiffMark>();
  const edgeMarks = new Map<string, DiffMark>();

  for (const n of diff.nodes.added) {
    marks.set(n.id, 'added');
    rows.push({ kind: 'added', subject: 'node', id: n.id, title: `${n.title || n.id} (${n.type})`, details: [] });
  }
  for (const n of diff.nodes.removed) {
    marks.set(n.id, 'removed');
    rows.push({ kind: 'removed', subject: 'node', id: n.id, title: `${n.title || n.id} (${n.type})`, details: [] });
  }
  for (const c of diff.nodes.changed) {
    marks.set(c.id, 'changed');
    rows.push({
      kind: 'changed',
      subject: 'node',
      id: c.id,
      title: c.title || c.id,
      details: c.changes.map(fieldDiff),
    });
  }
  const edgeKey = (e: EdgeSpec) => `${e.source}|${e.source_handle}|${e.target}|${e.target_handle}`;
  for (const e of diff.edges.added) {
    edgeMarks.set(edgeKey(e), 'added');
    rows.push({ kind: 'added', subject: 'edge', id: e.id, title: edgeTitle(e, titles), details: [] });
  }
  for (const e of diff.edges.removed) {
    edgeMarks.set(edgeKey(e), 'removed');
    rows.push({ kind: 'removed', subject: 'edge', id: e.id, title: edgeTitle(e, titles), details: [] });
  }
  for (const i of diff.inputs.added) rows.push({ kind: 'added', subject: 'input', id: i.name, title: `inputs.${i.name}`, details: [] });
  for (const i of diff.inputs.removed) rows.push({ kind: 'removed', subject: 'input', id: i.name, title: `inputs.${i.name}`, details: [] });
  for (const i of diff.inputs.changed) {
    rows.push({
      kind: 'changed',
      subject: 'input',
      id: i.name,
      title: `inputs.${i.name}`,
      details: i.changes.map(fieldDiff),
    });
  }

  const nodes = [...(toGraph?.nodes ?? []), ...diff.nodes.removed.map((n) => fromGraph?.nodes.find((f) => f.id === n.id) ?? n)];
  const edges = [...(toGraph?.edges ?? []), ...diff.edges.removed.map((e) => ({ ...e, id: `removed:${e.id}` }))];
  return { rows, marks, edgeMarks, nodes, edges, isEmpty: rows.length === 0 };
}

export function edgeDiffKey(e: Pick<EdgeSpec, 'source' | 'source_handle' | 'target' | 'target_handle'>): string {
  return `${e.source}|${e.source_handle}|${e.target}|${e.target_handle}`;
}
