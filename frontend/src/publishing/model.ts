/** Pure logic of the Publish panel: label state (rollback targets, move choices), the audit
 * list's wording, which keys may call the app, snippet tabs, the key setup line and the web
 * chat's rate limit. */
import type { ApiKey, ApiRun, EndpointInfo, LabelArm, LabelInfo, LabelMove, PublishingState } from './types';

export const PRODUCTION = 'production';
export const KEY_ENV = 'LLMOPS_API_KEY';

/** Where one click on "Roll back" takes a label — the same rule as the server: the version it
 * pointed at before it last moved *forward* onto its current version, so rolling back again
 * walks further back (v3 → v2 → v1). Null when there is none. */
export function rollbackTarget(label: Pick<LabelInfo, 'name' | 'version'>, moves: LabelMove[], versions?: Set<number>): number | null {
  const newestFirst = [...moves].sort((a, b) => Date.parse(b.moved_at) - Date.parse(a.moved_at));
  const last = newestFirst.find(
    (m) => m.label === label.name && m.to_version === label.version && m.from_version !== null && m.from_version < label.version,
  );
  if (!last || last.from_version === null) return null;
  if (versions && !versions.has(last.from_version)) return null;
  return last.from_version;
}

export interface LabelRow {
  name: string;
  version: number;
  isProduction: boolean;
  /** The newest version is not behind this label. */
  latest: boolean;
  rollbackTo: number | null;
  /** Versions the label can be moved to (every version but its own), newest first. */
  moveChoices: number[];
  /** The label's A/B traffic split by version number; empty when it serves one version. */
  split: LabelArm[];
  updatedBy: string | null;
  updatedAt: string;
}

/** Labels as the panel lists them: production first, then by name. */
export function labelRows(state: Pick<PublishingState, 'labels' | 'latest_version'>, moves: LabelMove[], versions: number[]): LabelRow[] {
  const known = new Set(versions);
  const sortedVersions = [...known].sort((a, b) => b - a);
  return [...state.labels]
    .sort((a, b) => (a.name === PRODUCTION ? -1 : b.name === PRODUCTION ? 1 : a.name.localeCompare(b.name)))
    .map((l) => ({
      name: l.name,
      version: l.version,
      isProduction: l.name === PRODUCTION,
      latest: state.latest_version === null || l.version >= state.latest_version,
      rollbackTo: rollbackTarget(l, moves, known.size ? known : undefined),
      moveChoices: sortedVersions.filter((v) => v !== l.version),
      split: l.split ?? [],
      updatedBy: l.updated_by,
      updatedAt: l.updated_at,
    }));
}

/** A label name the server accepts: lowercase letters, digits, '-' and '_', like 'staging'. */
export function labelNameProblem(name: string, existing: string[] = []): string | null {
  if (!name) return 'Give the label a name, e.g. staging.';
  if (name.length > 40) return 'At most 40 characters.';
  if (!/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/.test(name) || name.includes('--'))
    return "Lowercase letters, digits, '-' and '_' only, e.g. staging.";
  if (existing.includes(name)) return `${name} exists already: move it instead.`;
  return null;
}

const KIND_WORD: Record<string, string> = {
  publish: 'published',
  move: 'moved',
  rollback: 'rolled back',
  delete: 'deleted',
  split_end: 'split ended',
  promote: 'promoted',
};

/** A split as the panel shows it: "v7 90 % · v8 10 %". */
export function splitText(arms: LabelArm[]): string {
  return arms.map((a) => `v${a.version} ${a.weight} %`).join(' · ');
}

