import { useCallback, useSyncExternalStore } from 'react';
import type { KeyedStore } from './keyedStore';

/** The value of one key, re-rendering only when that key changes. */
export function useKeyed<V>(store: KeyedStore<V>, key: string): V | undefined {
  const subscribe = useCallback((cb: () => void) => store.subscribe(key, cb), [store, key]);
  return useSyncExternalStore(subscribe, () => store.get(key));
}

/** Every value (re-renders on any change). */
export function useKeyedAll<V>(store: KeyedStore<V>): ReadonlyMap<string, V> {
  const subscribe = useCallback((cb: () => void) => store.subscribeAll(cb), [store]);
  return useSyncExternalStore(subscribe, () => store.all());
}
