/** Node and edge ids: identifiers (the runtime references nodes as `{{ node_id.field }}`). */

/** The first free `<base>_<n>` (or `<base>` itself when free). */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_])/, '_$1') || 'node';
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n += 1) {
    const candidate = `${clean}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function edgeId(source: string, sourceHandle: string, target: string, targetHandle: string): string {
  return `e_${source}_${sourceHandle}__${target}_${targetHandle}`;
}

let noteCounter = 0;
export function newNoteId(taken: ReadonlySet<string>): string {
  for (;;) {
    noteCounter += 1;
    const id = `note_${Date.now().toString(36)}_${noteCounter}`;
    if (!taken.has(id)) return id;
  }
}
