/** Short notices over the canvas: a toast that fades after a few seconds ("Pasted 2 nodes.") and
 * the error of the last action that failed (rename, export, save before a run), until dismissed. */
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/client';

const TOAST_MS = 3000;

export interface Notices {
  toast: string | null;
  error: unknown;
  showToast: (text: string) => void;
  showError: (err: unknown) => void;
  dismissError: () => void;
}

export function useNotices(): Notices {
  const [toast, setToast] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!toast) return undefined;
    const t = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(t);
  }, [toast]);
  const dismissError = useCallback(() => setError(null), []);
  return { toast, error, showToast: setToast, showError: setError, dismissError };
}

export function EditorNotices({ notices }: { notices: Notices }) {
  return (
    <>
      {notices.toast && (
        <div className="toast" role="status">
          {notices.toast}
        </div>
      )}
      {notices.error !== null && (
        <div className="toast toast-error" role="alert">
          {errorMessage(notices.error)}
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={notices.dismissError}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
