/**
 * A tiny store of values by key (node id) that components subscribe to one key at a time,
 * so a run status or an issue on one node re-renders that node only, not the whole canvas.
 */
export interface KeyedStore<V> {
  get(key: string): V | undefined;
  set(key: string, value: V | undefined): void;
  /** Replaces every value; only keys whose value changed notify. */
  replace(entries: ReadonlyMap<string, V>): void;
  all(): ReadonlyMap<string, V>;
  subscribe(key: string, listener: () => void): () => void;
  subscribeAll(listener: () => void): () => void;
}

export function createKeyedStore<V>(): KeyedStore<V> {
  let values = new Map<string, V>();
  const byKey = new Map<string, Set<() => void>>();
  const everyone = new Set<() => void>();
  const notify = (keys: Iterable<string>) => {
    for (const k of keys) byKey.get(k)?.forEach((l) => l());
    everyone.forEach((l) => l());
  };
  return {
    get: (key) => values.get(key),
    set(key, value) {
      if (values.get(key) === value) return;
      values = new Map(values);
      if (value === undefined) values.delete(key);
      else values.set(key, value);
      notify([key]);
    },
    replace(entries) {
      const changed = new Set<string>();
      for (const [k, v] of entries) if (values.get(k) !== v) changed.add(k);
      for (const k of values.keys()) if (!entries.has(k)) changed.add(k);
      if (changed.size === 0) return;
      values = new Map(entries);
      notify(changed);
    },
    all: () => values,
    subscribe(key, listener) {
      let set = byKey.get(key);
      if (!set) byKey.set(key, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) byKey.delete(key);
      };
    },
    subscribeAll(listener) {
      everyone.add(listener);
      return () => everyone.delete(listener);
    },
  };
}
