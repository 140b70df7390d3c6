import type { Platform } from './port.js';

/** How each platform writes a mention of a user ID (console users are policy names). */
export function mentionOn(platform: Platform, userId: string): string {
  return platform === 'console' ? `@${userId}` : `<@${userId}>`;
}
