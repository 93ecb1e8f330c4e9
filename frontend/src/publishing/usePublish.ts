/** The one-click publish action and the app's publishing state, shared by the top bar's Publish
 * button and the Publish panel. Publish = refuse while the checklist has errors (warnings are
 * allowed), save the draft, then POST publish (the server validates again: 409 app_invalid lists
 * what stops it; otherwise it snapshots a version, moves production and returns the warnings). */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { errorsOf } from '../apps/issues';
import type { Issue } from '../apps/types';
import { getEndpoint, getPublishing, publishApp } from './api';
import type { PublishingState } from './types';

export interface PublishSuccess {
  version: number;
  url: string;
  at: number;
  /** What the server allowed but wants seen (e.g. a model the provider does not list). */
  warnings: Issue[];
}

export interface PublishController {
  state: PublishingState | null;
  busy: boolean;
  error: unknown;
  /** The errors that stopped the last publish, the checklist's or the server's (null when it was not stopped). */
  blocked: Issue[] | null;
  success: PublishSuccess | null;
  /** Bumped whenever the state changed, so the panel reloads what depends on it. */
  revision: number;
  publish: () => Promise<boolean>;
  refresh: () => Promise<void>;
  setState: (s: PublishingState) => void;
  dismiss: () => void;
}

/** The server's refusal: 409 app_invalid (and graph_invalid, its older form) lists the issues. */
function issuesOf(err: unknown): Issue[] | null {
  if (!(err instanceof ApiError) || (err.code !== 'app_invalid' && err.code !== 'graph_invalid')) return null;
  const issues = (err.details as { issues?: Issue[] } | null)?.issues;
  return Array.isArray(issues) && issues.length ? issues : null;
}

export function usePublish(
  workspaceId: string,
  appId: string,
  issues: Issue[],
  flush: () => Promise<boolean>,
): PublishController {
  const [state, setStateRaw] = useState<PublishingState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [blocked, setBlocked] = useState<Issue[] | null>(null);
  const [success, setSuccess] = useState<PublishSuccess | null>(null);
  const [revision, setRevision] = useState(0);
  const issuesRef = useRef(issues);
  issuesRef.current = issues;
  const busyRef = useRef(false);

  const setState = useCallback((s: PublishingState) => {
    setStateRaw(s);
    setRevision((r) => r + 1);
  }, []);

  const refresh = useCallback(async () => {
    try {
      setState(await getPublishing(workspaceId, appId));
    } catch (err) {
      setError(err);
    }
  }, [workspaceId, appId, setState]);

  useEffect(() => {
    const ctl = new AbortController();
    getPublishing(workspaceId, appId, ctl.signal).then(setState, () => undefined);
    return () => ctl.abort();
  }, [workspaceId, appId, setState]);

  // Fixing the last error clears the "can't publish" notice.
  const errorCount = errorsOf(issues).length;
  useEffect(() => {
    if (errorCount === 0) setBlocked((b) => (b ? null : b));
  }, [errorCount]);

  const publish = useCallback(async () => {
    if (busyRef.current) return false;
    setError(null);
    setSuccess(null);
    const errors = errorsOf(issuesRef.current);
    if (errors.length > 0) {
      setBlocked(errors);
      return false;
    }
    setBlocked(null);
    busyRef.current = true;
    setBusy(true);
    try {
      if (!(await flush())) throw new Error('The draft could not be saved, so publishing would not include your latest changes. Resolve the save problem first.');
      const { warnings = [], ...next } = await publishApp(workspaceId, appId);
      setState(next);
      let url = '';
      try {
        url = (await getEndpoint(workspaceId, appId)).run_url;
      } catch {
        url = '';
      }
      setSuccess({ version: next.production_version ?? next.latest_version ?? 0, url, at: Date.now(), warnings });
      return true;
    } catch (err) {
      const found = issuesOf(err);
      if (found) setBlocked(found);
      else setError(err);
      return false;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, [flush, workspaceId, appId, setState]);

  const dismiss = useCallback(() => {
    setSuccess(null);
    setBlocked(null);
    setError(null);
  }, []);

  return { state, busy, error, blocked, success, revision, publish, refresh, setState, dismiss };
}
