import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { MessagesRequest } from '../../protocol/anthropic/types.js';
import { assertGeminiSchema } from '../../test/gemini-schema-check.js';
import { toGeminiParameters, toGeminiSchema } from './tool-schema.js';

const claudeCode = (): MessagesRequest => JSON.parse(readFileSync(new URL('../../test/fixtures/claude-code-turn1.json', import.meta.url), 'utf8')) as MessagesRequest;
const params = (s: Record<string, unknown>) => toGeminiParameters(s);
const prop = (s: Record<string, unknown>) => toGeminiParameters({ type: 'object', properties: { p: s } })!.properties!.p;

describe('toGeminiParameters: every real Claude Code tool schema', () => {
  const tools = claudeCode().tools as Array<{ name: string; input_schema: Record<string, unknown>; defer_loading?: boolean }>;

  it.each(tools.filter((t) => !t.defer_loading).map((t) => [t.name, t.input_schema] as const))('%s sanitizes into a valid Gemini Schema', (_name, schema) => {
    const out = toGeminiParameters(schema);
    expect(out).toBeDefined();
    assertGeminiSchema(out);
    expect(out!.type).toBe('object');
    // Nothing the client declared is lost: same properties, same required list.
    expect(Object.keys(out!.properties!)).toEqual(Object.keys(schema.properties as object));
    expect(out!.required ?? []).toEqual((schema.required as string[] | undefined) ?? []);
  });

  it('the placeholder without properties becomes a function without parameters', () => {
    expect(toGeminiParameters({ type: 'object', properties: {} })).toBeUndefined();
    expect(toGeminiParameters(undefined)).toBeUndefined();
  });

  it('Read: exclusiveMinimum 0 on an integer → minimum 1; the 2^53-1 sentinels are dropped', () => {
    const read = tools.find((t) => t.name === 'Read')!;
    const out = toGeminiParameters(read.input_schema)!;
    expect(out.properties!.limit).toEqual({ type: 'integer', minimum: 1, description: expect.any(String) });
    expect(out.properties!.offset).toEqual({ type: 'integer', minimum: 0, description: expect.any(String) });
    const rf = toGeminiParameters(tools.find((t) => t.name === 'ReportFindings')!.input_schema)!;
    const line = rf.properties!.findings.items!.properties!.line;
    expect(line.minimum).toBeUndefined();
    expect(line.maximum).toBeUndefined();
  });

  it('Workflow: an untyped property ("any JSON value") becomes an anyOf over the JSON types', () => {
    const wf = toGeminiParameters(tools.find((t) => t.name === 'Workflow')!.input_schema)!;
    const args = wf.properties!.args;
    expect(args.anyOf!.map((b) => b.type)).toEqual(['string', 'number', 'boolean', 'object', 'array']);
    expect(args.description).toMatch(/^Optional input value/);
  });

  it('leaks none of the 2020-12 keywords', () => {
    const json = JSON.stringify(tools.map((t) => toGeminiParameters(t.input_schema)));
    for (const k of ['$schema', 'additionalProperties', 'exclusiveMinimum', '9007199254740991']) expect(json).not.toContain(k);
  });
});

