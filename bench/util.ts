// Small helpers shared by the benches.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** A fresh SQLite file in a temporary folder: benches measure a real WAL file, not `:memory:`. */
export function benchDbPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), `klaxon-bench-${name}-`)), 'klaxon.db');
}
