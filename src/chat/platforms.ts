// Connects the chat platforms the environment enables. Slack and Discord register themselves here.
import type { ChatHost } from './host.js';
import { discordEnabled, slackEnabled, type Env } from '../config/env.js';

export async function attachPlatforms(app: ChatHost, env: Env): Promise<void> {
  // Each imported only when configured: Bolt and discord.js slow the console's start-up otherwise.
  if (slackEnabled(env)) await (await import('./slack/index.js')).attachSlack(app, env);
  if (discordEnabled(env)) await (await import('./discord/index.js')).attachDiscord(app, env);
}
