// Connects the chat platforms the environment enables. Slack and Discord register themselves here.
import type { KlaxonApp } from '../app.js';
import { discordEnabled, slackEnabled, type Env } from '../config/env.js';
import { attachDiscord } from './discord/index.js';
import { attachSlack } from './slack/index.js';

export async function attachPlatforms(app: KlaxonApp, env: Env): Promise<void> {
  if (slackEnabled(env)) await attachSlack(app, env);
  if (discordEnabled(env)) await attachDiscord(app, env);
}
