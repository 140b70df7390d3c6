// Which database failures pass on their own. A write lock held by another process, a slow or full
// disk: the same step will work if tried again later, so nothing may be set aside or given up
// because of them. Everything else (a constraint, a missing row, a bug) fails the same way each time.

const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL|CANTOPEN|NOLFS|INTERRUPT)/;
const TRANSIENT_NODE = new Set(['EIO', 'ENOSPC', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE']);

export function isTransientDbError(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return false;
  return TRANSIENT_SQLITE.test(code) || TRANSIENT_NODE.has(code);
}
