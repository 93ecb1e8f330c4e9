/** The lineage of an app version. */
import { apiFetch } from '../api/client';
import type { Lineage } from './types';

type Id = number | string;

export const getLineage = (w: Id, app: Id, version: Id, signal?: AbortSignal) =>
  apiFetch<Lineage>(
    `/api/workspaces/${encodeURIComponent(String(w))}/apps/${encodeURIComponent(String(app))}/versions/${encodeURIComponent(String(version))}/lineage/`,
    { signal },
  );

/** The page's address, for links from the Publish panel, the versions drawer and promotions. */
export const lineagePath = (app: Id, version: Id) => `/apps/${app}/versions/${version}/lineage`;
