// The usage ledger's public surface.
export { UsageLedger } from './ledger.js';
export type { FlushInfo, FlushResult, LedgerOptions } from './types.js';
export { defaultLedgerPath } from './location.js';
export { fromDbRow, type UsageRow } from './row.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './schema.js';
