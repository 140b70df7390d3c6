// What the service and dispatcher may ask of a chat platform. Adapters never touch the database:
// the dispatcher hands them concrete channel and user IDs and stores what they return.

export type Platform = 'console' | 'slack' | 'discord';

/** Platform-neutral message: each adapter renders it (Block Kit, embeds and buttons, plain text). */
export type MessageBody = {
  /** Complete plain-text form; also the notification text and the fallback. */
  text: string;
  title?: string;
  fields?: { label: string; value: string }[];
  /** Extra lines (checklists, runbook links, list rows). */
  lines?: string[];
  actions?: { id: 'ack'; label: string; value: string }[];
  tone?: 'alert' | 'info' | 'good' | 'warn';
  footer?: string;
  /** The platform message this one answers (support replies): Slack threads it, Discord references it. */
  replyTo?: string;
};

export type MessageRef = { channel: string; id: string };

export type SpaceInfo = { number: number; title: string; severity: string; status: string; topic: string };

/**
 * Thrown by adapters; the dispatcher retries unless `permanent`, waiting at least `retryAfterMs`.
 * `global` marks a limit on the whole platform connection (Slack's per-app limits, Discord's global
 * limit): everything on that platform waits. Without it only this message waits, so a slow route
 * (a Discord thread rename) never holds up a page.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly opts: { permanent?: boolean; retryAfterMs?: number; global?: boolean } = {},
  ) {
    super(message);
  }
}

export interface ChatAdapter {
  readonly platform: Platform;
  /** Creates the incident's channel (Slack) or thread (Discord) and returns where it lives. */
  openIncidentSpace(info: SpaceInfo): Promise<{ channel: string; name: string }>;
  /** Posts to a channel, or to a user's DM when `to.user` is given. */
  post(to: { channel: string } | { user: string }, body: MessageBody): Promise<MessageRef>;
  edit(ref: MessageRef, body: MessageBody): Promise<void>;
  setTopic(channel: string, text: string): Promise<void>;
  invite(channel: string, users: string[]): Promise<void>;
  rename(channel: string, name: string): Promise<void>;
  /** Points an on-call user group at the given users (Slack user groups); optional. */
  setUserGroup?(group: string, users: string[]): Promise<void>;
}

/** Lifecycle of an adapter that also receives events (Slack, Discord). */
export interface Connection {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Shown in /healthz: "connected", "connecting", "disconnected", ... */
  state(): string;
}
