/** Bars under the header while the draft is not saved: someone else saved the app meanwhile
 * (load theirs, or overwrite with mine), or saving failed (retry). */
import { errorMessage } from '../../api/client';
import type { DraftSync } from '../useDraftSync';

export function DraftSyncBars({ sync, onError }: { sync: DraftSync; onError: (err: unknown) => void }) {
  return (
    <>
      {sync.conflict && (
        <div className="conflict-bar" role="alert" data-testid="draft-conflict">
          <strong>Someone else saved this app</strong>
          <span>
            {sync.conflict.updatedBy ? `${sync.conflict.updatedBy} saved ` : 'It was saved '}
            {sync.conflict.updatedAt ? `at ${new Date(sync.conflict.updatedAt).toLocaleTimeString()} ` : ''}
            while you were editing. Your changes are still here, not saved.
          </span>
          <button type="button" onClick={() => void sync.loadLatest().catch(onError)} title="Their version replaces yours; Ctrl+Z brings yours back">
            Load latest
          </button>
          <button type="button" className="button-primary" onClick={() => void sync.overwrite().catch(onError)}>
            Overwrite with mine
          </button>
        </div>
      )}
      {sync.state === 'error' && sync.error !== null && (
        <div className="conflict-bar warn" role="alert">
          <span>Saving failed: {errorMessage(sync.error)}. Your changes are kept here.</span>
          <button type="button" onClick={() => void sync.flush()}>
            Retry
          </button>
        </div>
      )}
    </>
  );
}