/** One audit entry in words: what happened (who and when are shown beside it). */
export function describeMove(m: LabelMove): string {
  const word = KIND_WORD[m.kind] ?? m.kind;
  if (m.kind === 'delete') return `${m.label} ${word} (was v${m.from_version ?? '?'})`;
  if (m.kind === 'split') return `${m.label} split: ${splitText(m.arms ?? [])}`;
  if (m.kind === 'promote' || m.kind === 'split_end') {
    return `${m.label} ${word}: v${m.to_version ?? '?'}${m.arms?.length ? ` (was ${splitText(m.arms)})` : ''}`;
  }
  const to = m.to_version === null ? '—' : `v${m.to_version}`;
  if (m.from_version === null) return `${m.label} ${m.kind === 'publish' ? 'created by publishing' : 'created'} at ${to}`;
  return `${m.label} ${word}: v${m.from_version} → ${to}`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", else a date. */
export function relativeTime(iso: string | null, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 14) return `${d} d ago`;
  return new Date(t).toLocaleDateString();
}

/** Keys that may call this app (its own and workspace-wide ones); active ones first, newest first. */
export function keysForApp(keys: ApiKey[], appId: number | string): ApiKey[] {
  const id = Number(appId);
  return keys
    .filter((k) => k.scope !== 'app' || k.app_id === id)
    .sort((a, b) => Number(!!a.revoked_at) - Number(!!b.revoked_at) || Date.parse(b.created_at) - Date.parse(a.created_at));
}

export function keyScopeText(k: Pick<ApiKey, 'scope' | 'app_slug'>): string {
  return k.scope === 'app' ? `this app${k.app_slug ? ` (${k.app_slug})` : ''}` : 'all apps in the workspace';
}

/** A shell line that puts the key where every snippet reads it. Single quotes keep it literal. */
export function keySetupLine(secret: string | null): string {
  return `export ${KEY_ENV}='${(secret ?? 'paste-your-key-here').replace(/'/g, `'\\''`)}'`;
}

export interface SnippetTab {
  id: 'curl' | 'curl_stream' | 'python' | 'javascript';
  title: string;
  code: string;
  /** How to run it once the key is in the environment. */
  howTo: string;
}

export function snippetTabs(info: Pick<EndpointInfo, 'snippets'>): SnippetTab[] {
  const s = info.snippets;
  return [
    { id: 'curl', title: 'curl', code: s.curl, howTo: 'Paste into a shell.' },
    { id: 'curl_stream', title: 'curl SSE', code: s.curl_stream, howTo: 'Paste into a shell: events arrive as Server-Sent Events.' },
    { id: 'python', title: 'Python (openai)', code: s.python_openai, howTo: 'pip install openai, save as app.py, then python app.py.' },
    { id: 'javascript', title: 'JavaScript (SSE)', code: s.javascript_sse, howTo: 'Node 18+ (or a browser): save as app.mjs, then node app.mjs.' },
  ];
}

/** The text shown for a run's answer in the runs list. */
export function runSummary(run: Pick<ApiRun, 'outputs' | 'error_code' | 'status'>): string {
  if (run.error_code) return run.error_code;
  const out = run.outputs ?? {};
  const answer = typeof out.answer === 'string' ? out.answer : Object.values(out).find((v) => typeof v === 'string');
  if (typeof answer === 'string') return answer.length > 80 ? `${answer.slice(0, 79)}…` : answer;
  return Object.keys(out).length ? JSON.stringify(out).slice(0, 80) : run.status;
}

/** Where the run was routed: "production · v2", "v3", "staging · v1". */
export function runTarget(run: Pick<ApiRun, 'label' | 'version'>): string {
  const v = run.version === null ? 'v?' : `v${run.version}`;
  return run.label ? `${run.label} · ${v}` : v;
}

export const MAX_CHAT_RATE_LIMIT = 10_000;

/** The web chat's rate limit as typed: a whole number of messages per minute per visitor, or
 * empty for no limit. */
export function chatRateLimit(text: string): { value: number | null; problem: null } | { value: null; problem: string } {
  const t = text.trim();
  if (!t) return { value: null, problem: null };
  if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > MAX_CHAT_RATE_LIMIT) {
    return { value: null, problem: `A whole number from 1 to ${MAX_CHAT_RATE_LIMIT}, or empty for no limit.` };
  }
  return { value: Number(t), problem: null };
}
