import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  apiQuery,
  filtersFromQuery,
  filtersToQuery,
  fromLocalInput,
  NO_FILTERS,
  toggleStatus,
  toLocalInput,
  withFilters,
  type RunFilters,
} from './filters';
import { costText, tokensText, versionText } from './format';

const q = (s: string) => new URLSearchParams(s);
const NOW = Date.parse('2026-11-29T12:00:00Z');

describe('run filters in the URL', () => {
  it('reads every filter a shared link can carry', () => {
    const f = filtersFromQuery(q('app=7&version=3&status=failed,cancelled&source=api&key=12&label=production&q=3f2a'));
    expect(f).toEqual<RunFilters>({
      ...NO_FILTERS,
      app: '7',
      version: '3',
      statuses: ['failed', 'cancelled'],
      source: 'api',
      key: '12',
      label: 'production',
      q: '3f2a',
    });
  });

  it('round-trips: writing what it read gives the same link', () => {
    const link = 'app=7&version=draft&status=succeeded%2Cfailed&source=chat&key=2&label=staging&since=2026-11-28T10%3A00%3A00.000Z&until=2026-11-29T10%3A00%3A00.000Z&q=ab';
    expect(filtersToQuery(filtersFromQuery(q(link))).toString()).toBe(link);
    expect(filtersToQuery(NO_FILTERS).toString()).toBe('');
  });

  it('drops what the page could not have written', () => {
    const f = filtersFromQuery(q('app=abc&version=2&status=bogus&status=failed&status=failed&key=-1&range=2y&since=yesterday'));
    expect(f).toEqual({ ...NO_FILTERS, statuses: ['failed'] });
    // A version only means something with an app.
    expect(filtersFromQuery(q('version=2')).version).toBe('');
    // A preset wins over a custom range.
    expect(filtersFromQuery(q('range=24h&since=2026-11-01T00:00:00Z'))).toMatchObject({ range: '24h', since: '' });
  });

  it('accepts repeated status parameters as well as a comma list', () => {
    expect(filtersFromQuery(q('status=running&status=queued')).statuses).toEqual(['running', 'queued']);
  });
});

describe('the API query', () => {
  it('turns a preset into a since relative to now', () => {
    const api = apiQuery({ ...NO_FILTERS, range: '1h', statuses: ['failed'] }, NOW);
    expect(api.get('since')).toBe('2026-11-29T11:00:00.000Z');
    expect(api.get('range')).toBeNull();
    expect(api.get('status')).toBe('failed');
  });

  it('sends a custom range in UTC', () => {
    const api = apiQuery({ ...NO_FILTERS, since: '2026-11-28T10:00:00+02:00', until: '2026-11-29T10:00:00Z' }, NOW);
    expect(api.get('since')).toBe('2026-11-28T08:00:00.000Z');
    expect(api.get('until')).toBe('2026-11-29T10:00:00.000Z');
  });
});

describe('changing filters', () => {
  it('resets the version when the app changes or goes', () => {
    const f = { ...NO_FILTERS, app: '7', version: '3' };
    expect(withFilters(f, { app: '8' })).toMatchObject({ app: '8', version: '' });
    expect(withFilters(f, { app: '' })).toMatchObject({ app: '', version: '' });
    expect(withFilters(f, { source: 'api' })).toMatchObject({ app: '7', version: '3' });
  });

  it('a preset replaces a custom range and a custom date replaces a preset', () => {
    const custom = { ...NO_FILTERS, since: '2026-11-28T10:00:00.000Z', until: '2026-11-29T10:00:00.000Z' };
    expect(withFilters(custom, { range: '7d' })).toMatchObject({ range: '7d', since: '', until: '' });
    expect(withFilters({ ...NO_FILTERS, range: '7d' }, { since: '2026-11-28T10:00:00.000Z' })).toMatchObject({
      range: '',
      since: '2026-11-28T10:00:00.000Z',
    });
  });

  it('toggles statuses in a stable order and counts active filters', () => {
    const f = toggleStatus(toggleStatus(NO_FILTERS, 'failed'), 'succeeded');
    expect(f.statuses).toEqual(['succeeded', 'failed']);
    expect(toggleStatus(f, 'failed').statuses).toEqual(['succeeded']);
    expect(activeFilterCount(NO_FILTERS)).toBe(0);
    expect(activeFilterCount({ ...f, app: '1', range: '1h' })).toBe(3);
  });

  it('converts between datetime-local inputs and ISO datetimes', () => {
    const iso = fromLocalInput('2026-11-29T08:30');
    expect(toLocalInput(iso)).toBe('2026-11-29T08:30');
    expect(fromLocalInput('')).toBe('');
    expect(toLocalInput('not a date')).toBe('');
  });
});

describe('how a run row reads', () => {
  it('writes versions, tokens and cost', () => {
    expect(versionText({ version: 2, label: 'production', source: 'api' })).toBe('v2 · production');
    expect(versionText({ version: null, label: null, source: 'debug' })).toBe('draft');
    expect(versionText({ version: null, label: null, source: 'node' })).toBe('node');
    expect(tokensText({ tokens_in: 1200, tokens_out: 5 })).toBe(`${(1200).toLocaleString()} → 5`);
    expect(tokensText({ tokens_in: 0, tokens_out: 0 })).toBe('—');
    expect(costText(0.0021)).toBe('$0.0021');
    expect(costText(0)).toBe('—');
    expect(costText(0.00000042)).toBe('$4.2e-7');
  });
});
