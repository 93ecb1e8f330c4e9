/** A label's A/B traffic split in the Publish panel: the split as "v7 90 % · v8 10 %", one
 * "Promote vN" per arm and "End split" (each confirmed), a link to the Quality page that compares
 * the arms, and the editor behind "Split traffic…" (versions, weights, the live total). */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { endLabelSplit, promoteLabelArm, setLabelSplit } from './api';
import { splitText, type LabelRow } from './model';
import { checkSplit, initialArms, MAX_ARMS, qualityLink, SPLIT_TOTAL, type ArmDraft } from './split';
import type { LabelArm } from './types';

interface EditorProps {
  label: string;
  /** Every version of the app, newest first. */
  versions: number[];
  initial: ArmDraft[];
  busy: boolean;
  onSave: (arms: LabelArm[]) => void;
  onCancel: () => void;
}

/** The split editor: pick versions and weights; saving needs whole percents adding up to 100. */
export function SplitEditor({ label, versions, initial, busy, onSave, onCancel }: EditorProps) {
  const [drafts, setDrafts] = useState<ArmDraft[]>(initial);
  const firstField = useRef<HTMLSelectElement>(null);
  const check = checkSplit(drafts);
  const canAdd = drafts.length < Math.min(MAX_ARMS, versions.length);

  useEffect(() => firstField.current?.focus(), []);

  const update = (index: number, change: Partial<ArmDraft>) => setDrafts((ds) => ds.map((d, i) => (i === index ? { ...d, ...change } : d)));
  const add = () => {
    const taken = new Set(drafts.map((d) => d.version));
    const next = versions.find((v) => !taken.has(String(v)));
    setDrafts((ds) => [...ds, { version: next === undefined ? '' : String(next), weight: '' }]);
  };
  const escape = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onCancel();
    }
  };

  return (
    <form
      className="split-editor"
      aria-label={`Split traffic of ${label}`}
      onKeyDown={escape}
      onSubmit={(e) => {
        e.preventDefault();
        if (check.arms && !busy) onSave(check.arms);
      }}
    >
      <p className="muted small">
        Each call through {label} runs one of these versions, by weight. A caller that sends a <code>user</code> keeps getting the same version.
      </p>
      <ul className="split-arms">
        {drafts.map((d, i) => (
          <li key={i} className="split-arm">
            <select ref={i === 0 ? firstField : undefined} aria-label={`Arm ${i + 1} version`} value={d.version} onChange={(e) => update(i, { version: e.target.value })}>
              <option value="">Version…</option>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={SPLIT_TOTAL - 1}
              step={1}
              aria-label={`Arm ${i + 1} weight (%)`}
              value={d.weight}
              onChange={(e) => update(i, { weight: e.target.value })}
            />
            <span aria-hidden="true">%</span>
            <button type="button" className="button-small" aria-label={`Remove arm ${i + 1}`} title="Remove this version" disabled={drafts.length <= 2} onClick={() => setDrafts((ds) => ds.filter((_, j) => j !== i))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="split-editor-foot">
        <button type="button" className="button-small" disabled={!canAdd} onClick={add}>
          + Add version
        </button>
        <span className={`split-total ${check.total === SPLIT_TOTAL ? 'is-full' : 'is-off'}`} aria-live="polite" data-testid="split-total">
          Total {check.total} % of {SPLIT_TOTAL} %
        </span>
      </div>
      {check.problems.length > 0 && <p className="field-help warn">{check.problems[0]}</p>}
      <div className="split-editor-actions">
        <button type="submit" className="button-small button-primary" disabled={busy || !check.arms}>
          Save split
        </button>
        <button type="button" className="button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface Props {
  workspaceId: string;
  appId: string;
  row: LabelRow;
  canEdit: boolean;
  busy: boolean;
  act: (done: string, fn: () => Promise<unknown>) => void;
}

type Confirm = { kind: 'promote'; version: number } | { kind: 'end' } | null;

/** Under a label: its split (when it has one) with promote / end / compare, and the editor. */
export function LabelSplit({ workspaceId, appId, row, canEdit, busy, act }: Props) {
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const split = row.split;
  const versions = [row.version, ...row.moveChoices].sort((a, b) => b - a);

  const close = () => {
    setEditing(false);
    requestAnimationFrame(() => opener.current?.focus());
  };

  return (
    <div className="label-split">
      {split.length > 0 && (
        <p className="split-summary">
          <span className="badge">A/B</span>
          <strong data-testid={`label-${row.name}-split`}>{splitText(split)}</strong>
          <a href={qualityLink(workspaceId, appId, row.name)} className="small">
            Compare on the Quality page
          </a>
        </p>
      )}
      {canEdit && confirm?.kind === 'promote' && (
        <span className="confirm-inline" role="alertdialog" aria-label={`Promote v${confirm.version}?`}>
          Send all of {row.name}&apos;s traffic to v{confirm.version}? The split ends.
          <button
            type="button"
            className="button-small button-primary"
            disabled={busy}
            onClick={() => {
              setConfirm(null);
              act(`Promoted v${confirm.version}: ${row.name} serves it to everyone.`, () => promoteLabelArm(workspaceId, appId, row.name, confirm.version));
            }}
          >
            Confirm promote
          </button>
          <button type="button" className="button-small" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </span>
      )}
      {canEdit && confirm?.kind === 'end' && (
        <span className="confirm-inline" role="alertdialog" aria-label="End the split?">
          End the split? {row.name} serves v{row.version} alone.
          <button
            type="button"
            className="button-small button-primary"
            disabled={busy}
            onClick={() => {
              setConfirm(null);
              act(`Ended the split: ${row.name} serves v${row.version}.`, () => endLabelSplit(workspaceId, appId, row.name, row.version));
            }}
          >
            Confirm end
          </button>
          <button type="button" className="button-small" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </span>
      )}
      {canEdit && !confirm && !editing && (
        <div className="label-actions">
          {split.map((arm) => (
            <button key={arm.version} type="button" className="button-small" disabled={busy} onClick={() => setConfirm({ kind: 'promote', version: arm.version })} title={`Serve v${arm.version} to everyone`}>
              Promote v{arm.version}
            </button>
          ))}
          {split.length > 0 && (
            <button type="button" className="button-small" disabled={busy} onClick={() => setConfirm({ kind: 'end' })} title={`Serve v${row.version} alone`}>
              End split
            </button>
          )}
          <button
            ref={opener}
            type="button"
            className="button-small"
            disabled={busy || versions.length < 2}
            onClick={() => setEditing(true)}
            title={versions.length < 2 ? 'Publish a second version to split traffic between them' : `Split ${row.name}'s traffic between versions`}
          >
            {split.length ? 'Edit split…' : 'Split traffic…'}
          </button>
        </div>
      )}
      {canEdit && editing && (
        <SplitEditor
          label={row.name}
          versions={versions}
          initial={initialArms(row, versions)}
          busy={busy}
          onCancel={close}
          onSave={(arms) => {
            close();
            act(`Split ${row.name}: ${splitText(arms)}.`, () => setLabelSplit(workspaceId, appId, row.name, arms));
          }}
        />
      )}
    </div>
  );
}
