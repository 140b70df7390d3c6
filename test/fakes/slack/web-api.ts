// A fake Slack Web API on 127.0.0.1: answers the methods Klaxon and Bolt call the way Slack does
// (form-encoded POST /api/<method>, Bearer token, 200 + {ok}), keeps just enough state (channels,
// messages, users, user groups) to answer follow-up calls, records every call, and fails on demand
// (HTTP 500, 429 + Retry-After, or a platform error such as channel_not_found).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMessage = { ts: string; text: string; user?: string; bot_id?: string; blocks?: unknown[]; thread_ts?: string; metadata?: { event_type: string; event_payload: Record<string, unknown> } };
export type FakeChannel = { id: string; name: string; topic: string; members: Set<string>; messages: FakeMessage[]; creator?: string };
export type Call = { method: string; args: Record<string, unknown>; status: number; error?: string; at: number };
export type Responded = { path: string; body: Record<string, unknown>; at: number };

/** A fault: matching calls fail `times` times (Infinity until removed). */
export type FaultRule = {
  method?: string | RegExp;
  when?: (args: Record<string, unknown>) => boolean;
  times?: number;
  status?: 500 | 503 | 429 | 400;
  retryAfter?: number;
  /** Answer 200 {ok:false, error} instead of an HTTP error. */
  error?: string;
  /** Answer normally, but this much later (no status or error given). */
  delayMs?: number;
};

