// Types of scripts/make-icons.mjs (a plain Node script run by `npm run icons`), for electron/assets.test.ts.
export declare const STATES: readonly ['running-healthy', 'degraded', 'down', 'stopped'];
/** RGBA pixels (size * size * 4) to a PNG file. */
export declare function encodePng(size: number, rgba: Uint8Array): Buffer;
/** Every asset: path relative to the package root -> bytes. */
export declare function renderAll(): Map<string, Buffer>;
