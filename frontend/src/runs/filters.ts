/** The run list's filters and the URL query that holds them (so a filtered view can be shared and
 * reloaded), and the query the API receives. Pure. */

export const STATUSES = ['succeeded', 'failed', 'running', 'queued', 'cancelled'] as const;

/** Sources the server filters on; rows may carry others (shown by name). */
export const SOURCES: readonly { value: string; label: string }[] = [
  { value: 'debug', label: 'Test run' },
  { value: 'node', label: 'Single node' },
  { value: 'api', label: 'API' },
  { value: 'chat', label: 'Chat (OpenAI-compatible)' },
  { value: 'web', label: 'Web chat' },
  { value: 'playground', label: 'Playground' },
  { value: 'experiment', label: 'Experiment' },
];

const SOURCE_NAMES: Record<string, string> = {
  debug: 'Test run',
  node: 'Single node',
  api: 'API',
  chat: 'Chat API',
  web: 'Web chat',
  playground: 'Playground',
  experiment: 'Experiment',
};

export function sourceName(source: string): string {
  return SOURCE_NAMES[source] ?? source;
}

export const RANGES = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type RangePreset = (typeof RANGES)[number]['value'];

export interface RunFilters {
  /** App id ('' for every app). */
  app: string;
  /** A version number or 'draft'; only with an app. */
  version: string;
  statuses: string[];
  source: string;
  /** API key id. */
  key: string;
  label: string;
  /** A preset relative to now; when set, since/until are not. */
  range: RangePreset | '';
  /** ISO datetimes of a custom range. */
  since: string;
  until: string;
  /** A run id or its first characters. */
  q: string;
}

export const NO_FILTERS: RunFilters = {
  app: '',
  version: '',
  statuses: [],
  source: '',
  key: '',
  label: '',
  range: '',
  since: '',
  until: '',
  q: '',
};

const isId = (v: string) => /^[1-9]\d*$/.test(v);
const isVersion = (v: string) => v === 'draft' || isId(v);
const isIsoDate = (v: string) => v !== '' && !Number.isNaN(Date.parse(v));

/** Filters from the page's URL query. Values the page could not have written are dropped. */
export function filtersFromQuery(params: URLSearchParams): RunFilters {
  const get = (name: string) => (params.get(name) ?? '').trim();
  const app = isId(get('app')) ? get('app') : '';
  const statuses = params
    .getAll('status')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v, i, all) => (STATUSES as readonly string[]).includes(v) && all.indexOf(v) === i);
  const range = RANGES.find((r) => r.value === get('range'))?.value ?? '';
  return {
    app,
    version: app && isVersion(get('version')) ? get('version') : '',
    statuses,
    source: get('source'),
    key: isId(get('key')) ? get('key') : '',
    label: get('label'),
    range,
    since: !range && isIsoDate(get('since')) ? get('since') : '',
    until: !range && isIsoDate(get('until')) ? get('until') : '',
    q: get('q'),
  };
}

/** The URL query of the filters, in a fixed order and without empty values. */
export function filtersToQuery(f: RunFilters): URLSearchParams {
  const q = new URLSearchParams();
  const put = (name: string, value: string) => {
    if (value) q.set(name, value);
  };
  put('app', f.app);
  put('version', f.app ? f.version : '');
  put('status', f.statuses.join(','));
  put('source', f.source);
  put('key', f.key);
  put('label', f.label.trim());
  put('range', f.range);
  put('since', f.range ? '' : f.since);
  put('until', f.range ? '' : f.until);
  put('q', f.q.trim());
  return q;
}

/** The API's query: a preset becomes `since` = now minus its length, dates go out in UTC. */
export function apiQuery(f: RunFilters, now: number = Date.now()): URLSearchParams {
  const q = filtersToQuery({ ...f, range: '', since: '', until: '' });
  const preset = RANGES.find((r) => r.value === f.range);
  if (preset) {
    q.set('since', new Date(now - preset.ms).toISOString());
  } else {
    if (f.since) q.set('since', new Date(f.since).toISOString());
    if (f.until) q.set('until', new Date(f.until).toISOString());
  }
  return q;
}

/** A change of one or more filters, keeping the set consistent: another app resets the version, a
 * preset replaces a custom range and a custom date replaces a preset. */
export function withFilters(f: RunFilters, patch: Partial<RunFilters>): RunFilters {
  const next = { ...f, ...patch };
  if (patch.app !== undefined && patch.app !== f.app && patch.version === undefined) next.version = '';
  if (!next.app) next.version = '';
  if (patch.range) {
    next.since = '';
    next.until = '';
  } else if (patch.since !== undefined || patch.until !== undefined) {
    next.range = '';
  }
  return next;
}

export function toggleStatus(f: RunFilters, status: string): RunFilters {
  const statuses = f.statuses.includes(status) ? f.statuses.filter((s) => s !== status) : [...f.statuses, status];
  return { ...f, statuses: STATUSES.filter((s) => statuses.includes(s)) };
}

export function activeFilterCount(f: RunFilters): number {
  return [f.app, f.version, f.source, f.key, f.label.trim(), f.range || f.since || f.until, f.q.trim()].filter(Boolean).length + (f.statuses.length ? 1 : 0);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO datetime as the value of an <input type="datetime-local"> (local time, to the minute). */
export function toLocalInput(iso: string): string {
  const t = new Date(iso);
  if (!iso || Number.isNaN(t.getTime())) return '';
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** The value of an <input type="datetime-local"> (local time) as an ISO datetime in UTC. */
export function fromLocalInput(local: string): string {
  if (!local) return '';
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? '' : t.toISOString();
}
