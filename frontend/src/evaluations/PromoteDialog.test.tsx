import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithShell } from '../test/render';
import type { Promotion } from './api';
import { PromoteDialog, PromotedNotice } from './PromoteDialog';
import type { ExperimentSummary, Variant, VariantSummary } from './types';

const APP_VARIANT: Variant = {
  id: 31,
  position: 1,
  name: 'FAQ bot v4',
  prompt_version_id: null,
  prompt_id: null,
  prompt_version_number: null,
  app_version_id: 90,
  app_id: 7,
  app_version_number: 4,
  model: null,
};
const PROMPT_VARIANT: Variant = { ...APP_VARIANT, id: 32, name: 'capitals v2', prompt_version_id: 5, prompt_id: 3, prompt_version_number: 2, app_version_id: null, app_id: null, app_version_number: null };

const SPLIT: Promotion = { target: 'app', app_id: 7, label: 'production', version: 3, moved: { from: 3, to: 3 }, split: [{ version: 3, weight: 90 }, { version: 4, weight: 10 }] };

function stubPromote(answer: Promotion) {
  const fetch = vi.fn(async (_url: string, _init?: RequestInit) => jsonResponse(200, answer));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('Promoting a variant from the matrix', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends a share of production to an app version', async () => {
    const fetch = stubPromote(SPLIT);
    const onPromoted = vi.fn();
    renderWithShell(<PromoteDialog workspaceId="1" experimentId="12" variant={APP_VARIANT} onClose={() => undefined} onPromoted={onPromoted} />);

    expect(screen.getByRole('textbox', { name: 'Label' })).toHaveValue('staging');
    fireEvent.click(screen.getByRole('radio', { name: /share of a label's traffic/ }));
    expect(screen.getByRole('textbox', { name: 'Label' })).toHaveValue('production');
    expect(screen.getByTestId('promote-dialog')).toHaveTextContent('production keeps serving its version to 90 % of calls; 10 % get version 4');
    fireEvent.click(screen.getByRole('button', { name: 'Send 10 %' }));

    await vi.waitFor(() => expect(onPromoted).toHaveBeenCalledWith(SPLIT));
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/workspaces/1/experiments/12/variants/31/promote/');
    expect(JSON.parse(String(init?.body))).toEqual({ label: 'production', share: 10 });
  });

  it('points a label at a prompt version, with no traffic share to choose', async () => {
    const fetch = stubPromote({ target: 'prompt', prompt_id: 3, label: 'staging', version: 2, moved: { from: 1, to: 2 }, split: [] });
    renderWithShell(<PromoteDialog workspaceId="1" experimentId="12" variant={PROMPT_VARIANT} onClose={() => undefined} onPromoted={() => undefined} />);

    expect(screen.queryByRole('radio')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Promote' }));

    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(JSON.parse(String(fetch.mock.calls[0]![1]?.body))).toEqual({ label: 'staging' });
  });

  it('says what moved and links to where the split is compared', () => {
    renderWithShell(<PromotedNotice workspaceId="1" promotion={SPLIT} />);
    expect(screen.getByTestId('promoted')).toHaveTextContent('production split: v3 90 % · v4 10 %.');
    expect(screen.getByRole('link', { name: 'Compare on the Quality page' })).toHaveAttribute('href', '/monitoring/w/1/quality?app=7&label=production');
    expect(screen.getByRole('link', { name: 'Open the app' })).toHaveAttribute('href', '/apps/7');
  });

  it('says first where the variant stands, as the summary puts it, and warns without forbidding', () => {
    const arm = (id: number, name: string, warn: boolean, text: string): VariantSummary => ({
      id, name, n: 20, good: 0, ratio: 0, ci_low: 0, ci_high: 0.16, disputed: 0, judged_by_humans: 0, judged_by_evaluator: 20,
      cells_done: 20, cells_failed: 0, cost: 0, cost_per_cell: null, tokens_in: 0, tokens_out: 0, latency_p50_ms: null, standing: { warn, text },
    });
    const tie = 'A tie: FAQ bot v3 did as well (0 % good). The experiment shows no winner.';
    const summary: ExperimentSummary = {
      experiment_id: 12, variants: [arm(30, 'FAQ bot v3', true, 'x'), arm(31, 'FAQ bot v4', true, tie)], tasks: [], best_variant_id: 30, tied: true, comparisons: [],
    };
    renderWithShell(<PromoteDialog workspaceId="1" experimentId="12" variant={APP_VARIANT} summary={summary} onClose={() => undefined} onPromoted={() => undefined} />);
    expect(screen.getByTestId('promote-standing')).toHaveTextContent(tie);
    expect(screen.getByTestId('promote-standing')).toHaveClass('warn');
    expect(screen.getByRole('button', { name: 'Promote' })).toBeEnabled(); // a warning, not a ban: the owner decides
  });
});
