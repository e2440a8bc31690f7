import type { GeminiSchema, GeminiSchemaType } from '../../protocol/gemini/types.js';

// JSON Schema (Claude Code sends draft 2020-12; MCP servers send anything) → the
// OpenAPI-3.0 subset Gemini's `parameters` accepts (reference §2.3). Gemini rejects
// the whole request for one unknown keyword, so the output is built from an
// allow-list, never by deleting from a copy. Invariants of every emitted node:
// it has a `type` or is an `anyOf` of such nodes; `properties`/`required` only on
// objects (never empty), `items` only on arrays, `enum` only on strings, numbers
// within the safe range, and `required` naming only declared properties.

type Json = Record<string, unknown>;

const MAX_DEPTH = 16;
const TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
/** Gemini accepts only these string formats ("only 'enum' and 'date-time' are supported for STRING type"). */
const STRING_FORMATS: ReadonlySet<string> = new Set(['enum', 'date-time']);
const INTEGER_FORMATS: ReadonlySet<string> = new Set(['int32', 'int64']);
const NUMBER_FORMATS: ReadonlySet<string> = new Set(['float', 'double']);

/** Function parameters for a tool's input_schema, or undefined when it takes none (Gemini rejects an OBJECT with empty properties). */
export function toGeminiParameters(inputSchema: unknown): GeminiSchema | undefined {
  if (!isObject(inputSchema)) return undefined;
  const s = new Sanitizer(inputSchema).node(inputSchema, 0, []);
  if (s.type === 'object') return s.properties ? s : undefined;
  // A root union of objects (some MCP servers): one object with every branch's properties, none required.
  if (s.anyOf && s.anyOf.every((b) => b.type === 'object')) {
    const properties: Record<string, GeminiSchema> = {};
    for (const b of s.anyOf) if (b.properties) Object.assign(properties, b.properties);
    if (Object.keys(properties).length === 0) return undefined;
    const out: GeminiSchema = { type: 'object', properties };
    if (s.description) out.description = s.description;
    return out;
  }
  return undefined;
}

/** Any JSON Schema → a Gemini Schema (responseSchema for structured output). */
export function toGeminiSchema(schema: unknown): GeminiSchema {
  return new Sanitizer(isObject(schema) ? schema : {}).node(schema, 0, []);
}

/** The schema for "any JSON value", which Gemini cannot express directly. */
function anyValue(description?: unknown): GeminiSchema {
  const out: GeminiSchema = {
    anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: { type: 'string' } }],
  };
  if (typeof description === 'string' && description) out.description = description;
  return out;
}

class Sanitizer {
  constructor(private readonly root: Json) {}

  node(input: unknown, depth: number, refs: string[]): GeminiSchema {
    if (!isObject(input) || depth > MAX_DEPTH) return anyValue(isObject(input) ? input.description : undefined);
    let s: Json = input;
    if (typeof s.$ref === 'string') {
      const ref = s.$ref;
      const target = refs.includes(ref) ? null : this.resolve(ref);
      // A cycle (or a dangling ref) ends in a plain object: Gemini has no recursion.
      if (!target) return withDescription({ type: 'object' }, s.description);
      s = { ...target, ...without(s, '$ref') };
      refs = [...refs, ref];
    }
    if (Array.isArray(s.allOf)) s = this.mergeAllOf(s, refs);
    const union = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null;
    // A union next to a type (or properties) only narrows it: keep the base, drop the constraint.
    if (union && s.type === undefined && !isObject(s.properties)) return this.union(s, union, depth, refs);

    const types = typeList(s);
    if (types === null) {
      const inferred = inferType(s);
      return inferred ? this.typed(s, inferred, false, depth, refs) : anyValue(s.description);
    }
    const nullable = types.includes('null');
    const real = types.filter((t): t is GeminiSchemaType => t !== 'null');
    if (real.length === 0) return this.typed(s, 'string', true, depth, refs);
    if (real.length === 1) return this.typed(s, real[0], nullable, depth, refs);
    // ["string","number"]: one branch per type, each with the keywords that apply to it.
    const out: GeminiSchema = { anyOf: real.map((t) => this.typed(without(s, 'description', 'title', 'default'), t, nullable, depth, refs)) };
    return withDescription(out, s.description);
  }

  private union(s: Json, branches: unknown[], depth: number, refs: string[]): GeminiSchema {
    let nullable = s.nullable === true;
    const kept: GeminiSchema[] = [];
    for (const b of branches) {
      if (isNullSchema(b)) {
        nullable = true;
        continue;
      }
      kept.push(this.node(b, depth + 1, refs));
    }
    if (kept.length === 0) return withDescription({ type: 'string', nullable: true }, s.description);
    if (kept.length === 1) {
      const only = kept[0];
      if (nullable) markNullable(only);
      if (typeof s.description === 'string' && s.description && !only.description) only.description = s.description;
      return only;
    }
    if (nullable) for (const k of kept) markNullable(k);
    return withDescription({ anyOf: kept }, s.description);
  }

