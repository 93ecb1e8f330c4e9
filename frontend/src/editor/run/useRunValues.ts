/** The run form's values of an app, kept in the browser between visits (saved when a run starts). */
import { useCallback, useState } from 'react';

export type FormValues = Record<string, string>;

function storageKey(appId: string) {
  return `llmops.runInputs.${appId}`;
}

export function useRunValues(appId: string) {
  const [values, setValues] = useState<FormValues>(() => {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey(appId)) ?? '{}') as FormValues;
    } catch {
      return {};
    }
  });
  /** Keeps `started` (the values a run starts with) for the next visit. */
  const remember = useCallback(
    (started: FormValues) => {
      window.localStorage.setItem(storageKey(appId), JSON.stringify(started));
    },
    [appId],
  );
  return { values, setValues, remember };
}
