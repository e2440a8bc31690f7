// Child process for durability.test.ts: records rows as fast as the event loop
// allows and reports every acknowledged batch to the parent over IPC, until the
// parent kills it with SIGKILL. Plain JS: it imports the ledger compiled by the test.
// argv: <ledger module URL> <db path> <round> <window ms> <batch size> <rows per second, 0: as fast as it goes>
//       [<rows>: record that many, announce 'flushing', write them in one flush() and idle]
const [moduleUrl, dbPath, roundArg, windowArg, batchArg, rateArg, oneBatchArg] = process.argv.slice(2);
const round = Number(roundArg);
const rate = Number(rateArg);
const { UsageLedger } = await import(moduleUrl);

const ledger = UsageLedger.open(dbPath, { flushIntervalMs: Number(windowArg), batchSize: Number(batchArg), maxPending: 1e8 });
let seq = 0;
let acked = 0;
// Sent only after the batch's transaction committed: an ack the parent sees is a promise.
ledger.onFlush(({ batchId, rows }) => {
  acked += rows;
  process.send({ type: 'ack', batchId, rows, lastSeq: acked });
});
ledger.onError((err) => process.send({ type: 'error', message: err.message }));

const started = performance.now();
function burst() {
  // Unthrottled, 50 rows a turn; throttled, catch up with the target rate each turn.
  const n = rate > 0 ? Math.floor(((performance.now() - started) * rate) / 1000) - seq : 50;
  for (let i = 0; i < n; i++) record();
  setImmediate(burst);
}
function record() {
  seq++;
  ledger.record({ ts: Date.now(), requestId: String(seq), sessionId: `round-${round}`, port: round, requestedModel: 'claude-sonnet-4-5', attempts: 1, status: 200, stream: true, inputTokens: seq, costUsd: null });
}

process.send({ type: 'ready' });
if (oneBatchArg) {
  // A small page cache makes the transaction spill uncommitted frames into the
  // WAL early, so the kill leaves a torn WAL tail for recovery to discard.
  ledger.db.pragma('cache_size = -256');
  for (let i = 0; i < Number(oneBatchArg); i++) record();
  // The parent kills on this message, so the kill lands while the transaction is running.
  process.send({ type: 'flushing' }, () => {
    ledger.flush();
    setInterval(() => {}, 1000);
  });
} else {
  burst();
}