  private typed(s: Json, type: GeminiSchemaType, nullable: boolean, depth: number, refs: string[]): GeminiSchema {
    const out: GeminiSchema = { type };
    let description = typeof s.description === 'string' && s.description ? s.description : '';
    if (typeof s.title === 'string' && s.title) out.title = s.title;
    if (nullable || s.nullable === true) out.nullable = true;

    const values = enumValues(s);
    if (values) {
      if (values.some((v) => v === null)) out.nullable = true;
      const real = values.filter((v) => v !== null);
      if (type === 'string' && real.every((v) => typeof v === 'string')) {
        if (real.length) out.enum = real as string[];
      } else if (real.length) {
        // Gemini enums are strings only: keep the real type and say the values in words.
        description = note(description, (real.length === 1 ? 'Must be ' : 'Allowed values: ') + real.map((v) => JSON.stringify(v)).join(', '));
      }
    }

    switch (type) {
      case 'string':
        if (typeof s.format === 'string' && STRING_FORMATS.has(s.format)) out.format = s.format;
        setCount(out, 'minLength', s.minLength);
        setCount(out, 'maxLength', s.maxLength);
        if (typeof s.pattern === 'string' && s.pattern) out.pattern = s.pattern;
        break;
      case 'integer':
      case 'number':
        if (typeof s.format === 'string' && (type === 'integer' ? INTEGER_FORMATS : NUMBER_FORMATS).has(s.format)) out.format = s.format;
        bounds(out, s, type === 'integer');
        break;
      case 'array': {
        const items = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : null;
        if (items) out.items = items.length === 1 ? this.node(items[0], depth + 1, refs) : items.length ? { anyOf: items.map((i) => this.node(i, depth + 1, refs)) } : anyValue();
        else out.items = isObject(s.items) ? this.node(s.items, depth + 1, refs) : anyValue();
        setCount(out, 'minItems', s.minItems);
        setCount(out, 'maxItems', s.maxItems);
        break;
      }
      case 'object': {
        if (isObject(s.properties)) {
          const props: Record<string, GeminiSchema> = {};
          let n = 0;
          for (const key of Object.keys(s.properties)) {
            // defineProperty: a property named "__proto__" must stay a property.
            Object.defineProperty(props, key, { value: this.node(s.properties[key], depth + 1, refs), enumerable: true, writable: true, configurable: true });
            n++;
          }
          if (n) out.properties = props;
        }
        if (Array.isArray(s.required) && out.properties) {
          const props = out.properties;
          const required = [...new Set(s.required.filter((r): r is string => typeof r === 'string' && Object.hasOwn(props, r)))];
          if (required.length) out.required = required;
        }
        setCount(out, 'minProperties', s.minProperties);
        setCount(out, 'maxProperties', s.maxProperties);
        break;
      }
      case 'boolean':
        break;
    }
    if (s.default !== undefined && s.default !== null && matchesType(s.default, type)) out.default = s.default;
    if (description) out.description = description;
    return out;
  }

  /** allOf → one schema: properties and required united, other keywords first-come. */
  private mergeAllOf(s: Json, refs: string[]): Json {
    const out: Json = without(s, 'allOf');
    const props: Json = isObject(out.properties) ? { ...out.properties } : {};
    const required = new Set<string>(Array.isArray(out.required) ? out.required.filter((r): r is string => typeof r === 'string') : []);
    for (const branch of s.allOf as unknown[]) {
      if (!isObject(branch)) continue;
      let b: Json = branch;
      if (typeof b.$ref === 'string' && !refs.includes(b.$ref)) b = { ...(this.resolve(b.$ref) ?? {}), ...without(b, '$ref') };
      if (Array.isArray(b.allOf)) b = this.mergeAllOf(b, refs);
      for (const k of Object.keys(b)) {
        if (k === 'properties' && isObject(b.properties)) {
          Object.assign(props, b.properties);
        } else if (k === 'required' && Array.isArray(b.required)) {
          for (const r of b.required) if (typeof r === 'string') required.add(r);
        } else if (!(k in out)) {
          out[k] = b[k];
        }
      }
    }
    if (Object.keys(props).length) out.properties = props;
    if (required.size) out.required = [...required];
    return out;
  }