export const BOT_USER = 'UKLAXONBOT';
export const BOT_ID = 'BKLAXON';
export const TEAM = 'T0FAKE';

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly responded: Responded[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, { id: string; name: string; real_name?: string; display_name?: string }>();
  readonly usergroups = new Map<string, string[]>();
  readonly views: Record<string, unknown>[] = [];
  /** Set by the Socket Mode fake: what apps.connections.open hands out. */
  socketUrl?: () => string;
  private faults: (FaultRule & { left: number })[] = [];
  private seq = 0;
  private chanSeq = 0;
  private server: Server;
  port = 0;

  constructor(readonly tokens: { bot: string; app?: string } = { bot: 'xoxb-fake-bot-token' }) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The base to give SLACK_API_URL / clientOptions.slackApiUrl. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }
  responseUrl(name = 'cmd'): string {
    return `${this.url}/respond/${name}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  // ---- test controls -------------------------------------------------------

  addChannel(id: string, name: string, members: string[] = [BOT_USER]): FakeChannel {
    const ch = { id, name, topic: '', members: new Set(members), messages: [] };
    this.channels.set(id, ch);
    return ch;
  }

  addUser(id: string, name: string, display_name?: string): void {
    this.users.set(id, { id, name, real_name: name, display_name });
  }

  /** A human's message in a channel (what a reaction or pin then points at). */
  addMessage(channel: string, m: { user: string; text: string; thread_ts?: string }): FakeMessage {
    const msg = { ts: this.nextTs(), ...m };
    this.channelOrDm(channel).messages.push(msg);
    return msg;
  }

  fail(rule: FaultRule): () => void {
    const entry = { ...rule, left: rule.times ?? Infinity };
    this.faults.push(entry);
    return () => {
      this.faults = this.faults.filter((f) => f !== entry);
    };
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Successful calls of one method. */
  ok(method: string): Call[] {
    return this.calls.filter((c) => c.method === method && c.status === 200 && !c.error);
  }

  /** Messages the bot has posted (and not since replaced), per channel, oldest first. */
  botMessages(channel: string): FakeMessage[] {
    return this.channels.get(channel)?.messages.filter((m) => m.user === BOT_USER) ?? [];
  }

  channelByName(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  // ---- HTTP ----------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/respond/')) {
      // response_url: Bolt's respond() POSTs JSON here.
      this.responded.push({ path, body: JSON.parse(raw || '{}'), at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const m = /^\/api\/([\w.]+)$/.exec(path);
    if (!m || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const method = m[1];
    const args = parseArgs(raw, String(req.headers['content-type'] ?? ''));
    const call: Call = { method, args, status: 200, at: Date.now() };
    this.calls.push(call);

    const fault = this.faults.find((f) => f.left > 0 && matches(f.method, method) && (!f.when || f.when(args)));
    if (fault?.delayMs && !fault.error && !fault.status) {
      fault.left--;
      await new Promise((r) => setTimeout(r, fault.delayMs));
    } else if (fault) {
      fault.left--;
      if (fault.error) return this.answer(res, call, { ok: false, error: fault.error });
      call.status = fault.status ?? 500;
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (call.status === 429) headers['retry-after'] = String(fault.retryAfter ?? 1);
      res.writeHead(call.status, headers).end(call.status === 429 ? 'ratelimited' : 'upstream failure');
      return;
    }

    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || String(args.token ?? '');
    const wanted = method === 'apps.connections.open' ? this.tokens.app : this.tokens.bot;
    if (!wanted || bearer !== wanted) return this.answer(res, call, { ok: false, error: 'invalid_auth' });

    let out: Record<string, unknown>;
    try {
      out = this.method(method, args);
    } catch (e) {
      out = { ok: false, error: e instanceof SlackErr ? e.code : String(e) };
    }
    this.answer(res, call, out);
  }

  private answer(res: ServerResponse, call: Call, body: Record<string, unknown>): void {
    if (body.ok === false) call.error = String(body.error);
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(text);
  }

  // ---- methods -------------------------------------------------------------

  private method(method: string, a: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'klaxon', team_id: TEAM, user_id: BOT_USER, bot_id: BOT_ID, is_enterprise_install: false };
      case 'apps.connections.open':
        if (!this.socketUrl) throw new SlackErr('not_allowed_token_type');
        return { ok: true, url: this.socketUrl() };
      case 'chat.postMessage': {
        const ch = this.channelOrDm(String(a.channel));
        const msg: FakeMessage = { ts: this.nextTs(), text: String(a.text ?? ''), user: BOT_USER, bot_id: BOT_ID, blocks: a.blocks as unknown[] | undefined };
        if (a.thread_ts) msg.thread_ts = String(a.thread_ts);
        // Message metadata as Slack keeps it: returned by history only with include_all_metadata.
        if (a.metadata && typeof a.metadata === 'object') msg.metadata = a.metadata as FakeMessage['metadata'];
        ch.messages.push(msg);
        return { ok: true, channel: ch.id, ts: msg.ts, message: msg };
      }
      case 'chat.update': {
        const ch = this.channel(String(a.channel));
        const msg = ch.messages.find((x) => x.ts === a.ts);
        if (!msg) throw new SlackErr('message_not_found');
        msg.text = String(a.text ?? '');
        msg.blocks = a.blocks as unknown[] | undefined;
        return { ok: true, channel: ch.id, ts: msg.ts, text: msg.text };
      }
      case 'chat.postEphemeral':
        this.channelOrDm(String(a.channel));
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink': {
        const ch = this.channel(String(a.channel));
        return { ok: true, channel: ch.id, permalink: `https://fake.slack.com/archives/${ch.id}/p${String(a.message_ts).replace('.', '')}` };
      }
      case 'conversations.create': {
        const name = String(a.name ?? '');
        if (!name) throw new SlackErr('invalid_name_required');
        if (name.length > 80) throw new SlackErr('invalid_name_maxlength');
        if (!/^[a-z0-9_-]+$/.test(name)) throw new SlackErr('invalid_name_specials');
        if (this.channelByName(name)) throw new SlackErr('name_taken');
        const ch = this.addChannel(`C${String(++this.chanSeq).padStart(8, '0')}`, name);
        ch.creator = BOT_USER;
        return { ok: true, channel: { id: ch.id, name, is_channel: true, creator: BOT_USER, created: Math.floor(Date.now() / 1000) } };
      }
      case 'conversations.list': {
        const channels = [...this.channels.values()].filter((c) => c.id.startsWith('C')).map((c) => ({ id: c.id, name: c.name, is_channel: true, creator: c.creator ?? 'U0SOMEONE' }));
        return { ok: true, channels, response_metadata: { next_cursor: '' } };
      }
      case 'conversations.invite': {
        const ch = this.channel(String(a.channel));
        const users = String(a.users ?? '').split(',').filter(Boolean);
        for (const u of users) {
          if (ch.members.has(u) && users.length === 1) throw new SlackErr('already_in_channel');
          ch.members.add(u);
        }
        return { ok: true, channel: { id: ch.id, name: ch.name } };
      }
      case 'conversations.setTopic': {
        const ch = this.channel(String(a.channel));
        ch.topic = String(a.topic ?? '');
        return { ok: true, channel: { id: ch.id, topic: { value: ch.topic } } };
      }
      case 'conversations.rename': {
        const ch = this.channel(String(a.channel));
        ch.name = String(a.name);
        return { ok: true, channel: { id: ch.id, name: ch.name } };
      }
      case 'conversations.history': {
        const ch = this.channel(String(a.channel));
        const latest = a.latest ? Number(a.latest) : Infinity;
        const inclusive = a.inclusive === 'true' || a.inclusive === true;
        const top = ch.messages.filter((x) => !x.thread_ts || x.thread_ts === x.ts);
        const oldest = a.oldest ? Number(a.oldest) : -Infinity;
        const withMetadata = a.include_all_metadata === 'true' || a.include_all_metadata === true;
        const hits = top
          .filter((x) => Number(x.ts) < latest || (inclusive && Number(x.ts) === latest))
          .filter((x) => Number(x.ts) > oldest || (inclusive && Number(x.ts) === oldest))
          .reverse()
          .map(({ metadata, ...rest }) => (withMetadata && metadata ? { ...rest, metadata } : rest));
        return { ok: true, messages: hits.slice(0, Number(a.limit ?? 100)), has_more: false };
      }
      case 'conversations.open': {
        // The bot's DM with one user (what chat.postMessage to a U… ID lands in).
        const dm = this.channelOrDm(String(a.users ?? '').split(',')[0]);
        return { ok: true, channel: { id: dm.id } };
      }
      case 'conversations.replies': {
        const ch = this.channel(String(a.channel));
        const target = ch.messages.find((x) => x.ts === a.ts);
        if (!target) throw new SlackErr('thread_not_found');
        const root = target.thread_ts ?? target.ts;
        return { ok: true, messages: ch.messages.filter((x) => x.ts === root || x.thread_ts === root), has_more: false };
      }
      case 'users.info': {
        const u = this.users.get(String(a.user));
        if (!u) throw new SlackErr('user_not_found');
        return { ok: true, user: { id: u.id, name: u.name, real_name: u.real_name, profile: { display_name: u.display_name ?? '', real_name: u.real_name ?? u.name } } };
      }
      case 'usergroups.users.update': {
        const users = String(a.users ?? '').split(',').filter(Boolean);
        if (users.length === 0) throw new SlackErr('invalid_users');
        this.usergroups.set(String(a.usergroup), users);
        return { ok: true, usergroup: { id: a.usergroup, users } };
      }
      case 'views.open':
        if (!a.trigger_id) throw new SlackErr('invalid_trigger_id');
        this.views.push(a.view as Record<string, unknown>);
        return { ok: true, view: { id: `V${this.views.length}`, ...(a.view as object) } };
      default:
        throw new SlackErr('unknown_method');
    }
  }

  private channel(id: string): FakeChannel {
    const ch = this.channels.get(id);
    if (!ch) throw new SlackErr('channel_not_found');
    return ch;
  }

  /** Posting to a user ID lands in the bot's DM with them, a D… channel, as on Slack. */
  private channelOrDm(id: string): FakeChannel {
    if (/^[UW]/.test(id)) {
      if (!this.users.has(id)) throw new SlackErr('channel_not_found');
      const dm = `D${id.slice(1)}`;
      return this.channels.get(dm) ?? this.addChannel(dm, `dm-${id}`, [BOT_USER, id]);
    }
    return this.channel(id);
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }
}

class SlackErr extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

function matches(m: string | RegExp | undefined, method: string): boolean {
  if (m === undefined) return true;
  return typeof m === 'string' ? m === method : m.test(method);
}

/** The Web API client sends form fields; objects (blocks, view) arrive as JSON strings. */
function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}');
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
