import { describe, expect, it } from 'vitest';
import {
  describeMove,
  keyScopeText,
  keySetupLine,
  keysForApp,
  labelNameProblem,
  labelRows,
  relativeTime,
  rollbackTarget,
  runSummary,
  runTarget,
  snippetTabs,
} from './model';
import type { ApiKey, LabelMove } from './types';

const move = (label: string, from: number | null, to: number | null, at: string, kind = 'move'): LabelMove => ({
  label,
  kind,
  from_version: from,
  to_version: to,
  moved_by: 'ada',
  moved_at: at,
});

describe('rollbackTarget', () => {
  it('goes back to where the label was before its last move onto its current version', () => {
    const moves = [
      move('production', null, 1, '2026-01-01T10:00:00Z', 'publish'),
      move('production', 1, 2, '2026-01-01T11:00:00Z', 'publish'),
      move('production', 2, 3, '2026-01-01T12:00:00Z', 'publish'),
    ];
    expect(rollbackTarget({ name: 'production', version: 3 }, moves)).toBe(2);
  });

  it('after a rollback to v2, rolls back further to v1 (the move that first reached v2)', () => {
    const moves = [
      move('production', null, 1, '2026-01-01T10:00:00Z', 'publish'),
      move('production', 1, 2, '2026-01-01T11:00:00Z', 'publish'),
      move('production', 2, 3, '2026-01-01T12:00:00Z', 'publish'),
      move('production', 3, 2, '2026-01-01T13:00:00Z', 'rollback'),
    ];
    expect(rollbackTarget({ name: 'production', version: 2 }, moves)).toBe(1);
  });

  it('is null for a label created at its version, or another label\'s history', () => {
    const moves = [
      move('production', null, 1, '2026-01-01T10:00:00Z', 'publish'),
      move('staging', 1, 2, '2026-01-01T11:00:00Z'),
      move('canary', 3, 1, '2026-01-01T12:00:00Z', 'rollback'),
    ];
    expect(rollbackTarget({ name: 'production', version: 1 }, moves)).toBeNull();
    expect(rollbackTarget({ name: 'canary', version: 1 }, moves)).toBeNull();
    expect(rollbackTarget({ name: 'production', version: 2 }, moves)).toBeNull();
    expect(rollbackTarget({ name: 'staging', version: 2 }, moves)).toBe(1);
  });

  it('ignores a target version that no longer exists', () => {
    const moves = [move('production', 1, 2, '2026-01-01T11:00:00Z')];
    expect(rollbackTarget({ name: 'production', version: 2 }, moves, new Set([2]))).toBeNull();
  });
});

describe('labelRows', () => {
  const state = {
    latest_version: 3,
    labels: [
      { name: 'staging', version: 3, updated_at: '2026-01-01T12:00:00Z', updated_by: 'bo' },
      { name: 'production', version: 2, updated_at: '2026-01-01T11:00:00Z', updated_by: 'ada' },
    ],
  };
  const moves = [move('production', 1, 2, '2026-01-01T11:00:00Z', 'publish'), move('staging', null, 3, '2026-01-01T12:00:00Z')];

  it('lists production first, marks labels behind the newest version and offers other versions to move to', () => {
    const rows = labelRows(state, moves, [1, 2, 3]);
    expect(rows.map((r) => r.name)).toEqual(['production', 'staging']);
    expect(rows[0]).toMatchObject({ isProduction: true, version: 2, latest: false, rollbackTo: 1, moveChoices: [3, 1] });
    expect(rows[1]).toMatchObject({ isProduction: false, version: 3, latest: true, rollbackTo: null, moveChoices: [2, 1] });
  });
});

describe('labelNameProblem', () => {
  it('accepts names the server keeps as they are and explains the others', () => {
    expect(labelNameProblem('staging')).toBeNull();
    expect(labelNameProblem('canary_2')).toBeNull();
    expect(labelNameProblem('')).toMatch(/name/);
    expect(labelNameProblem('Staging')).toMatch(/Lowercase/);
    expect(labelNameProblem('-beta')).toMatch(/Lowercase/);
    expect(labelNameProblem('a--b')).toMatch(/Lowercase/);
    expect(labelNameProblem('x'.repeat(41))).toMatch(/40/);
    expect(labelNameProblem('staging', ['production', 'staging'])).toMatch(/exists/);
  });
});