  /** Local JSON pointers only (#/$defs/X, #/definitions/X, #/properties/a, #). */
  private resolve(ref: string): Json | null {
    if (ref === '#') return this.root;
    if (!ref.startsWith('#/')) return null;
    let cur: unknown = this.root;
    for (const raw of ref.slice(2).split('/')) {
      let key: string;
      try {
        key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      } catch {
        return null;
      }
      if (!isObject(cur) || !Object.hasOwn(cur, key)) return null;
      cur = cur[key];
    }
    return isObject(cur) ? cur : null;
  }
}

// ------------------------------------------------------------ helpers

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function without(s: Json, ...keys: string[]): Json {
  const out: Json = {};
  for (const k of Object.keys(s)) if (!keys.includes(k)) out[k] = s[k];
  return out;
}

function withDescription(out: GeminiSchema, description: unknown): GeminiSchema {
  if (typeof description === 'string' && description) out.description = description;
  return out;
}

function note(description: string, extra: string): string {
  return description ? description + ' (' + extra + ')' : extra;
}

function markNullable(s: GeminiSchema): void {
  if (s.anyOf) for (const b of s.anyOf) markNullable(b);
  else s.nullable = true;
}

type TypeName = GeminiSchemaType | 'null';

function isTypeName(x: unknown): x is TypeName {
  return typeof x === 'string' && (TYPES.has(x) || x === 'null');
}

/** The declared types as a list, or null when `type` is absent or unusable. */
function typeList(s: Json): TypeName[] | null {
  const t = s.type;
  if (isTypeName(t)) return [t];
  if (Array.isArray(t)) {
    const list = [...new Set(t.filter(isTypeName))];
    return list.length ? list : null;
  }
  return null;
}

/** JSON Schema allows omitting `type`; Gemini does not. Guess it from the keywords present. */
function inferType(s: Json): GeminiSchemaType | null {
  if (isObject(s.properties) || Array.isArray(s.required) || s.additionalProperties !== undefined || s.minProperties !== undefined) return 'object';
  if (s.items !== undefined || Array.isArray(s.prefixItems) || s.minItems !== undefined || s.maxItems !== undefined) return 'array';
  const values = enumValues(s)?.filter((v) => v !== null);
  if (values && values.length) {
    if (values.every((v) => typeof v === 'string')) return 'string';
    if (values.every((v) => typeof v === 'number')) return values.every((v) => Number.isInteger(v)) ? 'integer' : 'number';
    if (values.every((v) => typeof v === 'boolean')) return 'boolean';
    return null;
  }
  if (typeof s.pattern === 'string' || s.minLength !== undefined || s.maxLength !== undefined || typeof s.format === 'string') return 'string';
  if (s.minimum !== undefined || s.maximum !== undefined || s.exclusiveMinimum !== undefined || s.exclusiveMaximum !== undefined) return 'number';
  return null;
}

/** `enum`, or `const` as an enum of one. */
function enumValues(s: Json): unknown[] | null {
  if (Array.isArray(s.enum)) return s.enum;
  if (s.const !== undefined) return [s.const];
  return null;
}

function isNullSchema(b: unknown): boolean {
  if (!isObject(b)) return false;
  if (b.type === 'null') return true;
  if (b.const === null && b.type === undefined) return true;
  return Array.isArray(b.enum) && b.enum.length === 1 && b.enum[0] === null;
}

function matchesType(v: unknown, type: GeminiSchemaType): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
  }
}

/** Non-negative safe integers only (Gemini sends these as int64). */
function setCount(out: GeminiSchema, key: 'minLength' | 'maxLength' | 'minItems' | 'maxItems' | 'minProperties' | 'maxProperties', v: unknown): void {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) out[key] = v;
}

/**
 * minimum/maximum, with 2020-12 numeric exclusive bounds turned inclusive (exactly for
 * integers) and draft-4 boolean ones applied. Bounds at or beyond ±2^53-1 are dropped:
 * they mean "unbounded" (zod's int default) and are not safely representable.
 */
function bounds(out: GeminiSchema, s: Json, integer: boolean): void {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < Number.MAX_SAFE_INTEGER;
  let min = ok(s.minimum) ? s.minimum : undefined;
  let max = ok(s.maximum) ? s.maximum : undefined;
  const exMin = s.exclusiveMinimum;
  const exMax = s.exclusiveMaximum;
  if (ok(exMin)) {
    const v = integer ? Math.floor(exMin) + 1 : exMin;
    if (min === undefined || v > min) min = v;
  } else if (exMin === true && min !== undefined && integer) min = Math.floor(min) + 1;
  if (ok(exMax)) {
    const v = integer ? Math.ceil(exMax) - 1 : exMax;
    if (max === undefined || v < max) max = v;
  } else if (exMax === true && max !== undefined && integer) max = Math.ceil(max) - 1;
  if (min !== undefined) out.minimum = min;
  if (max !== undefined) out.maximum = max;
}
