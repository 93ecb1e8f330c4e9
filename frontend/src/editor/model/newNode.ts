/** A new node of a type, with a config that is a good start (defaults plus a few presets). */
import type { ModelOption, NodeSpec, NodeTypeDef } from '../../apps/types';
import { uniqueId } from './ids';
import { defaultValue } from './schemaForm';

const ID_BASE: Record<string, string> = { prompt: 'llm', http_request: 'http', template: 'template' };

function presets(type: string, model: ModelOption | undefined): Record<string, unknown> {
  const modelRef = model ? { provider: model.provider, model: model.model } : { provider: '', model: '' };
  switch (type) {
    case 'prompt':
      return {
        model: modelRef,
        messages: [
          { role: 'system', template: 'You are a helpful assistant.' },
          { role: 'user', template: '' },
        ],
      };
    case 'agent':
    case 'classifier':
      return type === 'classifier'
        ? {
            model: modelRef,
            classes: [
              { id: 'class_1', name: 'Class 1', description: '' },
              { id: 'class_2', name: 'Class 2', description: '' },
            ],
          }
        : { model: modelRef, tools: [] };
    case 'branch':
      return {
        cases: [{ id: 'case_1', logical_operator: 'and', conditions: [{ variable: '', operator: 'equals', value: '' }] }],
      };
    case 'end':
      return { outputs: {} };
    default:
      return {};
  }
}

export function newNodeSpec(
  def: NodeTypeDef,
  position: { x: number; y: number },
  takenIds: ReadonlySet<string>,
  models: readonly ModelOption[] = [],
): NodeSpec {
  const base = (defaultValue(def.config_schema, def.config_schema) ?? {}) as Record<string, unknown>;
  const id = uniqueId(ID_BASE[def.type] ?? def.type, takenIds);
  return {
    id,
    type: def.type,
    version: def.version,
    title: def.title,
    config: { ...base, ...presets(def.type, models.find((m) => m.kind === 'chat') ?? models[0]) },
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
}
