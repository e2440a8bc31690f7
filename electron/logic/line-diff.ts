// A small unified diff of two texts, for previewing a change to a settings file
// (a few hundred lines at most, so a plain LCS table is fine).

type Op = { op: ' ' | '-' | '+'; line: string };

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function ops(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: ' ', line: a[i++] });
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) out.push({ op: '-', line: a[i++] });
    else out.push({ op: '+', line: b[j++] });
  }
  return out;
}

/** `--- a` / `+++ b` and @@ hunks with `context` unchanged lines around each change; '' when equal. */
export function unifiedDiff(before: string, after: string, names: { a: string; b: string }, context = 3): string {
  const all = ops(lines(before), lines(after));
  const changed = all.flatMap((o, i) => (o.op === ' ' ? [] : [i]));
  if (!changed.length) return '';
  // 1-based line numbers in each file where each op stands.
  const aAt: number[] = [];
  const bAt: number[] = [];
  for (let i = 0, a = 1, b = 1; i < all.length; i++) {
    aAt.push(a);
    bAt.push(b);
    if (all[i].op !== '+') a++;
    if (all[i].op !== '-') b++;
  }
  const out = [`--- ${names.a}`, `+++ ${names.b}`];
  for (let c = 0; c < changed.length; ) {
    // Changes closer than 2 * context unchanged lines share a hunk.
    let last = c;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * context + 1) last++;
    const start = Math.max(0, changed[c] - context);
    const end = Math.min(all.length, changed[last] + context + 1);
    const hunk = all.slice(start, end);
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aLen ? aAt[start] : aAt[start] - 1},${aLen} +${bLen ? bAt[start] : bAt[start] - 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
    c = last + 1;
  }
  return out.join('\n') + '\n';
}
