// An in-memory platform that records every call and fails on demand, for dispatcher tests.
import { DeliveryError, type ChatAdapter, type MessageBody, type MessageRef, type SpaceInfo } from '../../src/service/port.js';

export type Call = { op: string; channel: string; text: string; id?: string };

export class RecordingAdapter implements ChatAdapter {
  readonly calls: Call[] = [];
  /** Return an error to make the next calls fail; null lets them through. */
  failWith: (call: Call) => DeliveryError | null | Promise<DeliveryError | null> = () => null;
  /** Every call waits for this first: a slow or hung platform. */
  latency: () => Promise<void> = async () => undefined;
  private seq = 0;

  constructor(readonly platform: 'slack' | 'discord' | 'console' = 'slack') {}

  private async record(call: Call): Promise<void> {
    await this.latency();
    const err = await this.failWith(call);
    if (err) throw err;
    this.calls.push(call);
  }

  async openIncidentSpace(info: SpaceInfo) {
    await this.record({ op: 'open', channel: `C-inc-${info.number}`, text: info.title });
    return { channel: `C-inc-${info.number}`, name: `inc-${info.number}` };
  }
  async post(to: { channel: string } | { user: string }, body: MessageBody): Promise<MessageRef> {
    const channel = 'user' in to ? `D-${to.user}` : to.channel;
    const id = `m${++this.seq}`;
    await this.record({ op: 'post', channel, text: body.text, id });
    return { channel, id };
  }
  async edit(ref: MessageRef, body: MessageBody) {
    await this.record({ op: 'edit', channel: ref.channel, text: body.text, id: ref.id });
  }
  async setTopic(channel: string, text: string) {
    await this.record({ op: 'topic', channel, text });
  }
  async invite(channel: string, users: string[]) {
    await this.record({ op: 'invite', channel, text: users.join(',') });
  }
  async rename(channel: string, name: string) {
    await this.record({ op: 'rename', channel, text: name });
  }
}
