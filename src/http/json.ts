// JSON conventions shared by /status.json, /healthz and /api/v1: times are ISO-8601 UTC.

export function iso(at: Date | null | undefined): string | null {
  return at ? at.toISOString() : null;
}
