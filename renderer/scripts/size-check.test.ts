import { describe, expect, it } from 'vitest';
import { initialChunks } from './size-check.mjs';

describe('size check: what counts as initial JavaScript', () => {
  it('the entry and its static imports, transitively; not dynamic imports (lazy pages)', () => {
    const manifest = {
      'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_vendor.js'], dynamicImports: ['src/pages/Costs.tsx'] },
      '_vendor.js': { file: 'assets/vendor.js', imports: ['_shared.js'] },
      '_shared.js': { file: 'assets/shared.js' },
      'src/pages/Costs.tsx': { file: 'assets/Costs.js', imports: ['_shared.js', '_recharts.js'] },
      '_recharts.js': { file: 'assets/recharts.js' },
    };
    expect(initialChunks(manifest).map((c) => c.file).sort()).toEqual(['assets/index.js', 'assets/shared.js', 'assets/vendor.js']);
  });
});
