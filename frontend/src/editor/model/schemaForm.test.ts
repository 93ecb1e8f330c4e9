import { describe, expect, it } from 'vitest';
import type { NodeTypeDef } from '../../apps/types';
import registry from './__fixtures__/nodeTypes.json';
import { configFields, defaultValue, getPath, resolveRef, setPath, type Field } from './schemaForm';

const TYPES = registry as unknown as NodeTypeDef[];
const schemaOf = (type: string) => TYPES.find((t) => t.type === type)!.config_schema;
const field = (fields: Field[], key: string) => fields.find((f) => f.key === key)!;

describe('schema → form', () => {
  it('gives the LLM node a model picker, a list of message templates and a checkbox', () => {
    const fields = configFields(schemaOf('prompt'));
    expect(fields.map((f) => [f.key, f.kind])).toEqual([
      ['model', 'model'],
      ['prompt', 'promptLink'],
      ['messages', 'array'],
      ['stream', 'boolean'],
    ]);
    const messages = field(fields, 'messages');
    expect(messages.kind === 'array' && messages.item.kind).toBe('object');
    if (messages.kind === 'array' && messages.item.kind === 'object') {
      expect(messages.item.fields.map((f) => [f.key, f.kind])).toEqual([
        ['role', 'enum'],
        ['template', 'template'],
      ]);
    }
  });

  it('gives every model node a library prompt, and marks what it replaces and what only the platform writes', () => {
    const roles = (type: string) =>
      configFields(schemaOf(type))
        .filter((f) => f.kind === 'promptLink' || f.linkRole)
        .map((f) => [f.key, f.kind === 'promptLink' ? 'link' : f.linkRole]);
    expect(roles('prompt')).toEqual([
      ['model', 'replaced'],
      ['prompt', 'link'],
      ['messages', 'replaced'],
    ]);
    expect(roles('classifier')).toEqual([
      ['model', 'replaced'],
      ['library_prompt', 'link'],
      ['messages', 'platform'],
      ['query', 'replaced'],
      ['instruction', 'replaced'],
    ]);
    expect(roles('agent')).toEqual([
      ['model', 'replaced'],
      ['library_prompt', 'link'],
      ['messages', 'platform'],
      ['system_prompt', 'replaced'],
      ['prompt', 'replaced'],
    ]);
  });

  it('resolves $ref to ModelRef and unwraps nullable parameters', () => {
    const model = field(configFields(schemaOf('prompt')), 'model');
    expect(model.kind).toBe('model');
    if (model.kind !== 'model') return;
    const temperature = field(model.fields, 'temperature');
    expect(temperature).toMatchObject({ kind: 'number', nullable: true, min: 0, max: 2, path: 'model.temperature' });
    expect(field(model.fields, 'stop')).toMatchObject({ kind: 'array', nullable: true });
    expect(field(model.fields, 'provider').required).toBe(true);
  });

  it('uses the condition builder for branch cases and the tool pickers for agent and tool nodes', () => {
    expect(field(configFields(schemaOf('branch')), 'cases').kind).toBe('cases');
    expect(field(configFields(schemaOf('agent')), 'tools').kind).toBe('tools');
    expect(field(configFields(schemaOf('tool')), 'tool').kind).toBe('tool');
  });

  it('uses a JSON editor for free-form objects and a key/value editor for string maps', () => {
    expect(field(configFields(schemaOf('tool')), 'arguments').kind).toBe('json');
    expect(field(configFields(schemaOf('http_request')), 'headers')).toMatchObject({ kind: 'map', valueKind: 'template' });
    expect(field(configFields(schemaOf('end')), 'outputs')).toMatchObject({ kind: 'map', valueKind: 'variable' });
  });

  it('knows templates from variable references', () => {
    const http = configFields(schemaOf('http_request'));
    expect(field(http, 'url').kind).toBe('template');
    expect(field(http, 'method')).toMatchObject({ kind: 'enum', options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] });
    expect(field(configFields(schemaOf('iteration')), 'items').kind).toBe('variable');
    const agg = field(configFields(schemaOf('aggregate')), 'inputs');
    expect(agg.kind === 'array' && agg.item.kind).toBe('variable');
  });

  it('labels fields with their schema titles', () => {
    const retrieval = configFields(schemaOf('retrieval'));
    expect(field(retrieval, 'top_k')).toMatchObject({ label: 'Top K', kind: 'number', integer: true, min: 1, max: 100 });
    expect(field(retrieval, 'score_threshold')).toMatchObject({ label: 'Min score', nullable: true });
  });

  it('builds a valid empty config: required lists get their minimum number of items', () => {
    const branch = schemaOf('branch');
    const value = defaultValue(branch, branch) as { cases: { conditions: unknown[] }[] };
    expect(value.cases).toHaveLength(1);
    expect(value.cases[0]!.conditions).toHaveLength(1);
    const http = schemaOf('http_request');
    expect(defaultValue(http, http)).toEqual({ url: '' });
  });

  it('follows a $ref chain and keeps the outer title', () => {
    const root = { $defs: { A: { $ref: '#/$defs/B', title: 'A' }, B: { type: 'string', title: 'B' } } };
    expect(resolveRef({ $ref: '#/$defs/A', title: 'Outer' }, root)).toMatchObject({ type: 'string', title: 'Outer' });
  });
});

describe('getPath / setPath', () => {
  it('reads and writes nested paths without touching the original', () => {
    const config = { messages: [{ role: 'user', template: 'hi' }], model: { provider: 'local' } };
    const next = setPath(config, 'messages.0.template', 'hello');
    expect(getPath(next, 'messages.0.template')).toBe('hello');
    expect(config.messages[0]!.template).toBe('hi');
    expect(next.model).toBe(config.model);
    expect(getPath(setPath(config, 'model.provider', undefined), 'model')).toEqual({});
  });
});
