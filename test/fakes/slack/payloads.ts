// What Slack sends: slash commands (form fields), Events API callbacks (JSON) and interactions
// (form field `payload` holding JSON). Each builder returns the object; `form()` encodes it.
import { randomUUID } from 'node:crypto';
import { TEAM } from './web-api.js';

export type SlashFields = Record<string, string>;

export function slashCommand(text: string, o: { user: string; userName?: string; channel?: string; responseUrl: string; command?: string }): SlashFields {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM,
    team_domain: 'fake',
    channel_id: o.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: o.user,
    user_name: o.userName ?? o.user.toLowerCase(),
    command: o.command ?? '/incident',
    text,
    api_app_id: 'AFAKE',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: `${Date.now()}.1234.${randomUUID().replace(/-/g, '')}`,
  };
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** An interaction (block_actions, view_submission) as Slack posts it: payload=<JSON>. */
export function interactionForm(payload: Record<string, unknown>): string {
  return form({ payload: JSON.stringify(payload) });
}

export function eventCallback(event: Record<string, unknown>, eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM,
    api_app_id: 'AFAKE',
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: TEAM, user_id: 'UKLAXONBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function reactionAdded(o: { user: string; reaction: string; channel: string; ts: string; itemUser?: string }): Record<string, unknown> {
  return { type: 'reaction_added', user: o.user, reaction: o.reaction, item_user: o.itemUser, item: { type: 'message', channel: o.channel, ts: o.ts } };
}

export function pinAdded(o: { user: string; channel: string; message: { ts: string; text: string; user: string } }): Record<string, unknown> {
  return {
    type: 'pin_added',
    user: o.user,
    channel_id: o.channel,
    item: { type: 'message', channel: o.channel, created: Math.floor(Date.now() / 1000), created_by: o.user, message: { type: 'message', ...o.message } },
  };
}

export function channelMessage(o: { user: string; channel: string; text: string; ts?: string }): Record<string, unknown> {
  return { type: 'message', channel: o.channel, user: o.user, text: o.text, ts: o.ts ?? `${Date.now() / 1000}`, channel_type: 'channel' };
}

export function blockAction(o: { user: string; channel: string; messageTs: string; actionId: string; value: string; responseUrl: string }): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: TEAM },
    api_app_id: 'AFAKE',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel, is_ephemeral: false },
    trigger_id: `${Date.now()}.1.abc`,
    team: { id: TEAM, domain: 'fake' },
    channel: { id: o.channel, name: 'directmessage' },
    message: { type: 'message', ts: o.messageTs, text: 'page', user: 'UKLAXONBOT' },
    response_url: o.responseUrl,
    actions: [{ action_id: o.actionId, block_id: 'page_actions', text: { type: 'plain_text', text: 'Acknowledge' }, value: o.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
}

/** A view_submission for a view Klaxon opened: `values` are the state values Slack would send. */
export function viewSubmission(o: { user: string; view: Record<string, unknown>; values: Record<string, Record<string, unknown>> }): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'fake' },
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: TEAM },
    api_app_id: 'AFAKE',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.2.def`,
    view: { id: 'V1', team_id: TEAM, type: 'modal', ...o.view, state: { values: o.values }, hash: 'h', app_id: 'AFAKE', bot_id: 'BKLAXON' },
    response_urls: [],
  };
}
