/** The run list's filters: app, version (once an app is chosen), status, source, API key, label,
 * time range (presets or custom from/to) and run id. Every change goes to the URL through
 * `onChange`; text fields commit after a short pause. */
import { useEffect, useRef, useState } from 'react';
import { listApps, listVersions } from '../apps/api';
import type { AppSummary, VersionSummary } from '../apps/types';
import { listApiKeys } from '../publishing/api';
import type { ApiKey } from '../publishing/types';
import {
  activeFilterCount,
  fromLocalInput,
  NO_FILTERS,
  RANGES,
  SOURCES,
  sourceName,
  STATUSES,
  toggleStatus,
  toLocalInput,
  withFilters,
  type RangePreset,
  type RunFilters,
} from './filters';

const TYPING_PAUSE_MS = 350;

/** A text filter that commits after the user pauses (or at once on Enter). */
function useCommittedText(value: string, commit: (v: string) => void) {
  const [text, setText] = useState(value);
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return undefined;
    const t = setTimeout(() => commitRef.current(text), TYPING_PAUSE_MS);
    return () => clearTimeout(t);
  }, [text, value]);
  return [text, setText] as const;
}

interface Props {
  workspaceId: string;
  filters: RunFilters;
  onChange: (next: RunFilters, opts?: { replace?: boolean }) => void;
}

export function RunFilterBar({ workspaceId, filters, onChange }: Props) {
  const [apps, setApps] = useState<AppSummary[]>([]);
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [custom, setCustom] = useState(Boolean(filters.since || filters.until));
  const set = (patch: Partial<RunFilters>, replace = false) => onChange(withFilters(filters, patch), { replace });
  const [label, setLabel] = useCommittedText(filters.label, (v) => onChange(withFilters(filters, { label: v }), { replace: true }));
  const [q, setQ] = useCommittedText(filters.q, (v) => onChange(withFilters(filters, { q: v }), { replace: true }));

  useEffect(() => {
    const c = new AbortController();
    listApps(workspaceId, '', c.signal).then((p) => setApps(p.results), () => undefined);
    listApiKeys(workspaceId, c.signal).then(setKeys, () => undefined);
    return () => c.abort();
  }, [workspaceId]);

  useEffect(() => {
    setVersions([]);
    if (!filters.app) return;
    let live = true;
    listVersions(workspaceId, filters.app).then((v) => live && setVersions(v), () => undefined);
    return () => {
      live = false;
    };
  }, [workspaceId, filters.app]);

  useEffect(() => {
    if (filters.since || filters.until) setCustom(true);
  }, [filters.since, filters.until]);

  const timeValue = filters.range || (custom ? 'custom' : '');
  const active = activeFilterCount(filters);
  const appKnown = !filters.app || apps.some((a) => String(a.id) === filters.app);
  const keyKnown = !filters.key || keys.some((k) => String(k.id) === filters.key);
  const sourceKnown = !filters.source || SOURCES.some((s) => s.value === filters.source);

  return (
    <form className="run-filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
      <label className="run-filter">
        <span>App</span>
        <select value={filters.app} onChange={(e) => set({ app: e.target.value })} data-testid="filter-app">
          <option value="">All apps</option>
          {!appKnown && <option value={filters.app}>App #{filters.app}</option>}
          {apps.map((a) => (
            <option key={a.id} value={String(a.id)}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label className="run-filter">
        <span>Version</span>
        <select
          value={filters.version}
          onChange={(e) => set({ version: e.target.value })}
          disabled={!filters.app}
          title={filters.app ? undefined : 'Choose an app first'}
          data-testid="filter-version"
        >
          <option value="">All versions</option>
          <option value="draft">Draft (test runs)</option>
          {filters.version && filters.version !== 'draft' && !versions.some((v) => String(v.number) === filters.version) && (
            <option value={filters.version}>v{filters.version}</option>
          )}
          {versions.map((v) => (
            <option key={v.number} value={String(v.number)}>
              v{v.number}
              {v.message ? ` — ${v.message.slice(0, 40)}` : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="run-filter">
        <span>Source</span>
        <select value={filters.source} onChange={(e) => set({ source: e.target.value })} data-testid="filter-source">
          <option value="">All sources</option>
          {!sourceKnown && <option value={filters.source}>{sourceName(filters.source)}</option>}
          {SOURCES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label className="run-filter">
        <span>API key</span>
        <select value={filters.key} onChange={(e) => set({ key: e.target.value })} data-testid="filter-key">
          <option value="">All keys</option>
          {!keyKnown && <option value={filters.key}>Key #{filters.key}</option>}
          {keys.map((k) => (
            <option key={k.id} value={String(k.id)}>
              {k.name} · lsk_{k.prefix}…{k.revoked_at ? ' (revoked)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="run-filter">
        <span>Label</span>
        <input
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && set({ label }, true)}
          placeholder="production"
          size={10}
          data-testid="filter-label"
        />
      </label>
      <label className="run-filter">
        <span>Time</span>
        <select
          value={timeValue}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'custom') {
              setCustom(true);
              set({ range: '', since: filters.since || new Date(Date.now() - 86_400_000).toISOString(), until: filters.until });
            } else {
              setCustom(false);
              set({ range: v as RangePreset | '', since: '', until: '' });
            }
          }}
          data-testid="filter-time"
        >
          <option value="">Any time</option>
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </label>
      {timeValue === 'custom' && (
        <>
          <label className="run-filter">
            <span>From</span>
            <input type="datetime-local" value={toLocalInput(filters.since)} onChange={(e) => set({ since: fromLocalInput(e.target.value) })} data-testid="filter-since" />
          </label>
          <label className="run-filter">
            <span>To</span>
            <input type="datetime-local" value={toLocalInput(filters.until)} onChange={(e) => set({ until: fromLocalInput(e.target.value) })} data-testid="filter-until" />
          </label>
        </>
      )}
      <label className="run-filter">
        <span>Run id</span>
        <input
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && set({ q }, true)}
          placeholder="3f2a…"
          size={10}
          className="mono"
          data-testid="filter-q"
        />
      </label>
      <fieldset className="run-filter run-status-filter">
        <legend>Status</legend>
        <div className="chip-group">
          {STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              className={`chip status-${s}`}
              aria-pressed={filters.statuses.includes(s)}
              onClick={() => onChange(toggleStatus(filters, s))}
            >
              {s}
            </button>
          ))}
        </div>
      </fieldset>
      {active > 0 && (
        <button
          type="button"
          className="button-quiet run-filters-clear"
          onClick={() => {
            setCustom(false);
            onChange(NO_FILTERS);
          }}
        >
          Clear filters ({active})
        </button>
      )}
    </form>
  );
}
