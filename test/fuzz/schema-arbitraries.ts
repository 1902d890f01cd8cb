// fast-check arbitraries from a message's JSON schema (the same one docs/protocol.md is
// rendered from): a plausible value, every field path in it, and hostile values to put
// at a path. So a new message type, or a new field, is fuzzed without touching the fuzzer.
import fc from 'fast-check';

type JsonSchema = Record<string, any>;

/** Real ids the plausible values draw from, so requests get past "not found" to the work. */
export interface IdPool {
  ids: number[];
}

/** A field inside a message's data: keys, with `[]` for "an element of this array". */
export type FieldPath = string[];

/** Alternatives of a union schema (each is fuzzed), or the schema itself. */
export function alternatives(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ?? schema.oneOf ?? [schema];
}

/** Every field path of an object schema, nested objects and array elements included. */
export function fieldPaths(schema: JsonSchema, prefix: FieldPath = []): FieldPath[] {
  const paths: FieldPath[] = [];
  for (const option of alternatives(schema)) {
    if (option.type === 'object') {
      for (const [key, child] of Object.entries<JsonSchema>(option.properties ?? {})) {
        paths.push([...prefix, key], ...fieldPaths(child, [...prefix, key]));
      }
    } else if (option.type === 'array' && option.items) {
      paths.push(...fieldPaths(option.items, [...prefix, '[]']));
    }
  }
  return paths;
}

/** A value the schema accepts, mostly: strings follow patterns, integers their bounds. */
export function plausible(schema: JsonSchema, pool: IdPool, key = ''): fc.Arbitrary<unknown> {
  const options = alternatives(schema);
  if (options.length > 1) return fc.oneof(...options.map((option) => plausible(option, pool, key)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000);
      const max = Math.min(schema.maximum ?? 1_000_000, 2_147_483_647);
      const inRange = fc.integer({ min, max });
      return /(^|_)id$/.test(key) && pool.ids.length > 0 ? fc.oneof(fc.constantFrom(...pool.ids), inRange) : inRange;
    }
    case 'string':
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    case 'array':
      return fc.array(plausible(schema.items ?? {}, pool, key), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      const properties = Object.fromEntries(Object.entries<JsonSchema>(schema.properties ?? {}).map(([k, child]) => [k, plausible(child, pool, k)]));
      return fc.record(properties, { requiredKeys: schema.required ?? [] });
    }
    default:
      // Unrepresentable in JSON schema (a preprocess): the seat status, in practice.
      return key === 'status' ? fc.constantFrom('VACANT', 'OCCUPIED', 'MAINTENANCE', 'RESERVED') : fc.jsonValue({ maxDepth: 2 });
  }
}

/** Text built to break things: NUL, lone surrogates, control and direction characters, SQL, size. */
const hostileText = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\uffff', '\u202e\u202d', '\r\n\t\b', "'; DROP TABLE hall; --", '%00%27', '<script>alert(1)</script>', '$1', '{{7*7}}', '__proto__', 'x'.repeat(5_000)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);

/** Numbers at and beyond every bound the database or JSON has. */
const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1, 0.5, -0.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Values of the wrong JSON type, whatever the field's type is. */
const wrongType = fc.oneof(fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 }), hostileNumber, fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }));

/** Structures no client should send: deep nesting, long arrays, objects with odd keys. */
const hostileStructure = fc.oneof(
  fc.integer({ min: 10, max: 400 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
  fc.integer({ min: 100, max: 3_000 }).map((length) => Array.from({ length }, (_, i) => i + 1)),
  fc.constant(JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}') as unknown),
  fc.dictionary(hostileText, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

export type MutationKind = 'wrong-type' | 'bounds' | 'text' | 'structure' | 'missing' | 'extra-field';
export const MUTATION_KINDS: MutationKind[] = ['wrong-type', 'bounds', 'text', 'structure', 'missing', 'extra-field'];

export function hostileValue(kind: Exclude<MutationKind, 'missing' | 'extra-field'>): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'wrong-type':
      return wrongType;
    case 'bounds':
      return hostileNumber;
    case 'text':
      return hostileText;
    case 'structure':
      return hostileStructure;
  }
}

/**
 * `base` with the field at `path` replaced by `value` (or removed, or given a sibling
 * the schema does not know). Arrays on the way get an element if they have none.
 */
export function mutateAt(base: unknown, path: FieldPath, kind: MutationKind, value: unknown): unknown {
  const root = structuredClone(base ?? {});
  let parent: any = typeof root === 'object' && root !== null ? root : {};
  const top = parent;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (key === '[]') {
      if (!Array.isArray(parent)) return top;
      if (parent.length === 0) parent.push({});
      parent = parent[0];
    } else {
      if (typeof parent[key] !== 'object' || parent[key] === null) parent[key] = path[i + 1] === '[]' ? [] : {};
      parent = parent[key];
    }
  }
  const last = path.at(-1)!;
  if (last === '[]') {
    if (!Array.isArray(parent)) return top;
    if (kind === 'missing') parent.length = 0;
    else parent[parent.length === 0 ? 0 : 0] = kind === 'extra-field' ? { unexpected: value } : value;
    return top;
  }
  if (typeof parent !== 'object' || parent === null) return top;
  if (kind === 'missing') delete parent[last];
  else if (kind === 'extra-field') parent[`${last}_unexpected`] = value;
  else parent[last] = value;
  return top;
}
