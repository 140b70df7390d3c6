// Connects the chat platforms the environment enables. Slack and Discord register themselves here.
import type { KlaxonApp } from '../app.js';
import { discordEnabled, slackEnabled, type Env } from '../config/env.js';
import { attachSlack } from './slack/index.js';

export async function attachPlatforms(app: KlaxonApp, env: Env): Promise<void> {
  if (slackEnabled(env)) await attachSlack(app, env);
  // Imported only when configured: discord.js costs half a second at start-up otherwise.
  if (discordEnabled(env)) await (await import('./discord/index.js')).attachDiscord(app, env);
}
