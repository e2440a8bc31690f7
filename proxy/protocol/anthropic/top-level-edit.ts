// Edits a few top-level members of a JSON request body without re-serialising the
// rest: Claude Code's 50 KB body has its small members (model first; max_tokens,
// thinking, stream ... last) around the big ones (messages, system, tools), so the
// members to edit sit in a short head and a short tail, and the middle is copied as
// the client's bytes. That keeps the middle byte-exact (thinking signatures, unusual
// escapes) and costs two small serialisations and one copy instead of a full
// JSON.stringify.
//
// Why it is sound: the head (every member up to the last edited one in front) and the
// tail (every member from the first edited one behind) are re-serialised from the
// parsed body, compactly, and must be exactly the raw body's first and last bytes:
// `{` + head + `,` and `,` + tail + `}`. A complete JSON value's text fixes where it
// ends, and a `,` outside a string (a `"` follows it unescaped) that is followed by
// members balanced up to the final `}` is at the top level, so those bytes are the
// first and last members themselves and the bytes between them are the middle
// members. Anything else (pretty-printed JSON, other escapes, edits in the middle)
// returns null and the caller re-serialises.

export interface TopLevelEdits {
  /** Members written first, before the client's own (none of these may be in the body). */
  prepend?: Record<string, unknown>;
  /** Top-level members removed. */
  drop?: readonly string[];
  /** Top-level members given a new value (added in front when absent). */
  set?: Record<string, unknown>;
}

/** Past this the head and tail are not worth proving (a client that sends its big members last). */
const MAX_EDGES = 8192;

/** `raw` with the edits made, or null when they cannot be made without re-serialising. */
export function editTopLevel(raw: Buffer, body: Record<string, unknown>, byteStrings: boolean, edits: TopLevelEdits): Buffer | null {
  const drop = edits.drop ?? [];
  const set = edits.set ?? {};
  const front: Array<[string, unknown]> = Object.entries(edits.prepend ?? {});
  for (const [k] of front) if (Object.prototype.hasOwnProperty.call(body, k)) return null;
  const keys = Object.keys(body);
  const edited = (k: string) => drop.includes(k) || Object.prototype.hasOwnProperty.call(set, k);
  for (const [k, v] of Object.entries(set)) if (!Object.prototype.hasOwnProperty.call(body, k)) front.push([k, v]);

  let first = -1;
  let last = -1;
  for (let i = 0; i < keys.length; i++) {
    if (!edited(keys[i])) continue;
    if (first === -1) first = i;
    last = i;
  }
  const headKeys = keys.slice(0, first + 1);
  const tailKeys = last > first ? keys.slice(last) : [];
  const middleCount = keys.length - headKeys.length - tailKeys.length;
  if (middleCount <= 0) return null;

  const original = (ks: string[]) => ks.map((k) => member(k, body[k])).join(',');
  const headText = original(headKeys);
  const tailText = original(tailKeys);
  if (headText.length + tailText.length > MAX_EDGES) return null;
  const enc = byteStrings ? 'latin1' : 'utf8';
  const head = Buffer.from(headKeys.length ? `{${headText},` : '{', enc);
  const tail = Buffer.from(tailKeys.length ? `,${tailText}}` : '}', enc);
  if (head.length + tail.length >= raw.length) return null;
  if (raw.compare(head, 0, head.length, 0, head.length) !== 0) return null;
  if (raw.compare(tail, 0, tail.length, raw.length - tail.length, raw.length) !== 0) return null;

  const rewrite = (ks: string[]) => ks.filter((k) => !drop.includes(k)).map((k) => member(k, Object.prototype.hasOwnProperty.call(set, k) ? set[k] : body[k]));
  const before = [...front.map(([k, v]) => member(k, v)), ...rewrite(headKeys)];
  const after = rewrite(tailKeys);
  const prefix = Buffer.from(before.length ? `{${before.join(',')},` : '{', enc);
  const suffix = Buffer.from(after.length ? `,${after.join(',')}}` : '}', enc);
  return Buffer.concat([prefix, raw.subarray(head.length, raw.length - tail.length), suffix]);
}

function member(key: string, value: unknown): string {
  return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
}
