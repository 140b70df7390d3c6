// The timeline stores one text per event, written for responders ("Bob Baker (investigating →
// identified): rolling back"). The public should not see who is on call or how many pages were
// cancelled, so the status surface rewrites the known shapes (src/service/incidents.ts) into
// customer wording. Anything that does not match is shown as stored: nothing is ever lost.

export type Status = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type PublicText = { text: string; status?: Status };

const STATUS = '(investigating|identified|monitoring)';
const UPDATE = new RegExp(`^.+?(?: \\(${STATUS} → ${STATUS}\\))?: ([\\s\\S]*)$`);
const DECLARED = /^Declared (.+?) by .+?: ([\s\S]*)$/;
const RESOLVED = /^Resolved by .+? after .+?: ([\s\S]*?)(?: \(\d+ open page\(s\) cancelled\))?$/;
const SEVERITY = /^.+? changed severity (.+)$/;

export function publicText(kind: string, text: string): PublicText {
  let m: RegExpExecArray | null;
  if (kind === 'update' && (m = UPDATE.exec(text))) return { text: m[3], status: m[2] as Status | undefined };
  if (kind === 'declared' && (m = DECLARED.exec(text))) return { text: `Declared as ${m[1]}: ${m[2]}`, status: 'investigating' };
  if (kind === 'resolved' && (m = RESOLVED.exec(text))) return { text: m[1], status: 'resolved' };
  if (kind === 'severity' && (m = SEVERITY.exec(text))) return { text: `Severity changed: ${m[1]}` };
  return { text };
}
