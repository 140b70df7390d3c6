// Severity colours by rank (0 = most severe), shared by the bars, the badges and the banner.
const BY_RANK = ['#d92d20', '#e8590c', '#d4a106', '#7a5af8', '#667085'];

export const OK_COLOUR = '#12a150';

export function severityColour(rank: number): string {
  return BY_RANK[Math.min(Math.max(rank, 0), BY_RANK.length - 1)];
}
