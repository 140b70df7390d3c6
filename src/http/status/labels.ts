// Words the public reads for internal names: timeline kinds and incident statuses.
import type { PublicUpdate } from './model.js';

export function statusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

/** What an update is headed with: the status it reported, as status pages do ("Identified"). */
export function updateLabel(u: Pick<PublicUpdate, 'kind' | 'status'>): string {
  if (u.kind === 'severity') return 'Update';
  return statusLabel(u.status);
}
