// Draws Switchboard's tray and app icons (npm run icons) into assets/, with no
// image tools: shapes are rasterised here with 4x4 supersampling and written by a
// tiny PNG encoder (zlib), and the .ico / .icns files just wrap those PNGs.
// Deterministic: electron/assets.test.ts re-renders and compares with the files.
//
// The glyph is a patch panel: one jack on the left (Claude Code) patched by a cord
// to one of three jacks on the right (the providers).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ---- PNG ----------------------------------------------------------------------
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** RGBA pixels (Uint8Array, size*size*4) to a PNG file. */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// ---- shapes (unit square, y down) -----------------------------------------------
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r, w) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= r && d >= r - w;
};
function segment(x1, y1, x2, y2, w) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  return (x, y) => {
    const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
    return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) <= w / 2;
  };
}
function roundRect(x0, y0, x1, y1, r) {
  return (x, y) => {
    const qx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const qy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && qx * qx + qy * qy <= r * r;
  };
}

/** Layers [{ shape, color: [r,g,b,a] or (x,y) => [r,g,b,a] }] painted in order, 4x4 samples per pixel. */
export function render(size, layers) {
  const out = new Uint8Array(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0; // premultiplied accumulation over the samples
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const l of layers) {
            if (!l.shape(x, y)) continue;
            const [lr, lg, lb, la] = typeof l.color === 'function' ? l.color(x, y) : l.color;
            const al = la / 255;
            cr = lr * al + cr * (1 - al);
            cg = lg * al + cg * (1 - al);
            cb = lb * al + cb * (1 - al);
            ca = al + ca * (1 - al);
            if (l.erase) ca = cr = cg = cb = 0;
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = S * S;
      const i = (py * size + px) * 4;
      out[i + 3] = Math.round((a / n) * 255);
      // Un-premultiply so edges keep their colour.
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
    }
  }
  return out;
}

// ---- the glyph --------------------------------------------------------------------
/** Jack positions: three on the right for large icons, two for small ones (legible at 16 px). */
const LAYOUT = {
  3: { left: [0.24, 0.5], right: [[0.76, 0.22], [0.76, 0.5], [0.76, 0.78]], r: 0.13, w: 0.1 },
  2: { left: [0.2, 0.5], right: [[0.8, 0.22], [0.8, 0.78]], r: 0.17, w: 0.14 },
};

/**
 * The patch-panel glyph in `color`, inside the box [o, 1-o]. `cord`: 'solid', 'faint'
 * (degraded), 'unplugged' (down: the cord hangs loose, no jack patched) or 'none' (stopped).
 */
function glyph(color, { cord = 'solid', o = 0, jacks = 3 } = {}) {
  const L = LAYOUT[jacks];
  const k = 1 - 2 * o;
  const P = ([x, y]) => [o + x * k, o + y * k];
  const jr = L.r * k;
  const w = L.w * k;
  const [lx, ly] = P(L.left);
  const [tx, ty] = P(L.right[0]);
  const layers = [{ shape: circle(lx, ly, jr), color }];
  for (const [i, j] of L.right.entries()) {
    const [x, y] = P(j);
    // The patched jack is filled, the free ones are rings.
    layers.push({ shape: i === 0 && (cord === 'solid' || cord === 'faint') ? circle(x, y, jr) : ring(x, y, jr, jr * 0.45), color });
  }
  if (cord === 'solid') layers.push({ shape: segment(lx, ly, tx, ty, w), color });
  if (cord === 'faint') layers.push({ shape: segment(lx, ly, tx, ty, w), color: [color[0], color[1], color[2], Math.round(color[3] * 0.4)] });
  if (cord === 'unplugged') {
    const [ex, ey] = P([0.5, 0.94]);
    layers.push({ shape: segment(lx, ly, ex, ey, w), color });
  }
  return layers;
}

export const STATES = ['running-healthy', 'degraded', 'down', 'stopped'];
const CORD = { 'running-healthy': 'solid', degraded: 'faint', down: 'unplugged', stopped: 'none' };
const STATE_COLOR = { 'running-healthy': [22, 163, 74, 255], degraded: [217, 119, 6, 255], down: [220, 38, 38, 255], stopped: [107, 114, 128, 255] };
const WHITE = [255, 255, 255, 255];
const BLACK = [0, 0, 0, 255];

/** Windows and Linux trays: a disc in the state's colour with the glyph in white (readable on light and dark panels). */
function trayColour(state, size) {
  return render(size, [{ shape: circle(0.5, 0.5, 0.5), color: STATE_COLOR[state] }, ...glyph(WHITE, { cord: CORD[state], o: 0.15, jacks: 2 })]);
}

/** macOS template images: black and alpha only (the menu bar tints them); the state is in the cord, stopped is dimmed. */
function trayTemplate(state, size) {
  const colour = state === 'stopped' ? [0, 0, 0, 110] : BLACK;
  return render(size, glyph(colour, { cord: CORD[state], o: 0.02, jacks: 2 }));
}

/** The app icon: the glyph in white on an indigo rounded square, the patched jack lit green. */
function appIcon(size) {
  const top = [99, 102, 241];
  const bottom = [49, 46, 129];
  const grad = (_x, y) => [...top.map((c, i) => Math.round(c + (bottom[i] - c) * y)), 255];
  const jacks = size >= 48 ? 3 : 2;
  const o = 0.2;
  const [jx, jy] = LAYOUT[jacks].right[0];
  const lit = { shape: circle(o + jx * (1 - 2 * o), o + jy * (1 - 2 * o), LAYOUT[jacks].r * (1 - 2 * o) * 0.5), color: [74, 222, 128, 255] };
  return render(size, [{ shape: roundRect(0.06, 0.06, 0.94, 0.94, 0.2), color: grad }, ...glyph(WHITE, { o, jacks }), ...(size >= 32 ? [lit] : [])]);
}

// ---- containers -------------------------------------------------------------------
/** Windows .ico holding PNG images (Vista and later). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((im) => im.png)]);
}

/** macOS .icns with PNG entries. */
function icns(entries) {
  const parts = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** Every asset, path (relative to the package root) -> bytes. */
export function renderAll() {
  const files = new Map();
  for (const state of STATES) {
    files.set(`assets/tray/tray-${state}.png`, encodePng(16, trayColour(state, 16)));
    files.set(`assets/tray/tray-${state}@2x.png`, encodePng(32, trayColour(state, 32)));
    files.set(`assets/tray/tray-${state}Template.png`, encodePng(16, trayTemplate(state, 16)));
    files.set(`assets/tray/tray-${state}Template@2x.png`, encodePng(32, trayTemplate(state, 32)));
  }
  const app = new Map([16, 24, 32, 48, 64, 128, 256, 512, 1024].map((s) => [s, encodePng(s, appIcon(s))]));
  files.set('assets/icon.png', app.get(1024));
  files.set('assets/icon-512.png', app.get(512));
  files.set('assets/icon-256.png', app.get(256));
  for (const s of [16, 32, 48, 64, 128, 256, 512]) files.set(`assets/icons/${s}x${s}.png`, app.get(s));
  files.set('assets/icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: app.get(size) }))));
  files.set('assets/icon.icns', icns([['ic07', app.get(128)], ['ic08', app.get(256)], ['ic09', app.get(512)], ['ic10', app.get(1024)], ['ic11', app.get(32)], ['ic12', app.get(64)], ['ic13', app.get(256)], ['ic14', app.get(512)]]));
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [rel, bytes] of renderAll()) {
    const path = join(ROOT, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  console.log('icons written to assets/');
}
