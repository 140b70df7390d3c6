// SQLite binds at most 32,766 parameters per statement, and a long `IN (?, ?, …)` is slow to
// build and plan anyway: lists of ids are queried a bounded slice at a time.
export const CHUNK = 500;

/** Runs `query` on slices of `ids` and concatenates the rows. */
export async function inChunks<T>(ids: readonly number[], query: (slice: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}
