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
  actions?: Button[];
  tone?: 'alert' | 'info' | 'good' | 'warn';
  footer?: string;
  /** The platform message this one answers (support replies): Slack threads it, Discord references it. */
  replyTo?: string;
};

/**
 * A button. `ack`: the value is a page id (the Acknowledge button). `command`: the value is the
 * chat command a press runs as the person pressing, through the same Service path as typing it
 * (`check #3 4`, `action #3 product-safe-mode confirm`); only `check` and `action` are accepted.
 */
export type Button = { id: 'ack' | 'command'; label: string; value: string; style?: 'primary' | 'danger' };

export type MessageRef = { channel: string; id: string };

export type Destination = { channel: string } | { user: string };

/** Per-attempt delivery details; `key` identifies the outbox row and is stable across attempts. */
export type SendOptions = { key?: string };

/** The idempotency key of an outbox row, as adapters see it (fits Discord's 25-character nonce). */
export const deliveryKey = (outboxId: number) => `klaxon-${outboxId}`;

export type SpaceInfo = { number: number; title: string; severity: string; status: string; topic: string };

/**
 * Thrown by adapters; the dispatcher retries unless `permanent`, waiting at least `retryAfterMs`.
 * `global` marks a limit on the whole platform connection (Slack's per-app limits, Discord's global
 * limit): everything on that platform waits. Without it only this message waits, so a slow route
 * (a Discord thread rename) never holds up a page. `maybeDelivered` says the platform may have
 * acted although no answer came (a dropped connection, a timeout): a post is then looked up with
 * `findDelivered` before it is sent again.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly opts: { permanent?: boolean; retryAfterMs?: number; global?: boolean; maybeDelivered?: boolean } = {},
  ) {
    super(message);
  }
}

export interface ChatAdapter {
  readonly platform: Platform;
  /** Creates the incident's channel (Slack) or thread (Discord) and returns where it lives. */
  openIncidentSpace(info: SpaceInfo): Promise<{ channel: string; name: string }>;
  /**
   * Posts to a channel, or to a user's DM when `to.user` is given. `send.key` is the same on every
   * attempt of one outbox row: a platform that can refuse a repeat (Discord's nonce with
   * enforce_nonce) or label the message (Slack's metadata) should use it.
   */
  post(to: Destination, body: MessageBody, send?: SendOptions): Promise<MessageRef>;
  /**
   * Optional: finds a post made with this `key` since `since` (after a crash, or an attempt whose
   * answer was lost), so it is recorded instead of sent twice. Null when it did not arrive.
   * Without it, such a post is sent again: at-least-once for that platform.
   */
  findDelivered?(to: Destination, key: string, since: Date): Promise<MessageRef | null>;
  edit(ref: MessageRef, body: MessageBody): Promise<void>;
  setTopic(channel: string, text: string): Promise<void>;
  invite(channel: string, users: string[]): Promise<void>;
  rename(channel: string, name: string): Promise<void>;
  /** Points an on-call user group at the given users (Slack user groups); optional. */
  setUserGroup?(group: string, users: string[]): Promise<void>;
}

/**
 * connected: receiving; connecting: first attempt; reconnecting: a socket closed, the next is
 * opening; down: cannot connect now, retried with capped backoff; failed: the platform refused
 * Klaxon's credentials, not retried until restart; disconnected: stopped.
 */
export type LinkState = 'connected' | 'connecting' | 'reconnecting' | 'down' | 'failed' | 'disconnected';

export type ConnectionHealth = { state: LinkState; reason?: string; warnings: string[] };

/** Lifecycle of an adapter that also receives events (Slack, Discord). */
export interface Connection {
  /**
   * Resolves once the credentials are known good (or the platform is unreachable and retried in
   * the background); rejects with one line naming the variable when the platform refuses them.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Shown in /healthz: the state, then why and any warnings. */
  state(): string;
  health?(): ConnectionHealth;
  /** The process safety net caught an error from this platform's SDK: record it (and reconnect if it can). */
  fault?(reason: string): void;
  /**
   * A session the platform gives one client at a time (Discord's gateway, Slack's Socket Mode):
   * with several replicas only the leader holds it, opened on gaining the lead, closed on losing it.
   */
  readonly leaderOnly?: boolean;
}

/** "down (why); warning: …" from a health record. */
export function describeHealth(h: ConnectionHealth): string {
  const head = h.reason ? `${h.state} (${h.reason})` : h.state;
  return [head, ...h.warnings.map((w) => `warning: ${w}`)].join('; ');
}
