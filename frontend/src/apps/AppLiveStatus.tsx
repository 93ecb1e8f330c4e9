/** What of an app is live, on its card: Published with each label → version (production first),
 * "Draft changes since publish", "Endpoint off"; or Draft when it was never published. */
import type { LiveLabel, LiveState } from './types';
import './AppLiveStatus.css';

/** Production first, then the other labels by name. */
export function labelsInOrder(labels: LiveLabel[]): LiveLabel[] {
  return [...labels].sort((a, b) => Number(b.name === 'production') - Number(a.name === 'production') || a.name.localeCompare(b.name));
}

export function AppLiveStatus({ live }: { live: LiveState | null }) {
  if (!live) {
    return (
      <div className="live-status" data-testid="live-status">
        <span className="status-pill status-draft" title="Never published: only the draft exists.">
          Draft
        </span>
      </div>
    );
  }
  return (
    <div className="live-status" data-testid="live-status">
      <span className="status-pill status-published">Published</span>
      {labelsInOrder(live.labels).map((l) => (
        <span key={l.name} className="live-label" title={`The ${l.name} label serves version ${l.version}.`}>
          {l.name} → v{l.version}
        </span>
      ))}
      {live.draft_changed && (
        <span className="status-pill status-changed" title="The draft differs from the production version: publish to make it live.">
          Draft changes since publish
        </span>
      )}
      {!live.endpoint_enabled && (
        <span className="status-pill status-off" title="The endpoint is turned off: calls are refused until it is turned back on.">
          Endpoint off
        </span>
      )}
    </div>
  );
}
