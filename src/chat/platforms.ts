// Connects the chat platforms the environment enables. Slack and Discord register themselves here.
import type { KlaxonApp } from '../app.js';
import type { Env } from '../config/env.js';

export async function attachPlatforms(app: KlaxonApp, env: Env): Promise<void> {
  void app;
  void env;
}
