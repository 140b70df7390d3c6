// Escaping for the server-rendered pages: every value from the database or the policy goes
// through one of these, so an incident title can never inject markup into the status page.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute content for HTML and XML (Atom) alike. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

// What XML 1.0 allows: tab, newline, carriage return and everything from space up, minus lone
// surrogates and U+FFFE/U+FFFF. Anything else makes the whole Atom feed unreadable.
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\ud800-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text or attribute content for XML: escaped, with every character XML 1.0 forbids dropped. */
export function xmlText(value: string | number): string {
  return esc(String(value).replace(NOT_XML, ''));
}
