// Start-up problems a person fixes in the environment: each becomes one line naming the variable
// (`PORT: 3000 is already in use on 127.0.0.1`) and exit status 1, never a stack trace, because
// the reader is setting Klaxon up, not debugging it. LOG_LEVEL=debug adds the stack.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Db, openDb } from './db.js';

/** A start-up problem with the environment; the message starts with the variable's name. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

const code = (e: unknown): string => String((e as { code?: unknown })?.code ?? '');
const said = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** openDb for a command: a file that cannot be used is a KLAXON_DB line, not a stack trace. */
export function openDbAt(path: string): Db {
  try {
    return openDb(path);
  } catch (e) {
    // Errors that already say what to do (another application's file, a lock holder) pass as they are.
    if (namesVariable(e) || !/^(SQLITE_|E[A-Z]+$)/.test(code(e))) throw e;
    throw databaseError(e, path);
  }
}

/** Why the SQLite file at KLAXON_DB could not be opened, as one line. */
export function databaseError(e: unknown, path: string): StartupError {
  const c = code(e);
  const m = said(e);
  let why: string;
  if (c === 'SQLITE_NOTADB' || /not a database/i.test(m)) why = `${path} is not a SQLite database (is it the right file?)`;
  else if (c === 'SQLITE_READONLY' || c.startsWith('SQLITE_READONLY') || c === 'EACCES' || c === 'EROFS' || /readonly|read-only/i.test(m))
    why = `${path} cannot be written (read-only file, folder or file system); Klaxon needs to write its database`;
  else if (c === 'SQLITE_CANTOPEN' || c === 'EISDIR' || c === 'ENOTDIR' || /unable to open/i.test(m)) why = unopenable(path);
  else if (c === 'SQLITE_CORRUPT') why = `${path} is damaged (SQLite reports corruption); restore it from a backup`;
  else why = `cannot use ${path}: ${m}`;
  return new StartupError(`KLAXON_DB: ${why}`, { cause: e });
}

/** SQLite says only "unable to open": look at the path to say which of the usual causes it is. */
function unopenable(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return `${path} is a folder; give a file path such as ${path.replace(/\/+$/, '')}/klaxon.db`;
  // The file and its folder must both be writable: SQLite keeps its -wal and -shm files beside it.
  for (const p of stat ? [path, dirname(path)] : [dirname(path)]) {
    try {
      accessSync(p, constants.W_OK);
    } catch {
      return `${p} is read-only; Klaxon needs to write its database (and the -wal file beside it)`;
    }
  }
  return `cannot open or create ${path}`;
}

/** Why the HTTP listener could not start, naming PORT or HOST. */
export function listenError(e: unknown, host: string, port: number): StartupError | undefined {
  switch (code(e)) {
    case 'EADDRINUSE':
      return new StartupError(`PORT: ${port} is already in use on ${host} (another Klaxon or program is listening); choose another PORT`, { cause: e });
    case 'EACCES':
      return new StartupError(`PORT: not allowed to listen on ${port} (ports below 1024 need privileges); choose another PORT`, { cause: e });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new StartupError(`HOST: cannot resolve "${host}"; use an address such as 127.0.0.1 or 0.0.0.0, or a resolvable name`, { cause: e });
    case 'EADDRNOTAVAIL':
      return new StartupError(`HOST: ${host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its addresses`, { cause: e });
    default:
      return undefined;
  }
}

/** A start-up error that names its variable ("SLACK_BOT_TOKEN: Slack rejected the token"), however it was thrown. */
export function namesVariable(e: unknown): boolean {
  return e instanceof StartupError || (e instanceof Error && /^[A-Z][A-Z0-9_]*[A-Z0-9]: \S/.test(e.message));
}
