// Which database failures pass on their own. A write lock held by another process, a slow or full
// disk: the same step will work if tried again later, so nothing may be set aside or given up
// because of them. Everything else (a constraint, a missing row, a bug) fails the same way each time.

const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL|CANTOPEN|NOLFS|INTERRUPT)/;
const TRANSIENT_NODE = new Set(['EIO', 'ENOSPC', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE']);

export function isTransientDbError(e: unknown): boolean {
  const code = driverError(e)?.code;
  if (typeof code !== 'string') return LOST_CONNECTION.test(messages(e));
  return TRANSIENT_SQLITE.test(code) || TRANSIENT_NODE.has(code) || TRANSIENT_PG.test(code) || TRANSIENT_NET.has(code);
}

// PostgreSQL (SQLSTATE): serialization and deadlock failures, a lock or statement timeout, the
// server shutting down or out of resources, a connection lost or refused.
const TRANSIENT_PG = /^(40001|40P01|55P03|57014|57P0[1-3]|53\d\d\d|08\d\d\d)$/;
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

// node-postgres's own errors for a connection that went away carry no code.
const LOST_CONNECTION = /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed/i;

function messages(e: unknown): string {
  const out: string[] = [];
  let cur = e as { message?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++, cur = cur.cause as typeof cur) out.push(String(cur.message ?? ''));
  return out.join('\n');
}

/** The driver's own error: drizzle wraps PostgreSQL's in DrizzleQueryError (`cause`). */
function driverError(e: unknown): { code?: unknown; message?: unknown; constraint?: unknown } | undefined {
  let cur = e as { code?: unknown; cause?: unknown } | undefined;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    if (typeof cur.code === 'string') return cur;
    cur = cur.cause as typeof cur;
  }
  return undefined;
}

/** A UNIQUE failure on `column` (SQLite reports `table.column`) or `index` (PostgreSQL names the index). */
export function isUniqueViolation(e: unknown, on: { column: string; index: string }): boolean {
  const d = driverError(e);
  if (d?.code === 'SQLITE_CONSTRAINT_UNIQUE') return String(d.message).includes(on.column);
  return d?.code === '23505' && d.constraint === on.index;
}
