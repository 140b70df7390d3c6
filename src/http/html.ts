// Escaping for the server-rendered pages: every value from the database or the policy goes
// through one of these, so an incident title can never inject markup into the status page.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute content for HTML and XML (Atom) alike. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
