import { describe, expect, it } from 'vitest';
import type { ChatInput } from './client';
import { inputValues } from './inputs';

const input = (name: string, type: string, extra: Partial<ChatInput> = {}): ChatInput => ({ name, type, required: true, default: null, description: '', ...extra });

describe("the chat's extra inputs", () => {
  it('turns typed text into the declared types', () => {
    const declared = [input('tone', 'string'), input('limit', 'number'), input('strict', 'boolean'), input('tags', 'array')];
    expect(inputValues(declared, { tone: ' formal ', limit: '3', strict: 'true', tags: '["a"]' })).toEqual({
      values: { tone: 'formal', limit: 3, strict: true, tags: ['a'] },
      problem: null,
    });
  });

  it('asks for a required field and leaves optional or defaulted ones to the app', () => {
    expect(inputValues([input('tone', 'string')], {}).problem).toBe('Fill in tone first.');
    const declared = [input('tone', 'string', { required: false }), input('limit', 'number', { default: 5 }), input('strict', 'boolean', { default: true })];
    expect(inputValues(declared, {})).toEqual({ values: {}, problem: null });
  });

  it('explains a value of the wrong shape', () => {
    expect(inputValues([input('limit', 'number')], { limit: 'many' }).problem).toBe('limit must be a number.');
    expect(inputValues([input('meta', 'object')], { meta: '[1]' }).problem).toContain('meta must be JSON');
  });
});