describe('toGeminiParameters: JSON Schema features Gemini lacks', () => {
  it('type arrays: ["string","null"] → nullable; several real types → anyOf with the keywords that apply to each', () => {
    expect(prop({ type: ['string', 'null'], description: 'd' })).toEqual({ type: 'string', nullable: true, description: 'd' });
    const multi = prop({ type: ['string', 'integer', 'null'], maxLength: 3, minimum: 2, description: 'x' });
    assertGeminiSchema(multi);
    expect(multi).toEqual({ anyOf: [{ type: 'string', nullable: true, maxLength: 3 }, { type: 'integer', nullable: true, minimum: 2 }], description: 'x' });
    expect(prop({ type: 'null' })).toEqual({ type: 'string', nullable: true });
  });

  it('const → enum of one (strings), or words in the description (other types)', () => {
    expect(prop({ const: 'fixed' })).toEqual({ type: 'string', enum: ['fixed'] });
    expect(prop({ type: 'integer', const: 3, description: 'n' })).toEqual({ type: 'integer', description: 'n (Must be 3)' });
    expect(prop({ type: 'number', enum: [1, 2.5] })).toEqual({ type: 'number', description: 'Allowed values: 1, 2.5' });
    expect(prop({ enum: ['a', null] })).toEqual({ type: 'string', nullable: true, enum: ['a'] });
    expect(prop({ type: 'boolean', enum: [true] })).toEqual({ type: 'boolean', description: 'Must be true' });
  });

  it('$ref/$defs are inlined (siblings win), cycles end in a plain object, dangling refs too', () => {
    const schema = {
      type: 'object',
      $defs: {
        Node: { type: 'object', properties: { value: { type: 'string' }, next: { $ref: '#/$defs/Node' } }, required: ['value'] },
        Color: { type: 'string', enum: ['red', 'blue'] },
      },
      definitions: { Legacy: { type: 'integer' } },
      properties: {
        head: { $ref: '#/$defs/Node', description: 'first node' },
        color: { $ref: '#/$defs/Color' },
        legacy: { $ref: '#/definitions/Legacy' },
        missing: { $ref: '#/$defs/Nope', description: 'gone' },
        remote: { $ref: 'https://example.com/s.json' },
      },
    };
    const out = params(schema)!;
    assertGeminiSchema(out);
    const head = out.properties!.head;
    expect(head.description).toBe('first node');
    expect(head.properties!.value).toEqual({ type: 'string' });
    expect(head.properties!.next).toEqual({ type: 'object' }); // Node inside Node: the cycle is cut
    expect(out.properties!.color).toEqual({ type: 'string', enum: ['red', 'blue'] });
    expect(out.properties!.legacy).toEqual({ type: 'integer' });
    expect(out.properties!.missing).toEqual({ type: 'object', description: 'gone' });
    expect(out.properties!.remote).toEqual({ type: 'object' });
  });

  it('a self-referencing root (#) terminates', () => {
    const out = params({ type: 'object', properties: { child: { $ref: '#' }, name: { type: 'string' } } })!;
    assertGeminiSchema(out);
    expect(out.properties!.child.properties!.child).toEqual({ type: 'object' });
  });

  it('oneOf/anyOf → anyOf; a null branch → nullable; a single branch collapses', () => {
    expect(prop({ anyOf: [{ type: 'string' }, { type: 'null' }], description: 'opt' })).toEqual({ type: 'string', nullable: true, description: 'opt' });
    const u = prop({ oneOf: [{ type: 'string' }, { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false }, { type: 'null' }] });
    assertGeminiSchema(u);
    expect(u).toEqual({ anyOf: [{ type: 'string', nullable: true }, { type: 'object', nullable: true, properties: { a: { type: 'number' } } }] });
    // A union beside a type only narrows it: the base survives.
    expect(prop({ type: 'string', anyOf: [{ minLength: 1 }, { pattern: 'x' }] })).toEqual({ type: 'string' });
  });

  it('allOf merges properties and required', () => {
    const out = prop({ allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer' } }, required: ['b'] }] });
    expect(out).toEqual({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a', 'b'] });
  });

  it('formats Gemini rejects are dropped; integer/number formats kept', () => {
    expect(prop({ type: 'string', format: 'uri' })).toEqual({ type: 'string' });
    expect(prop({ type: 'string', format: 'date-time' })).toEqual({ type: 'string', format: 'date-time' });
    expect(prop({ type: 'integer', format: 'int64' })).toEqual({ type: 'integer', format: 'int64' });
    expect(prop({ type: 'integer', format: 'uint8' })).toEqual({ type: 'integer' });
  });

  it('numeric bounds: exclusive → inclusive, draft-4 booleans, huge values dropped', () => {
    expect(prop({ type: 'number', exclusiveMinimum: 0.5, exclusiveMaximum: 10 })).toEqual({ type: 'number', minimum: 0.5, maximum: 10 });
    expect(prop({ type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true })).toEqual({ type: 'integer', minimum: 1, maximum: 9 });
    expect(prop({ type: 'integer', minimum: -1e300, maximum: 18446744073709551615 })).toEqual({ type: 'integer' });
    expect(prop({ type: 'string', maxLength: -1, minLength: 1.5 })).toEqual({ type: 'string' });
  });

  it('keywords are kept only on the types they belong to; required names only declared properties', () => {
    expect(prop({ type: 'string', properties: { a: { type: 'string' } }, required: ['a'], items: { type: 'string' } })).toEqual({ type: 'string' });
    expect(prop({ type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost', 'a'] })).toEqual({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] });
    expect(prop({ type: 'object', properties: {}, required: ['x'] })).toEqual({ type: 'object' });
  });

  it('untyped nodes get their type from their keywords', () => {
    expect(prop({ properties: { a: { type: 'string' } } }).type).toBe('object');
    expect(prop({ items: { type: 'string' } }).type).toBe('array');
    expect(prop({ enum: [1, 2] }).type).toBe('integer');
    expect(prop({ pattern: '^a' })).toEqual({ type: 'string', pattern: '^a' });
    expect(prop({ minimum: 1 })).toEqual({ type: 'number', minimum: 1 });
  });

  it('arrays always get items: tuples become anyOf, missing items any value', () => {
    const tuple = prop({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], minItems: 2 });
    assertGeminiSchema(tuple);
    expect(tuple.items).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    assertGeminiSchema(prop({ type: 'array' }));
    assertGeminiSchema(prop({ type: 'array', items: true }));
  });

  it('drops every other keyword (allow-list, not deny-list)', () => {
    const out = prop({
      type: 'object',
      properties: { a: { type: 'string', examples: ['x'], deprecated: true, readOnly: true, contentMediaType: 'text/plain' } },
      additionalProperties: { type: 'string' },
      propertyNames: { pattern: '^[a-z]+$' },
      patternProperties: { '^x': { type: 'string' } },
      unevaluatedProperties: false,
      dependentRequired: { a: ['b'] },
      if: { properties: { a: { const: 'x' } } },
      then: { required: ['a'] },
      not: { type: 'null' },
      $id: 'urn:x',
      $comment: 'c',
      'x-custom': 1,
    });
    expect(out).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('a property named __proto__ stays a property', () => {
    const out = params(JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}') as Record<string, unknown>)!;
    expect(Object.keys(out.properties!)).toEqual(['__proto__']);
    expect(out.required).toEqual(['__proto__']);
    expect(JSON.stringify(out)).toBe('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}');
  });

  it('a root union of objects becomes one object', () => {
    const out = params({ anyOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'string' } } }] });
    expect(out).toEqual({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } });
  });

  it('depth is bounded', () => {
    let s: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) s = { type: 'object', properties: { n: s } };
    assertGeminiSchema(params(s));
  });

  it('toGeminiSchema (responseSchema) accepts any schema', () => {
    expect(toGeminiSchema({ type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false })).toEqual({
      type: 'object',
      properties: { title: { type: 'string' } },
      required: ['title'],
    });
    assertGeminiSchema(toGeminiSchema(null));
  });
});
