// When one platform is lost for good (a token refused at runtime), the people watching the other
// platform's announcements channel hear it once, through the outbox like every message.
import type { ChatHost } from './host.js';
import { postRaw } from '../service/outbox-writer.js';
import type { Platform } from '../service/port.js';

export async function announceElsewhere(app: ChatHost, lost: Platform, text: string): Promise<void> {
  for (const [platform, conn] of app.connections) {
    if (platform === lost || conn.health?.().state === 'failed') continue;
    const channels = app.service.policy.channels[platform as 'slack' | 'discord'] as Record<string, string | undefined> | undefined;
    const channel = channels?.announcements;
    if (!channel) continue;
    try {
      await app.service.transact((ctx) => postRaw(ctx, platform, channel, { text, tone: 'warn' }));
    } catch (e) {
      app.log.error({ err: e, platform }, 'could not queue the lost-platform announcement');
    }
  }
}
