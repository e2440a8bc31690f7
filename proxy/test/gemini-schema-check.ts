// Test utility: a strict check of Gemini's Schema subset, used on every sanitized tool schema.

/** Every key Gemini's Schema accepts (reference §2.3, SDK Schema model), minus $ref/$defs (we inline) and additionalProperties (AI Studio rejects it). */
const ALLOWED = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'example', 'default', 'items', 'properties', 'required',
  'propertyOrdering', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minProperties',
  'maxProperties', 'anyOf',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
const FORMATS: Record<string, Set<string>> = {
  string: new Set(['enum', 'date-time']),
  integer: new Set(['int32', 'int64']),
  number: new Set(['float', 'double']),
};

/** Throws with a path on anything Gemini would reject. */
export function assertGeminiSchema(s: unknown, path = '$'): void {
  const fail = (why: string): never => {
    throw new Error(`${path}: ${why} in ${JSON.stringify(s).slice(0, 300)}`);
  };
  if (!s || typeof s !== 'object' || Array.isArray(s)) fail('not an object');
  const o = s as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!ALLOWED.has(k)) fail(`unknown key ${k}`);
  if (o.anyOf !== undefined) {
    if (!Array.isArray(o.anyOf) || o.anyOf.length < 2) fail('anyOf needs at least two branches');
    (o.anyOf as unknown[]).forEach((b, i) => assertGeminiSchema(b, `${path}.anyOf[${i}]`));
    if (o.type !== undefined || o.properties !== undefined || o.items !== undefined) fail('anyOf beside type keywords');
    return;
  }
  if (typeof o.type !== 'string' || !TYPES.has(o.type)) fail(`missing or bad type ${JSON.stringify(o.type)}`);
  const type = o.type as string;
  if (o.nullable !== undefined && o.nullable !== true) fail('nullable must be true when present');
  if (o.description !== undefined && (typeof o.description !== 'string' || !o.description)) fail('bad description');
  if (o.format !== undefined && !FORMATS[type]?.has(o.format as string)) fail(`format ${String(o.format)} on ${type}`);
  if (o.enum !== undefined && (type !== 'string' || !Array.isArray(o.enum) || !o.enum.length || o.enum.some((v) => typeof v !== 'string'))) fail('enum must be non-empty strings on a string');
  for (const k of ['minimum', 'maximum']) {
    if (o[k] === undefined) continue;
    if (type !== 'number' && type !== 'integer') fail(`${k} on ${type}`);
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || Math.abs(o[k] as number) >= Number.MAX_SAFE_INTEGER) fail(`${k} out of range`);
  }
  for (const k of ['minLength', 'maxLength', 'pattern']) if (o[k] !== undefined && type !== 'string') fail(`${k} on ${type}`);
  for (const k of ['minItems', 'maxItems']) if (o[k] !== undefined && type !== 'array') fail(`${k} on ${type}`);
  for (const k of ['minProperties', 'maxProperties', 'required', 'properties']) if (o[k] !== undefined && type !== 'object') fail(`${k} on ${type}`);
  if (type === 'array') {
    if (o.items === undefined) fail('array without items');
    assertGeminiSchema(o.items, `${path}.items`);
  } else if (o.items !== undefined) fail(`items on ${type}`);
  if (o.properties !== undefined) {
    const props = o.properties as Record<string, unknown>;
    if (!props || typeof props !== 'object' || Object.keys(props).length === 0) fail('empty properties');
    for (const [k, v] of Object.entries(props)) assertGeminiSchema(v, `${path}.properties.${k}`);
  }
  if (o.required !== undefined) {
    const req = o.required;
    if (!Array.isArray(req) || req.length === 0) fail('empty required');
    const props = (o.properties ?? {}) as Record<string, unknown>;
    for (const r of req as unknown[]) if (typeof r !== 'string' || !(r in props)) fail(`required names undeclared property ${String(r)}`);
  }
}
