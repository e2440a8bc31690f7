import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderAll, STATES } from '../scripts/make-icons.mjs';
import { TRAY_STATES } from './logic/tray-state.js';

// The committed icons are what scripts/make-icons.mjs draws (run `npm run icons`
// after changing it), compared by pixels so a different zlib does not matter.

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function decode(png: Buffer): { width: number; height: number; colorType: number; pixels: Buffer } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let at = 8;
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  let colorType = -1;
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  return { width, height, colorType, pixels: inflateSync(Buffer.concat(idat)) };
}

describe('icons', () => {
  const files = renderAll();

  it('has a tray icon per state, 16 px and @2x, in colour and as macOS template images (black and alpha only)', () => {
    // The states the app shows are the ones drawn: main.ts would fall back to an empty icon for a missing one.
    expect([...STATES].sort()).toEqual([...TRAY_STATES].sort());
    for (const state of STATES) {
      for (const [suffix, size] of [['', 16], ['@2x', 32]] as const) {
        const colour = decode(readFileSync(join(ROOT, `assets/tray/tray-${state}${suffix}.png`)));
        expect([colour.width, colour.height, colour.colorType]).toEqual([size, size, 6]);
        const template = decode(readFileSync(join(ROOT, `assets/tray/tray-${state}Template${suffix}.png`)));
        expect([template.width, template.height]).toEqual([size, size]);
        const px = template.pixels;
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const i = y * (size * 4 + 1) + 1 + x * 4;
            expect(px[i] + px[i + 1] + px[i + 2]).toBe(0);
          }
        }
      }
    }
  });

  it('has app icons (1024/512/256 PNG, Linux sizes, .ico and .icns) matching the generator', () => {
    for (const [rel, bytes] of files) {
      const committed = readFileSync(join(ROOT, rel));
      if (rel.endsWith('.png')) expect(decode(committed).pixels.equals(decode(bytes).pixels), rel).toBe(true);
      else expect(committed.length, rel).toBe(bytes.length);
    }
    expect(decode(readFileSync(join(ROOT, 'assets/icon.png'))).width).toBe(1024);
    expect(decode(readFileSync(join(ROOT, 'assets/icon-256.png'))).width).toBe(256);
    const ico = readFileSync(join(ROOT, 'assets/icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 7]);
    const icns = readFileSync(join(ROOT, 'assets/icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
  });
});
