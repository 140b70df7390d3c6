// Incident labels: `key=value` facts about what kind of incident it is (`kind=security`,
// `team=payments`), from the alert that opened it or from `declare … --label`. `notify` entries
// can be limited to incidents with given labels (runbook 000: "security/privacy incidents notify
// the Security Liaison", not every Sev 1). Pure: no I/O.

export type Labels = Record<string, string>;

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;
const MAX_VALUE = 200;
export const MAX_LABELS = 30;

/** "kind=security" → ["kind", "security"]; a bare word is the incident's kind ("security" → kind=security). */
export function parseLabel(word: string): [string, string] | string {
  const eq = word.indexOf('=');
  const [key, value] = eq === -1 ? ['kind', word] : [word.slice(0, eq), word.slice(eq + 1)];
  if (!KEY.test(key)) return `"${key}" is not a label name (letters, digits, _ . -; e.g. kind=security)`;
  if (!value) return `label ${key} needs a value (e.g. ${key}=security)`;
  if (value.length > MAX_VALUE) return `label ${key}'s value is longer than ${MAX_VALUE} characters`;
  return [key, value];
}

/**
 * Takes every `--label key=value` out of a declaration's text. Returns the rest (the title) and the
 * labels, or what is wrong with one of them.
 */
export function takeLabels(text: string): { rest: string; labels: Labels } | { error: string } {
  const labels: Labels = {};
  // A title without labels is kept exactly as typed.
  if (!/(^|\s)--label(\s|$)/.test(text)) return { rest: text, labels };
  let error: string | undefined;
  const rest = text
    .replace(/(^|\s)--label(?:\s+(\S+)|(?=\s*$))/g, (_m, lead: string, word: string | undefined) => {
      if (error) return lead;
      if (!word) error = '--label needs key=value after it (e.g. --label kind=security)';
      else {
        const l = parseLabel(word);
        if (typeof l === 'string') error = l;
        else labels[l[0]] = l[1];
      }
      return lead;
    })
    .replace(/\s+/g, ' ')
    .trim();
  if (error) return { error };
  if (Object.keys(labels).length > MAX_LABELS) return { error: `at most ${MAX_LABELS} labels` };
  return { rest, labels };
}

/** "kind=security, team=payments" (Discord's option) → labels, or what is wrong. */
export function labelsFromList(text: string): Labels | string {
  const labels: Labels = {};
  for (const word of text.split(/[,\s]+/).filter(Boolean)) {
    const l = parseLabel(word);
    if (typeof l === 'string') return l;
    labels[l[0]] = l[1];
  }
  return Object.keys(labels).length > MAX_LABELS ? `at most ${MAX_LABELS} labels` : labels;
}

/**
 * An alert's labels as incident labels: only well-formed names, values cut to size, at most
 * MAX_LABELS (an alert must never be refused for its labels).
 */
export function labelsFromAlert(source: Labels): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(source)) {
    if (Object.keys(out).length >= MAX_LABELS) break;
    if (KEY.test(k) && typeof v === 'string' && v) out[k] = v.slice(0, MAX_VALUE);
  }
  return out;
}

/**
 * A notify filter matches when the incident has every named label with one of the listed values
 * (case-insensitive, as people type "Security" and alerts say "security").
 */
export function labelsMatch(labels: Labels | null | undefined, filter: Record<string, string | readonly string[]>): boolean {
  return Object.entries(filter).every(([k, want]) => {
    const have = labels && Object.hasOwn(labels, k) ? labels[k].toLowerCase() : undefined;
    return have !== undefined && (typeof want === 'string' ? [want] : want).some((w) => w.toLowerCase() === have);
  });
}

export function formatLabels(labels: Labels | null | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
