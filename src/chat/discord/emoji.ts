// Discord sends reactions as unicode emoji; the policy names them Slack-style (SPEC §2), so the
// adapter translates before asking the service what a reaction means.
import { own } from '../../domain/own.js';
const NAMES: Record<string, string> = {
  '✅': 'white_check_mark',
  '☑️': 'ballot_box_with_check',
  '✔️': 'heavy_check_mark',
  '👀': 'eyes',
  '📌': 'pushpin',
  '📍': 'round_pushpin',
  '🚨': 'rotating_light',
  '👍': '+1',
  '🆗': 'ok',
  '🔥': 'fire',
  '🙏': 'pray',
};

/** Short name for a reaction: the known unicode names, a custom emoji's own name, else the raw emoji. */
export function emojiName(emoji: { id?: string | null; name?: string | null }): string {
  const raw = emoji.name ?? '';
  // Variation selectors make "✅" and "✅\uFE0F" the same reaction.
  const bare = raw.replace(/\uFE0F/g, '');
  return own(NAMES, raw) ?? own(NAMES, bare) ?? own(NAMES, `${bare}\uFE0F`) ?? raw;
}
