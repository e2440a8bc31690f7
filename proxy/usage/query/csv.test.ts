import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../test/usage-data.js';
import { csvCell, csvLine } from './csv.js';

describe('CSV cells', () => {
  it('writes numbers, nulls and booleans plainly', () => {
    expect(csvLine([1, -0.5, 1e-7, null, undefined, true, false, Number.NaN])).toBe('1,-0.5,1e-7,,,1,0,\r\n');
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r\nlf')).toBe('"cr\r\nlf"');
    expect(csvCell('/home/dev/plain')).toBe('/home/dev/plain');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(-3)).toBe('-3');
  });

  it('round-trips through a strict RFC 4180 parser', () => {
    const cells = ['plain', 'a,b', 'q"q', 'multi\r\nline', '', '=1+1', 'ü ✓ 日本'];
    const text = csvLine(cells) + csvLine([1, 2]);
    expect(parseCsv(text)).toEqual([['plain', 'a,b', 'q"q', 'multi\r\nline', '', "'=1+1", 'ü ✓ 日本'], ['1', '2']]);
  });
});
