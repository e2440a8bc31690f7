import type { UsageLedger } from '../usage/ledger/index.js';

// Spend already in the usage ledger, so a restarted gateway keeps counting
// its current hour and day instead of starting at zero. The ledger stores when
// each request arrived (ts), so a request that straddled the start of a window
// counts in the window it arrived in here, while live counting uses the moment
// it finished; the difference is one request at most per window edge.

export function ledgerSpendSince(ledger: UsageLedger): (from: number) => { spentUsd: number; unpriced: number } {
  try {
    // Rows still queued in memory belong in the sum.
    ledger.flush();
  } catch {
    // A refused write leaves them queued; the committed rows still count.
  }
  const query = ledger.db.prepare(
    'SELECT COALESCE(SUM(cost_usd), 0) AS spent, COALESCE(SUM(CASE WHEN cost_usd IS NULL AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL) THEN 1 ELSE 0 END), 0) AS unpriced FROM requests WHERE ts >= ?',
  );
  return (from) => {
    const r = query.get(from) as { spent: number; unpriced: number } | undefined;
    return { spentUsd: r?.spent ?? 0, unpriced: r?.unpriced ?? 0 };
  };
}
