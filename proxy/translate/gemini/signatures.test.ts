import { describe, expect, it } from 'vitest';
import { bindingTag, decodeCarrierState, decodeToolId, encodeCarrierState, encodeToolId } from './signatures.js';

const TAG = bindingTag('gemini', 'gemini-3-pro-preview');
const ANTHROPIC_ID = /^[a-zA-Z0-9_-]+$/;
// A realistic signature: standard base64 with + / and padding.
const SIG = Buffer.from(Array.from({ length: 301 }, (_, i) => (i * 37) % 256)).toString('base64');

describe('tool ids carrying Gemini call state', () => {
  it('a bare call gets a plain toolu_ id, reproducible from its seed and distinct per seed', () => {
    const a = encodeToolId({}, TAG, 'msg_1:0');
    expect(a).toMatch(/^toolu_[a-zA-Z0-9_-]{22}$/);
    expect(encodeToolId({}, TAG, 'msg_1:0')).toBe(a);
    expect(encodeToolId({}, TAG, 'msg_1:1')).not.toBe(a);
    expect(decodeToolId(a, TAG)).toBeNull();
  });

  it('a standard-base64 signature rides as base64url (no growth) and comes back byte-exact', () => {
    expect(SIG).toMatch(/[+/]/);
    const id = encodeToolId({ thoughtSignature: SIG }, TAG, 'msg_1:2');
    expect(id).toMatch(ANTHROPIC_ID);
    expect(id.length).toBeLessThan(SIG.length + 30);
    expect(decodeToolId(id, TAG)).toEqual({ thoughtSignature: SIG });
  });

  it('call ids and non-standard signatures use the JSON form', () => {
    for (const state of [{ callId: 'fc-1.2:x', thoughtSignature: SIG }, { callId: 'c' }, { thoughtSignature: 'not base64!' }, { thoughtSignature: 'QUJD' + 'RA' }]) {
      const id = encodeToolId(state, TAG, 's');
      expect(id).toMatch(ANTHROPIC_ID);
      expect(decodeToolId(id, TAG)).toEqual(state);
    }
  });

  it('is bound to provider and model: another binding, a plain id, or garbage restores nothing', () => {
    const id = encodeToolId({ thoughtSignature: SIG }, TAG, 's');
    expect(decodeToolId(id, bindingTag('gemini', 'gemini-2.5-flash'))).toBeNull();
    expect(decodeToolId(id, bindingTag('vertex-gemini', 'gemini-3-pro-preview'))).toBeNull();
    for (const other of ['toolu_01AbC', 'call_abc', '', null, 42, id.slice(0, 20), 'toolu_swg1' + TAG + '12345678x' + 'AAAA', 'toolu_swg1' + TAG + '12345678j' + '!!!!']) {
      expect(decodeToolId(other, TAG)).toBeNull();
    }
  });

  it('byte-string request bodies get byte-string values back', () => {
    const id = encodeToolId({ callId: 'é' }, TAG, 's');
    expect(decodeToolId(id, TAG, true)).toEqual({ callId: Buffer.from('é').toString('latin1') });
  });
});

describe('carrier state in thinking envelopes', () => {
  it('round-trips both kinds and rejects anything else', () => {
    expect(decodeCarrierState(encodeCarrierState('thought', SIG))).toEqual({ kind: 'thought', signature: SIG });
    expect(decodeCarrierState(encodeCarrierState('prev', 'x'))).toEqual({ kind: 'prev', signature: 'x' });
    for (const bad of [undefined, '', 'g1t:', 'g1x:abc', 'g2t:abc', 'reasoning_details']) expect(decodeCarrierState(bad)).toBeNull();
  });
});
