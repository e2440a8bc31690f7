// The usage API's queries over the ledger (SQL and shapes; the routes are in server/admin/usage.ts).
export { breakdown, type BreakdownResult, type BreakdownRow } from './breakdown.js';
export { csvCell, csvLine } from './csv.js';
export { GROUP_BYS, type Filters, type GroupBy } from './dims.js';
export { CSV_HEADER, exportUsage, type ExportPlan } from './export.js';
export { emptyTotals, type UsageTotals } from './metrics.js';
export * from './params.js';
export { listRequests, requestDetail, type RequestDetail, type RequestRow, type RequestsResult } from './requests.js';
export { series, type SeriesBucket, type SeriesGroup, type SeriesResult } from './series.js';
export { latency, rangeOut, summary, totals, type LatencyPercentiles, type RangeOut, type SummaryResult } from './summary.js';
export { BUCKETS, bucketEdges, localZone, parseZone, startOfToday, type Bucket, type Zone } from './zone.js';
