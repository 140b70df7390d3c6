// The console "platform": every message is printed with where it would have gone, and numbered
// so `/react N EMOJI` can react to it as one would in Slack or Discord.
import type { Writable } from 'node:stream';
import { incidentChannelName } from '../../domain/slug.js';
import type { ChatAdapter, MessageBody, MessageRef, SpaceInfo } from '../../service/port.js';

export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  private seq = 0;
  private readonly messages = new Map<string, { channel: string; body: MessageBody }>();

  constructor(private readonly out: Writable = process.stdout) {}

  async openIncidentSpace(info: SpaceInfo) {
    const name = incidentChannelName(info.number, info.title);
    this.print(`── #${name} opened ──`);
    return { channel: `#${name}`, name };
  }

  async post(to: { channel: string } | { user: string }, body: MessageBody): Promise<MessageRef> {
    const channel = 'user' in to ? `DM @${to.user}` : to.channel.startsWith('#') ? to.channel : `#${to.channel}`;
    const id = String(++this.seq);
    this.messages.set(id, { channel, body });
    this.print(this.format(id, channel, body));
    return { channel, id };
  }

  async edit(ref: MessageRef, body: MessageBody): Promise<void> {
    this.messages.set(ref.id, { channel: ref.channel, body });
    this.print(`[${ref.id} edited] ${ref.channel}: ${body.text}`);
  }

  async setTopic(channel: string, text: string): Promise<void> {
    this.print(`${channel.startsWith('#') ? channel : `#${channel}`} topic: ${text}`);
  }

  async invite(channel: string, users: string[]): Promise<void> {
    this.print(`${channel}: invited ${users.map((u) => `@${u}`).join(', ')}`);
  }

  async rename(channel: string, name: string): Promise<void> {
    this.print(`${channel} renamed to #${name}`);
  }


  /** The channel a numbered message was printed in, for `/react`. */
  lookup(id: string): { channel: string; body: MessageBody } | undefined {
    return this.messages.get(id);
  }

  private format(id: string, channel: string, body: MessageBody): string {
    const extra = body.actions?.length ? `\n    [ ${body.actions.map((a) => `${a.label}: /react ${id} white_check_mark`).join(' | ')} ]` : '';
    const text = body.text.split('\n').join('\n    ');
    return `[${id}] ${channel}: ${text}${extra}`;
  }

  private print(line: string): void {
    this.out.write(`${line}\n`);
  }
}
