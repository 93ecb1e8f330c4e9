import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { winnerText } from './evaluation';
import { fieldErrorsOf } from './fieldErrors';
import { lossLayout, lossTraces } from './lossCurve';
import { compactCount, draftOf, freeName, methodSettingsFor, slugOf, trainableText } from './methods';
import { durationText } from './parts';
import { SETTINGS_DEFAULTS } from './testing';
import type { TuneEvaluation } from './types';

describe('method settings → the request', () => {
  it('sends only the chosen method’s settings, each of its kind', () => {
    const draft = { ...draftOf(SETTINGS_DEFAULTS), r: '16', target_modules: 'q_proj, k_proj  v_proj,' };
    expect(methodSettingsFor('lora', draft)).toEqual({ r: 16, alpha: 16, dropout: 0.05, target_modules: ['q_proj', 'k_proj', 'v_proj'] });
    expect(methodSettingsFor('ia3', draft)).toEqual({});
    expect(methodSettingsFor('prefix', draft)).toEqual({ virtual_tokens: 16 });
    expect(methodSettingsFor('prompt', draft)).toEqual({ virtual_tokens: 16 });
    expect(methodSettingsFor('p_tuning', draft)).toEqual({ virtual_tokens: 16, encoder_hidden_size: 128 });
    expect(methodSettingsFor('adapter', draft)).toEqual({ adapter_len: 10, adapter_layers: 8 });
  });

  it('sends a value that is not a number as typed, for the server to name the setting', () => {
    expect(methodSettingsFor('prefix', { ...draftOf(SETTINGS_DEFAULTS), virtual_tokens: 'many' })).toEqual({ virtual_tokens: 'many' });
  });
});

describe('parameter counts', () => {
  it('reads like ≈ 460k trainable parameters (0.3 % of 135M)', () => {
    expect(trainableText(460_800, 134_515_008)).toBe('≈ 461k trainable parameters (0.3 % of 135M)');
    expect(trainableText(46_080, 134_515_008)).toBe('≈ 46k trainable parameters (0.034 % of 135M)');
    expect(trainableText(1_234, null)).toBe('≈ 1.2k trainable parameters');
    expect(trainableText(undefined, 10)).toBe('');
    expect(compactCount(999)).toBe('999');
    expect(compactCount(2_500_000_000)).toBe('2.5B');
  });
});

describe('names', () => {
  it('suggests a slug free in the workspace', () => {
    expect(slugOf('Support FAQ — Café v2!')).toBe('support-faq-cafe-v2');
    expect(freeName('faq-lora', new Set(['faq-lora', 'faq-lora-2']))).toBe('faq-lora-3');
    expect(freeName('faq-lora', new Set())).toBe('faq-lora');
  });
});

describe('field errors', () => {
  it('puts the message at the field the error names', () => {
    const taken = new ApiError(400, 'finetune_name_taken', "A fine-tuned model named 'faq' exists in this workspace.", { field: 'name' });
    expect(fieldErrorsOf(taken)).toEqual({ name: "A fine-tuned model named 'faq' exists in this workspace." });
    const tooLarge = new ApiError(400, 'finetune_too_large', 'This job would need about 90.1 GiB…', {
      field: 'batch_size',
      needed_bytes: 1,
      available_bytes: 2,
    });
    expect(fieldErrorsOf(tooLarge)).toEqual({ batch_size: 'This job would need about 90.1 GiB…' });
  });

  it('reads the serializer’s errors per field, nested ones with a dot', () => {
    const invalid = new ApiError(400, 'invalid', 'Some fields are invalid.', {
      name: ['Enter a valid “slug”.'],
      method_settings: { r: ['A valid integer is required.'] },
    });
    expect(fieldErrorsOf(invalid)).toEqual({ name: 'Enter a valid “slug”.', 'method_settings.r': 'A valid integer is required.' });
    expect(fieldErrorsOf(new Error('boom'))).toEqual({});
    expect(fieldErrorsOf(new ApiError(409, 'finetune_running', 'Cancel first.', null))).toEqual({});
  });
});

describe('the loss curve', () => {
  const colors = { text: '#000', grid: '#ccc', training: '#00f', validation: '#f80' };

  it('maps [step, loss] pairs to a training line and validation markers, x = step', () => {
    const traces = lossTraces(
      [
        [1, 2.5],
        [2, 2.1],
        [3, 1.7],
      ],
      [[3, 1.9]],
      colors,
    );
    expect(traces).toHaveLength(2);
    expect(traces[0]).toMatchObject({ name: 'training loss', mode: 'lines', x: [1, 2, 3], y: [2.5, 2.1, 1.7], line: { color: '#00f' } });
    expect(traces[1]).toMatchObject({ name: 'validation loss', mode: 'lines+markers', x: [3], y: [1.9], marker: { color: '#f80' } });
  });

  it('draws no validation trace before one is measured, and spans the steps to the total', () => {
    expect(lossTraces([[1, 2]], [], colors)).toHaveLength(1);
    expect(lossLayout(120, colors)).toMatchObject({ xaxis: { range: [0, 120] }, uirevision: 'loss' });
  });
});

describe('the comparison in words', () => {
  const side = (good: number, n: number) => ({ variant_id: 1, name: '', model: '', n, good, ratio: good / n, ci_low: 0, ci_high: 1 });
  const evaluation = (winner: TuneEvaluation['winner']): TuneEvaluation => ({
    experiment_id: 4,
    status: 'completed',
    cells_done: 20,
    cells_total: 20,
    primary_evaluator: 'similarity',
    base: side(3, 10),
    tuned: side(9, 10),
    winner,
  });

  it('names the winner with both tallies', () => {
    expect(winnerText(evaluation('tuned'))).toBe('The tuned model is better on 9 of 10 held-out rows vs 3 of 10 for the base model.');
    expect(winnerText(evaluation('base'))).toBe('The base model is better on 3 of 10 held-out rows vs 9 of 10 for the tuned model.');
    expect(winnerText(evaluation('tie'))).toMatch(/^No clear winner/);
    expect(winnerText(evaluation(null))).toBe('');
  });

  it('says how long is left', () => {
    expect(durationText(42)).toBe('42 s');
    expect(durationText(75)).toBe('1 min 15 s');
    expect(durationText(3900)).toBe('1 h 5 min');
  });
});
