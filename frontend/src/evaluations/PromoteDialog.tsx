/** Promote a variant from the matrix: point a label at its version — a prompt's label for a prompt
 * version, the app's label for an app version — or, for an app version, send a share of a label's
 * traffic to it (an A/B split the Quality page compares and the Publish panel ends). */
import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';
import { Modal } from '../components/Modal';
import { lineagePath } from '../lineage/api';
import { qualityLink } from '../publishing/split';
import { promoteVariant, type Promotion } from './api';
import type { ExperimentSummary, Variant } from './types';

type How = 'move' | 'share';

export interface PromoteDialogProps {
  workspaceId: string;
  experimentId: string;
  variant: Variant;
  onClose: () => void;
  onPromoted: (promotion: Promotion) => void;
  /** The experiment's results: the dialog says where the variant stands (the summary's own
   * sentence, the one the API and `llmops experiment promote` give) before it is promoted. */
  summary?: ExperimentSummary | null;
}

export function PromoteDialog({ workspaceId, experimentId, variant, onClose, onPromoted, summary }: PromoteDialogProps) {
  const isApp = variant.app_version_id !== null;
  const [how, setHow] = useState<How>('move');
  const [label, setLabel] = useState('staging');
  const [share, setShare] = useState(10);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const labelRef = useRef<HTMLInputElement>(null);
  const version = isApp ? variant.app_version_number : variant.prompt_version_number;
  const stands = summary?.variants.find((v) => v.id === variant.id)?.standing ?? null;

  const choose = (next: How) => {
    setHow(next);
    setLabel(next === 'share' ? 'production' : 'staging');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    promoteVariant(workspaceId, experimentId, variant.id, { label: label.trim(), share: how === 'share' ? share : undefined })
      .then(onPromoted)
      .catch((err: unknown) => {
        setError(err);
        setBusy(false);
      });
  };

  return (
    <Modal labelledBy="promote-title" onClose={onClose} onSubmit={submit} testId="promote-dialog">
      <header className="modal-head">
        <h2 id="promote-title">
          Promote {variant.name}
        </h2>
        <button type="button" className="icon-btn" aria-label="Close" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </header>
      <p className="muted small">
        {isApp
          ? `Version ${version ?? '?'} of the app. The move is recorded in the app's label history with this experiment as its evidence.`
          : `Version ${version ?? '?'} of the prompt. Apps that use the prompt by this label take the new version when they are republished.`}
      </p>
      {stands && (
        <p className={stands.warn ? 'promote-standing warn small' : 'promote-standing muted small'} data-testid="promote-standing">
          {stands.text}
        </p>
      )}
      {isApp && (
        <fieldset className="promote-how">
          <legend className="small">How</legend>
          <label>
            <input type="radio" name="how" checked={how === 'move'} onChange={() => choose('move')} /> Point a label at it
          </label>
          <label>
            <input type="radio" name="how" checked={how === 'share'} onChange={() => choose('share')} /> Send it a share of a label's traffic (A/B)
          </label>
        </fieldset>
      )}
      <div className="promote-fields">
        <label>
          Label
          <input ref={labelRef} value={label} onChange={(e) => setLabel(e.target.value)} autoFocus required maxLength={40} />
        </label>
        {how === 'share' && (
          <label>
            Share (%)
            <input type="number" min={1} max={99} value={share} onChange={(e) => setShare(Number(e.target.value))} required />
          </label>
        )}
      </div>
      {how === 'share' && (
        <p className="muted small">
          {label || 'The label'} keeps serving its version to {100 - share} % of calls; {share} % get version {version ?? '?'}, the same
          version for the same end user.
        </p>
      )}
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <footer className="modal-foot">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={busy || !label.trim()}>
          {busy ? 'Promoting…' : how === 'share' ? `Send ${share} %` : 'Promote'}
        </button>
      </footer>
    </Modal>
  );
}

/** What a promotion did, in words, with where to look next. */
export function PromotedNotice({ workspaceId, promotion }: { workspaceId: string; promotion: Promotion }) {
  const was = promotion.moved.from === null ? 'unset' : `v${promotion.moved.from}`;
  if (promotion.target === 'prompt') {
    return (
      <span data-testid="promoted">
        {promotion.label} → v{promotion.version} (was {was}).{' '}
        <Link to={`/prompts/${promotion.prompt_id}?v=${promotion.version}`}>Open the prompt</Link>
      </span>
    );
  }
  const appId = promotion.app_id ?? 0;
  if (promotion.split.length > 0) {
    const split = promotion.split.map((a) => `v${a.version} ${a.weight} %`).join(' · ');
    return (
      <span data-testid="promoted">
        {promotion.label} split: {split}.{' '}
        <a href={qualityLink(workspaceId, appId, promotion.label)}>Compare on the Quality page</a> ·{' '}
        <Link to={lineagePath(appId, promotion.split[promotion.split.length - 1]?.version ?? promotion.version)}>Lineage</Link> ·{' '}
        <Link to={`/apps/${appId}`}>Open the app</Link>
      </span>
    );
  }
  return (
    <span data-testid="promoted">
      {promotion.label} → v{promotion.version} (was {was}). <Link to={lineagePath(appId, promotion.version)}>Lineage</Link> ·{' '}
      <Link to={`/apps/${appId}`}>Open the app</Link>
    </span>
  );
}
