// Words the public reads for internal names: timeline kinds and incident statuses.

const KIND_LABELS: Record<string, string> = { declared: 'Declared', update: 'Update', severity: 'Severity changed', resolved: 'Resolved' };

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? 'Update';
}

export function statusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}