describe('describeMove', () => {
  it('says what happened: from and to', () => {
    expect(describeMove(move('production', null, 1, '', 'publish'))).toBe('production created by publishing at v1');
    expect(describeMove(move('production', 1, 2, '', 'publish'))).toBe('production published: v1 → v2');
    expect(describeMove(move('production', 2, 1, '', 'rollback'))).toBe('production rolled back: v2 → v1');
    expect(describeMove(move('staging', 1, 3, ''))).toBe('staging moved: v1 → v3');
    expect(describeMove(move('staging', 3, null, '', 'delete'))).toBe('staging deleted (was v3)');
  });

  it('says how traffic was split, promoted or put back on one version', () => {
    const arms = [{ version: 1, weight: 90 }, { version: 2, weight: 10 }];
    expect(describeMove({ ...move('production', 2, 2, '', 'split'), arms })).toBe('production split: v1 90 % · v2 10 %');
    expect(describeMove({ ...move('production', 1, 2, '', 'promote'), arms })).toBe('production promoted: v2 (was v1 90 % · v2 10 %)');
    expect(describeMove({ ...move('production', 2, 1, '', 'split_end'), arms })).toBe('production split ended: v1 (was v1 90 % · v2 10 %)');
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('is short and human', () => {
    expect(relativeTime(null, now)).toBe('never');
    expect(relativeTime('2026-01-10T11:59:40Z', now)).toBe('just now');
    expect(relativeTime('2026-01-10T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeTime('2026-01-10T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-01-08T12:00:00Z', now)).toBe('2 d ago');
  });
});

describe('keys', () => {
  const key = (id: number, over: Partial<ApiKey>): ApiKey => ({
    id,
    name: `k${id}`,
    prefix: `p${id}`,
    scope: 'workspace',
    app_id: null,
    app_slug: null,
    rate_limit_per_minute: null,
    created_at: `2026-01-0${id}T00:00:00Z`,
    created_by: 'ada',
    last_used_at: null,
    revoked_at: null,
    ...over,
  });

  it('lists the keys that can call the app: its own and workspace-wide, active first, newest first', () => {
    const keys = [
      key(1, {}),
      key(2, { scope: 'app', app_id: 7, app_slug: 'bot' }),
      key(3, { scope: 'app', app_id: 8 }),
      key(4, { revoked_at: '2026-01-05T00:00:00Z' }),
      key(5, {}),
    ];
    expect(keysForApp(keys, '7').map((k) => k.id)).toEqual([5, 2, 1, 4]);
    expect(keyScopeText(keys[1]!)).toBe('this app (bot)');
    expect(keyScopeText(keys[0]!)).toBe('all apps in the workspace');
  });

  it('builds a shell line that sets the key literally', () => {
    expect(keySetupLine('lsk_ab_cd')).toBe("export LLMOPS_API_KEY='lsk_ab_cd'");
    expect(keySetupLine(null)).toBe("export LLMOPS_API_KEY='paste-your-key-here'");
    expect(keySetupLine("a'b")).toBe("export LLMOPS_API_KEY='a'\\''b'");
  });
});

describe('snippets and runs', () => {
  it('offers curl, streaming curl, Python openai and JavaScript SSE, in that order', () => {
    const tabs = snippetTabs({ snippets: { curl: 'c', curl_stream: 'cs', python_openai: 'py', javascript_sse: 'js' } });
    expect(tabs.map((t) => [t.id, t.code])).toEqual([
      ['curl', 'c'],
      ['curl_stream', 'cs'],
      ['python', 'py'],
      ['javascript', 'js'],
    ]);
  });

  it('summarises a run by its answer, error code or status and names its target', () => {
    expect(runSummary({ outputs: { answer: 'Hello, Ada!' }, error_code: '', status: 'succeeded' })).toBe('Hello, Ada!');
    expect(runSummary({ outputs: {}, error_code: 'node_failed', status: 'failed' })).toBe('node_failed');
    expect(runSummary({ outputs: null, error_code: '', status: 'running' })).toBe('running');
    expect(runSummary({ outputs: { answer: 'x'.repeat(100) }, error_code: '', status: 'succeeded' })).toHaveLength(80);
    expect(runTarget({ label: 'production', version: 2 })).toBe('production · v2');
    expect(runTarget({ label: '', version: 3 })).toBe('v3');
  });
});
