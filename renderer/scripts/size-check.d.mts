export interface ChunkSize {
  file: string;
  gzip: number;
}
export interface SizeReport {
  initial: ChunkSize[];
  lazy: ChunkSize[];
  css: ChunkSize[];
  total: number;
  budget: number;
}
export const BUDGET_BYTES: number;
export function initialChunks(manifest: Record<string, { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] }>): Array<{ file: string }>;
export function measure(distDir: string): SizeReport;
