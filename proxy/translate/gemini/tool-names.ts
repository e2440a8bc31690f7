// Gemini function names must start with a letter or underscore, use only
// [a-zA-Z0-9_.:-] and be at most 128 characters (older Vertex docs say 64:
// we keep 64, which every Gemini surface accepts). Claude Code and MCP names
// (`Bash`, `mcp__server__tool`) already qualify; anything else is rewritten
// deterministically and mapped back on the response side.

const VALID = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
const MAX = 64;

export function geminiFunctionName(name: string): string {
  if (VALID.test(name)) return name;
  let out = name.replace(/[^a-zA-Z0-9_.:-]/g, '_');
  if (!/^[a-zA-Z_]/.test(out)) out = '_' + out;
  if (out.length > MAX) out = out.slice(0, MAX - 9) + '_' + hash8(name);
  return out;
}

/** A short stable hash (FNV-1a, base36) keeping truncated names distinct. */
function hash8(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(8, '0').slice(-8);
}
