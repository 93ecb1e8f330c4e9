/** The app itself as the header shows it: its name (renamed in place) and its export as a file. */
import { useCallback, useState } from 'react';
import { downloadExport, updateApp } from '../apps/api';
import type { AppSummary } from '../apps/types';

export interface AppDetails {
  name: string;
  rename: (name: string) => void;
  /** Saves the draft first, then downloads the app as YAML or JSON. */
  exportAs: (format: 'yaml' | 'json') => void;
}

export function useAppDetails(
  workspaceId: string,
  app: AppSummary,
  flush: () => Promise<boolean>,
  onError: (err: unknown) => void,
): AppDetails {
  const appId = String(app.id);
  const [name, setName] = useState(app.name);

  const rename = useCallback(
    (next: string) => {
      updateApp(workspaceId, appId, { name: next })
        .then((a) => setName(a.name))
        .catch(onError);
    },
    [workspaceId, appId, onError],
  );
  const exportApp = useCallback(
    async (format: 'yaml' | 'json') => {
      try {
        await flush();
        await downloadExport(workspaceId, appId, format, app.slug || name);
      } catch (err) {
        onError(err);
      }
    },
    [flush, workspaceId, appId, app.slug, name, onError],
  );
  const exportAs = useCallback((format: 'yaml' | 'json') => void exportApp(format), [exportApp]);

  return { name, rename, exportAs };
}
