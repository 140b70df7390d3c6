/** `inc-12-checkout-is-down`: lowercase, ASCII, at most 80 characters (Slack's channel-name limit). */
export function incidentChannelName(number: number, title: string, maxLength = 80): string {
  const prefix = `inc-${number}`;
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!slug) return prefix;
  return `${prefix}-${slug}`.slice(0, maxLength).replace(/-+$/, '');
}
