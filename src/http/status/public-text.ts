// The status surface shows each public timeline event in the customer wording the service
// stored beside the responders' text (no names of who is on call, no page counts).

export type Status = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type PublicText = { text: string; status?: Status };

export function publicText(e: { text: string; publicText: string | null; status: string | null }): PublicText {
  return { text: e.publicText ?? e.text, status: (e.status ?? undefined) as Status | undefined };
}
