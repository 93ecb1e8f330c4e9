/** The editor's layout choices kept in localStorage (storage may be disabled: then they last
 * for the page only). */

export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // not persisted; still applied for this page
  }
}
