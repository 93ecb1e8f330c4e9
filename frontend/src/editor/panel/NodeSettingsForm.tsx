/** Execution policy of a node: timeout, retries, what a failure does. */
import type { ErrorStrategy, NodeSettings } from '../../apps/types';
import { JsonEditor } from './JsonEditor';

const STRATEGIES: { value: ErrorStrategy; label: string }[] = [
  { value: 'abort', label: 'Stop the run' },
  { value: 'retry', label: 'Retry, then stop' },
  { value: 'fail_branch', label: 'Go to the “fail” handle' },
  { value: 'default_value', label: 'Use default outputs' },
];

export function NodeSettingsForm({
  settings,
  onChange,
  readOnly,
}: {
  settings: NodeSettings;
  onChange: (s: NodeSettings, key: string) => void;
  readOnly: boolean;
}) {
  const set = (patch: Partial<NodeSettings>, key: string) => onChange({ ...settings, ...patch }, key);
  const strategy = settings.error_strategy ?? 'abort';
  return (
    <details className="node-settings" open={strategy !== 'abort' || !!settings.max_retries || !!settings.timeout_s}>
      <summary>Error handling &amp; timeout</summary>
      <div className="field">
        <label className="field-label" htmlFor="ns-strategy">
          On error
        </label>
        <select id="ns-strategy" value={strategy} disabled={readOnly} onChange={(e) => set({ error_strategy: e.target.value as ErrorStrategy }, 'strategy')}>
          {STRATEGIES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field-row">
        <div className="field">
          <label className="field-label" htmlFor="ns-timeout">
            Timeout (s)
          </label>
          <input
            id="ns-timeout"
            type="number"
            min={0}
            step="any"
            placeholder="none"
            value={settings.timeout_s ?? ''}
            readOnly={readOnly}
            onChange={(e) => set({ timeout_s: e.target.value === '' ? null : Number(e.target.value) }, 'timeout')}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="ns-retries">
            Retries
          </label>
          <input
            id="ns-retries"
            type="number"
            min={0}
            max={10}
            value={settings.max_retries ?? 0}
            readOnly={readOnly}
            onChange={(e) => set({ max_retries: Math.max(0, Math.min(10, Math.trunc(Number(e.target.value) || 0))) }, 'retries')}
          />
        </div>
      </div>
      {strategy === 'default_value' && (
        <div className="field">
          <span className="field-label">Default outputs (JSON)</span>
          <JsonEditor label="Default outputs" value={settings.default_outputs ?? {}} readOnly={readOnly} onChange={(v) => set({ default_outputs: (v ?? {}) as Record<string, unknown> }, 'defaults')} />
        </div>
      )}
    </details>
  );
}
