/** The library prompts inside the production version — each with the version it pinned and, when
 * its label has moved since, the version it names now — and "Republish with latest labels". */
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { republishApp } from './api';
import type { PublishingState } from './types';

export function PromptPins({
  workspaceId,
  appId,
  state,
  canEdit,
  onState,
}: {
  workspaceId: string;
  appId: string;
  state: PublishingState | null;
  canEdit: boolean;
  onState: (s: PublishingState) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pins = state?.prompts ?? [];
  if (!pins.length) return null;
  const outdated = pins.some((p) => p.outdated);
  return (
    <section className="pub-prompts" aria-label="Prompts in production" data-testid="publish-prompts">
      <p className="small">
        <strong>Prompts in v{state?.production_version}:</strong>{' '}
        {pins.map((p) => (
          <span key={p.node_id} className="pub-prompt">
            {p.prompt_id ? <Link to={`/prompts/${p.prompt_id}?v=${p.version ?? ''}`}>{p.prompt_name}</Link> : p.prompt_name} v{p.version ?? '?'}
            {p.outdated && <span className="muted"> ({p.ref.split('@')[1] ?? 'latest'} now → v{p.current})</span>}
          </span>
        ))}
      </p>
      {outdated && canEdit && (
        <button
          type="button"
          className="button-small"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            republishApp(workspaceId, appId)
              .then(onState)
              .catch(setError)
              .finally(() => setBusy(false));
          }}
        >
          Republish with latest labels
        </button>
      )}
      {error !== null && <p className="pub-error small">{errorMessage(error)}</p>}
    </section>
  );
}
