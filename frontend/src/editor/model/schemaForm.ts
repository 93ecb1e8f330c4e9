/**
 * JSON Schema (pydantic's output: $defs/$ref, anyOf [X, null]) -> a tree of form fields with
 * the widget each one needs. Pure: the React form only renders what this returns.
 */
import type { JsonSchema } from '../../apps/types';

interface FieldBase {
  key: string;
  /** Dotted path from the config root, e.g. "model.temperature"; array items use their index. */
  path: string;
  label: string;
  description: string;
  required: boolean;
  nullable: boolean;
  default: unknown;
  /** A model node's field that its library prompt replaces (hidden while linked), or one only
   * the platform writes (never shown): the runtime's `x-replaced-by-library-prompt` and
   * `x-set-by-platform` schema marks. */
  linkRole?: 'replaced' | 'platform';
}

export type Field =
  | (FieldBase & { kind: 'string'; pattern?: string; minLength?: number })
  | (FieldBase & { kind: 'template' })
  | (FieldBase & { kind: 'variable' })
  | (FieldBase & { kind: 'number'; integer: boolean; min?: number; max?: number })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; options: string[] })
  | (FieldBase & { kind: 'model'; fields: Field[] })
  | (FieldBase & { kind: 'promptLink' })
  | (FieldBase & { kind: 'tool' })
  | (FieldBase & { kind: 'tools' })
  | (FieldBase & { kind: 'cases'; itemSchema: JsonSchema })
  | (FieldBase & { kind: 'array'; item: Field; itemSchema: JsonSchema; minItems: number })
  | (FieldBase & { kind: 'object'; fields: Field[] })
  | (FieldBase & { kind: 'map'; valueKind: 'string' | 'variable' | 'template' })
  | (FieldBase & { kind: 'json' });

export type FieldKind = Field['kind'];

/** Follows a local `#/$defs/Name` reference (merging sibling keys such as title). */
export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth += 1) {
    const m = current.$ref.match(/^#\/(?:\$defs|definitions)\/(.+)$/);
    const target = m ? (root.$defs ?? (root as { definitions?: Record<string, JsonSchema> }).definitions)?.[m[1]!] : undefined;
    if (!target) break;
    const { $ref: _ignored, ...siblings } = current;
    current = { ...target, ...siblings, title: siblings.title ?? target.title };
  }
  return current;
}

/** `anyOf: [X, {type: null}]` -> X marked nullable. */
export function unwrapNullable(schema: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const s = resolveRef(schema, root);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const nonNull = alts.filter((a) => a.type !== 'null');
    if (nonNull.length === 1 && nonNull.length < alts.length) {
      const { anyOf: _a, oneOf: _o, ...rest } = s;
      return { schema: { ...resolveRef(nonNull[0]!, root), ...rest, title: rest.title }, nullable: true };
    }
    if (nonNull.length > 0 && nonNull.every((a) => a.enum || a.const !== undefined)) {
      const options = nonNull.flatMap((a) => (a.enum ? a.enum : [a.const]));
      const { anyOf: _a, oneOf: _o, ...rest } = s;
      return { schema: { ...rest, type: 'string', enum: options }, nullable: nonNull.length < alts.length };
    }
  }
  return { schema: s, nullable: false };
}

const TEMPLATE_KEYS = new Set(['prompt', 'system_prompt', 'template', 'query', 'url', 'body', 'instruction']);

function isTemplate(key: string, s: JsonSchema): boolean {
  const d = `${s.description ?? ''}`;
  return /template|jinja/i.test(d) || TEMPLATE_KEYS.has(key);
}

function isVariableRef(s: JsonSchema): boolean {
  return /reference/i.test(s.description ?? '');
}

function isModelRef(schema: JsonSchema, raw: JsonSchema): boolean {
  if (raw.$ref && /ModelRef$/.test(raw.$ref)) return true;
  if (schema.title === 'ModelRef') return true;
  const p = schema.properties;
  return !!p && 'provider' in p && 'model' in p;
}

function isPromptLink(schema: JsonSchema, raw: JsonSchema): boolean {
  if (raw.$ref && /PromptLink$/.test(raw.$ref)) return true;
  const p = schema.properties;
  return !!p && 'ref' in p && 'variables' in p;
}

function linkRoleOf(s: JsonSchema): Pick<FieldBase, 'linkRole'> {
  if (s['x-set-by-platform']) return { linkRole: 'platform' };
  if (s['x-replaced-by-library-prompt']) return { linkRole: 'replaced' };
  return {};
}

function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  return s.type;
}

