import type { ModelPrice, PriceRates } from './prices.js';

// OpenRouter's model list (GET /api/v1/models, no key needed) as prices:
// `pricing.{prompt, completion, input_cache_read, input_cache_write}` are decimal
// strings in USD per token. They become numbers per million tokens here.
//   "0"         free (the `:free` variants): a real price of zero
//   "-1"        OpenRouter's marker for a price it cannot state (openrouter/auto routes
//               to whatever model it picks): unknown, like anything negative or non-numeric
// A model whose prompt or completion price is unknown is left out (so it is unknown
// here, never free); an unusable cache price just leaves that rate out. Per-request,
// image, web-search and reasoning surcharges are not modelled (usage.cost includes them).

/** USD per token (a decimal string, or a number) → USD per million tokens; null when unusable. */
export function perMillion(v: unknown): number | null {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*[0-9.eE+-]+\s*$/.test(v)) n = Number(v);
  else return null;
  if (!Number.isFinite(n) || n < 0) return null;
  // Decimal strings times 1e6 pick up binary noise ("0.000003" → 2.9999999999999996):
  // round to 1e-6 USD per million tokens (1e-12 per token), far below any real price.
  return Math.round(n * 1e12) / 1e6;
}

interface OpenRouterPricing {
  prompt?: unknown;
  completion?: unknown;
  input_cache_read?: unknown;
  input_cache_write?: unknown;
}

/** The price-relevant part of one list entry, or null when prompt or completion is unusable. */
export function ratesFromPricing(pricing: unknown): PriceRates | null {
  if (!pricing || typeof pricing !== 'object') return null;
  const p = pricing as OpenRouterPricing;
  const inputPerM = perMillion(p.prompt);
  const outputPerM = perMillion(p.completion);
  if (inputPerM === null || outputPerM === null) return null;
  const rates: PriceRates = { inputPerM, outputPerM };
  const read = perMillion(p.input_cache_read);
  if (read !== null) rates.cacheReadPerM = read;
  // OpenRouter states one write price (Anthropic's 5-minute one); 1-hour writes fall back to it.
  const write = perMillion(p.input_cache_write);
  if (write !== null) rates.cacheWrite5mPerM = write;
  return rates;
}

/** Model id → rates, from a `{data: [...]}` model list; entries that do not check out are skipped. */
export function parseOpenRouterPrices(json: unknown): Map<string, PriceRates> {
  const out = new Map<string, PriceRates>();
  const list = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const { id, pricing } = item as { id?: unknown; pricing?: unknown };
    if (typeof id !== 'string' || !id) continue;
    const rates = ratesFromPricing(pricing);
    if (rates) out.set(id, rates);
  }
  return out;
}

/** The same rates as live prices: with their source and origin. */
export function livePrices(rates: ReadonlyMap<string, PriceRates>, source: string): Map<string, ModelPrice> {
  const out = new Map<string, ModelPrice>();
  for (const [id, r] of rates) out.set(id, { ...r, source, origin: 'live' });
  return out;
}

/** Rates read back from the persisted file: the same guard as the wire, for numbers. */
export function checkRates(v: unknown): PriceRates | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : null);
  const inputPerM = num(o.inputPerM);
  const outputPerM = num(o.outputPerM);
  if (inputPerM === null || outputPerM === null) return null;
  const rates: PriceRates = { inputPerM, outputPerM };
  const read = num(o.cacheReadPerM);
  if (read !== null) rates.cacheReadPerM = read;
  const write = num(o.cacheWrite5mPerM);
  if (write !== null) rates.cacheWrite5mPerM = write;
  return rates;
}
