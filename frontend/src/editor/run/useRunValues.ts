/** The run form's values of an app, kept in the browser between visits (saved when a run starts). */
import { useCallback, useState } from 'react';

function storageKey(appId: string) {
  return `llmops.runInputs.${appId}`;
}

export function useRunValues(appId: string) {
  const [values, setValues] = useState<Record<string, string>>(() => {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey(appId)) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  });
  const remember = useCallback(() => {
    window.localStorage.setItem(storageKey(appId), JSON.stringify(values));
  }, [appId, values]);
  return { values, setValues, remember };
}
