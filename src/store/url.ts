// PostgreSQL URLs, without loading the driver (the CLI and SQLite start-up use these).
/** True for postgres:// and postgresql:// URLs: what selects the PostgreSQL store. */
export function isPostgresUrl(s: string | undefined): s is string {
  return s !== undefined && /^postgres(ql)?:\/\//i.test(s.trim());
}

/** A postgres URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
