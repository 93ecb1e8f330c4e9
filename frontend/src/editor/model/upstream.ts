/**
 * Variables a node can reference: the app inputs and the outputs of the nodes upstream of it.
 * Computed on demand (when the `{{` picker opens), never per keystroke or per render.
 */
import type { AppInput, EdgeSpec, NodeSpec, NodeTypeDef } from '../../apps/types';

export interface VariableOption {
  /** What goes between the braces: `inputs.question`, `llm.text`. */
  ref: string;
  /** Where it comes from, for display: "App input", the node title. */
  source: string;
  type: string;
  description: string;
}

type NodeLite = Pick<NodeSpec, 'id' | 'type' | 'title'>;
type EdgeLite = Pick<EdgeSpec, 'source' | 'target'>;

/** Ids of every node with a path to `nodeId`, nearest first. */
export function ancestorsOf(nodeId: string, edges: readonly EdgeLite[]): string[] {
  const incoming = new Map<string, string[]>();
  for (const e of edges) {
    const list = incoming.get(e.target);
    if (list) list.push(e.source);
    else incoming.set(e.target, [e.source]);
  }
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  let frontier = [nodeId];
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const src of incoming.get(id) ?? []) {
        if (seen.has(src)) continue;
        seen.add(src);
        order.push(src);
        next.push(src);
      }
    }
    frontier = next;
  }
  return order;
}

export function upstreamVariables(
  nodeId: string,
  nodes: readonly NodeLite[],
  edges: readonly EdgeLite[],
  types: ReadonlyMap<string, NodeTypeDef>,
  inputs: readonly Pick<AppInput, 'name' | 'type' | 'description'>[],
): VariableOption[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out: VariableOption[] = inputs.map((i) => ({
    ref: `inputs.${i.name}`,
    source: 'App input',
    type: i.type,
    description: i.description ?? '',
  }));
  for (const id of ancestorsOf(nodeId, edges)) {
    const node = byId.get(id);
    if (!node) continue;
    const def = types.get(node.type);
    if (!def || def.is_start) continue; // the start node's outputs are the app inputs, listed above
    for (const o of def.outputs) {
      out.push({ ref: `${id}.${o.name}`, source: node.title || def.title || id, type: o.type, description: o.description });
    }
  }
  out.push({ ref: 'sys.run_id', source: 'System', type: 'string', description: 'Id of this run.' });
  out.push({ ref: 'sys.now', source: 'System', type: 'string', description: 'Time the run started.' });
  return out;
}

/** Case-insensitive filter on the reference and its source. */
export function filterVariables(options: readonly VariableOption[], query: string): VariableOption[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...options];
  return options.filter((o) => o.ref.toLowerCase().includes(q) || o.source.toLowerCase().includes(q));
}

/** When the caret sits inside an open `{{`, where it started and what was typed since. */
export function templateQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open < 0) return null;
  const typed = before.slice(open + 2);
  if (typed.includes('}}') || /[\n{}]/.test(typed)) return null;
  if (!/^\s*[\w.]*$/.test(typed)) return null;
  return { start: open, query: typed.trim() };
}

/** Replaces the open `{{query` at start..caret with a complete `{{ ref }}`; returns the new text and caret. */
export function insertVariable(text: string, start: number, caret: number, ref: string): { text: string; caret: number } {
  let end = caret;
  // Swallow closing braces the user already typed.
  const rest = text.slice(caret);
  const closing = rest.match(/^\s*\}\}/);
  if (closing) end += closing[0].length;
  const chip = `{{ ${ref} }}`;
  return { text: text.slice(0, start) + chip + text.slice(end), caret: start + chip.length };
}

const TEMPLATE_REF = /\{\{\s*([A-Za-z_]\w*(?:\.\w+)+)/g;
const SELECTOR = /^\s*([A-Za-z_]\w*(?:\.\w+)+)\s*$/;

/**
 * The variables a node's config reads (`node.field` and `inputs.name`), for the single-node
 * run form. `known` are the namespaces that count: node ids plus `inputs`.
 */
export function referencedVariables(config: unknown, known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const add = (path: string) => {
    const parts = path.split('.');
    if (parts.length < 2 || !known.has(parts[0]!)) return;
    found.add(`${parts[0]}.${parts[1]}`);
  };
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(TEMPLATE_REF)) add(m[1]!);
      const sel = value.match(SELECTOR);
      if (sel) add(sel[1]!);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(config);
  return [...found].sort();
}