function humanize(key: string): string {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The field for one property. */
export function describeField(
  key: string,
  raw: JsonSchema,
  root: JsonSchema,
  { path = key, required = false }: { path?: string; required?: boolean } = {},
): Field {
  const { schema: s, nullable } = unwrapNullable(raw, root);
  const base: FieldBase = {
    key,
    path,
    label: s.title && s.title !== key ? s.title : humanize(key),
    description: s.description ?? '',
    required,
    nullable,
    default: s.default,
    ...linkRoleOf(s),
  };
  const t = typeOf(s);

  if (s.enum && s.enum.length) return { ...base, kind: 'enum', options: s.enum.map(String) };
  if (t === 'object' || s.properties) {
    if (isModelRef(s, raw)) return { ...base, kind: 'model', fields: objectFields(s, root, path) };
    if (isPromptLink(s, raw)) return { ...base, kind: 'promptLink' };
    if (s.properties && Object.keys(s.properties).length) return { ...base, kind: 'object', fields: objectFields(s, root, path) };
    const ap = s.additionalProperties;
    if (ap && typeof ap === 'object' && typeOf(resolveRef(ap, root)) === 'string') {
      const valueKind = /reference|variable/i.test(s.description ?? '') ? 'variable' : isTemplate(key, s) ? 'template' : 'string';
      return { ...base, kind: 'map', valueKind };
    }
    return { ...base, kind: 'json' };
  }
  if (t === 'array') {
    const itemRaw = s.items ?? {};
    const itemSchema = resolveRef(itemRaw, root);
    if (key === 'cases' && itemSchema.properties?.conditions) return { ...base, kind: 'cases', itemSchema };
    if (key === 'tools' && typeOf(itemSchema) === 'string') return { ...base, kind: 'tools' };
    const item = describeField('item', itemRaw, root, { path: `${path}.*`, required: true });
    // An array of references (aggregate inputs) reads each item as a variable.
    const itemField: Field = item.kind === 'string' && isVariableRef(s) ? { ...item, kind: 'variable' } : item;
    return { ...base, kind: 'array', item: itemField, itemSchema, minItems: s.minItems ?? 0 };
  }
  if (t === 'boolean') return { ...base, kind: 'boolean' };
  if (t === 'number' || t === 'integer') {
    return {
      ...base,
      kind: 'number',
      integer: t === 'integer',
      min: s.minimum ?? s.exclusiveMinimum,
      max: s.maximum ?? s.exclusiveMaximum,
    };
  }
  if (t === 'string') {
    if (key === 'tool' && /tool/i.test(s.description ?? '')) return { ...base, kind: 'tool' };
    if (isTemplate(key, s)) return { ...base, kind: 'template' };
    if (isVariableRef(s)) return { ...base, kind: 'variable' };
    return { ...base, kind: 'string', pattern: s.pattern, minLength: s.minLength };
  }
  return { ...base, kind: 'json' };
}

function objectFields(s: JsonSchema, root: JsonSchema, prefix: string): Field[] {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([key, prop]) =>
    describeField(key, prop, root, { path: prefix ? `${prefix}.${key}` : key, required: required.has(key) }),
  );
}

/** The form of a node's config: one field per property of the config schema. */
export function configFields(schema: JsonSchema): Field[] {
  return objectFields(resolveRef(schema, schema), schema, '');
}

/** A sensible empty value for a schema (its default, else one built from its type). */
export function defaultValue(raw: JsonSchema, root: JsonSchema): unknown {
  const { schema: s, nullable } = unwrapNullable(raw, root);
  if (s.default !== undefined) return structuredClone(s.default);
  if (nullable) return null;
  if (s.enum?.length) return s.enum[0];
  const t = typeOf(s);
  if (t === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    const required = new Set(s.required ?? []);
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if (required.has(k)) out[k] = defaultValue(p, root);
    }
    return out;
  }
  if (t === 'array') {
    const n = s.minItems ?? 0;
    return Array.from({ length: n }, () => defaultValue(s.items ?? {}, root));
  }
  if (t === 'string') return '';
  if (t === 'number' || t === 'integer') return s.minimum ?? 0;
  if (t === 'boolean') return false;
  return null;
}

/** Reads a value at a dotted path ("model.temperature", "messages.0.template"). */
export function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const part of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Returns a copy of obj with the value at the dotted path replaced (undefined removes it). */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return obj;
  const isIndex = /^\d+$/.test(head);
  const container: Record<string, unknown> | unknown[] = Array.isArray(obj)
    ? [...obj]
    : { ...((obj as Record<string, unknown>) ?? {}) };
  const current = (container as Record<string, unknown>)[head];
  const next = rest.length ? setPath(current ?? (/^\d+$/.test(rest[0]!) ? [] : {}), rest.join('.'), value) : value;
  if (next === undefined && !isIndex && !Array.isArray(container)) delete (container as Record<string, unknown>)[head];
  else (container as Record<string, unknown>)[head] = next;
  return container as T;
}
