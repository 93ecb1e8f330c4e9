/** The right-hand side of the review screen: the score widgets, the corrected output, the comment,
 * submit and skip (with its reason inline). Presentational: the review screen owns the state. */
import type { RefObject } from 'react';
import type { DraftValue } from './keys';
import { ScoreWidget } from './ScoreWidget';
import type { ScoreConfig } from './types';

export interface Draft {
  scores: Record<string, DraftValue>;
  /** Null while untouched (the output as it is). */
  corrected: string | null;
  comment: string;
}

export interface ReviewPanelProps {
  configs: ScoreConfig[];
  draft: Draft;
  output: string;
  errors: Record<string, string>;
  activeId: number | null;
  busy: boolean;
  skipping: boolean;
  skipReason: string;
  outputRef: RefObject<HTMLTextAreaElement | null>;
  commentRef: RefObject<HTMLTextAreaElement | null>;
  skipRef: RefObject<HTMLInputElement | null>;
  onScore: (configId: number, value: DraftValue) => void;
  onFocusScore: (configId: number) => void;
  widgetRef: (configId: number, el: HTMLElement | null) => void;
  onDraft: (patch: Partial<Draft>) => void;
  onSubmit: () => void;
  onSkipOpen: () => void;
  onSkipReason: (reason: string) => void;
  onSkipConfirm: () => void;
  onSkipCancel: () => void;
}

export function ReviewPanel(p: ReviewPanelProps) {
  return (
    <div className="ann-panel">
      <div className="ann-widgets" aria-label="Scores" role="group">
        {p.configs.map((config) => (
          <ScoreWidget
            key={config.id}
            config={config}
            value={p.draft.scores[String(config.id)]}
            error={p.errors[String(config.id)]}
            active={config.id === p.activeId}
            onChange={p.onScore}
            onFocus={p.onFocusScore}
            widgetRef={p.widgetRef}
          />
        ))}
      </div>
      <label className="ann-field">
        <span>
          Corrected output <kbd>e</kbd>
          {p.draft.corrected !== null && p.draft.corrected !== p.output && <span className="ann-chip">edited</span>}
        </span>
        <textarea
          ref={p.outputRef}
          rows={4}
          value={p.draft.corrected ?? p.output}
          onChange={(e) => p.onDraft({ corrected: e.target.value })}
        />
      </label>
      <label className="ann-field">
        <span>
          Comment <kbd>c</kbd>
        </span>
        <textarea ref={p.commentRef} rows={2} value={p.draft.comment} onChange={(e) => p.onDraft({ comment: e.target.value })} />
      </label>
      {p.skipping ? (
        <form
          className="ann-skip"
          aria-label="Skip this item"
          onSubmit={(e) => {
            e.preventDefault();
            p.onSkipConfirm();
          }}
        >
          <input
            ref={p.skipRef}
            aria-label="Why skip this item?"
            placeholder="Why skip? (Enter confirms, Esc cancels)"
            value={p.skipReason}
            onChange={(e) => p.onSkipReason(e.target.value)}
          />
          <button type="submit" disabled={!p.skipReason.trim() || p.busy}>
            Skip
          </button>
          <button type="button" className="button-quiet" onClick={p.onSkipCancel}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="ann-actions">
          <button type="button" className="button-primary" onClick={p.onSubmit} disabled={p.busy} title="Submit (Enter, Ctrl/⌘+Enter in a text field)">
            Submit <kbd>Enter</kbd>
          </button>
          <button type="button" onClick={p.onSkipOpen} disabled={p.busy} title="Skip (s)">
            Skip <kbd>s</kbd>
          </button>
        </div>
      )}
    </div>
  );
}
