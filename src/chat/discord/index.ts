// Discord for Klaxon: a discord.js gateway client for commands, buttons, reactions and support
// messages, and an adapter that delivers the outbox through discord.js REST. `attachDiscord`
// registers both with the app; the connection starts with `app.start()`.
import { Events, type GatewayDispatchPayload } from 'discord.js';
import type { ChatHost } from '../host.js';
import type { Env } from '../../config/env.js';
import { DiscordAdapter } from './adapter.js';
import { type ClientOptions, createClient } from './client.js';
import { DiscordConnection } from './connection.js';
import { announceElsewhere } from '../announce.js';
import { proxyEnv } from '../proxy.js';
import { isSupportChannel } from '../../service/support.js';
import { DiscordCatchUp } from './catch-up.js';
import { onInteraction } from './interactions.js';
import { onMessage } from './messages.js';
import { onReactionPacket, type ReactionPacket } from './reactions.js';

export type DiscordOptions = Omit<ClientOptions, 'api'> & { startWaitMs?: number; retryMs?: number[] };

export async function attachDiscord(app: ChatHost, env: Env, opts: DiscordOptions = {}): Promise<void> {
  if (!env.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set');
  const log = app.log.child({ platform: 'discord' });
  const client = createClient({ ...opts, proxy: opts.proxy ?? proxyEnv(), api: env.DISCORD_API_URL });
  const adapter = new DiscordAdapter(client.rest, app.service.policy, log, () => client.user?.id);
  const svc = app.service;

  // Handlers never throw into discord.js: a failure is logged and the next event still runs. Each
  // starts and ends with a debug line naming the event: the sign that it was acted on or ignored,
  // and (received but not handled) what is still in progress.
  const guard = (what: string, fn: () => unknown, id?: string) => {
    log.debug({ received: what, id }, 'Discord event received');
    const handled = () => log.debug({ handled: what, id }, 'Discord event handled');
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((e) => log.error({ err: e }, `Discord ${what} failed`)).finally(handled);
      else handled();
    } catch (e) {
      log.error({ err: e }, `Discord ${what} failed`);
      handled();
    }
  };
  client.on(Events.InteractionCreate, (i) => guard('interaction', () => onInteraction(svc, log, i), i.id));
  const catchUp = new DiscordCatchUp(svc, client, adapter, log);
  client.on(Events.MessageCreate, (m) => {
    if (isSupportChannel(svc.policy, 'discord', m.channelId)) catchUp.seen(m.channelId, m.id);
    guard('message', () => onMessage(svc, client, m), m.id);
  });
  client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
    if (packet.t === 'MESSAGE_REACTION_ADD') guard('reaction', () => onReactionPacket(svc, client, adapter, log, packet.d as ReactionPacket), (packet.d as ReactionPacket).message_id);
  });

  const connection = new DiscordConnection(client, env.DISCORD_TOKEN, adapter, log, {
    startWaitMs: opts.startWaitMs,
    retryMs: opts.retryMs,
    // The first session marks where support channels stand; a later new session reads back what it missed.
    onSession: (first) => guard('catch-up', () => (first ? catchUp.mark() : catchUp.run())),
    onFailed: (reason) => announceElsewhere(app, 'discord', `⚠️ Klaxon lost Discord: ${reason}. Pages and updates still go out here; fix it and restart Klaxon to bring Discord back.`),
  });
  app.addAdapter(adapter, connection);
}
