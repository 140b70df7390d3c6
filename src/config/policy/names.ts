// Severity names as people type them: case and spacing do not matter, aliases count.

export const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');

export function findIn<T extends { id: string; aliases: string[] }>(severities: readonly T[], idOrAlias: string): T | undefined {
  // The usual caller passes a stored id (an incident's severity): no normalising needed. Ids and
  // aliases are unique across severities, so an exact id is the same answer the search would give.
  const exact = severities.find((s) => s.id === idOrAlias);
  if (exact) return exact;
  const key = norm(idOrAlias);
  if (!key) return undefined;
  return severities.find((s) => norm(s.id) === key || s.aliases.some((a) => norm(a) === key));
}
