// HTTPS_PROXY / NO_PROXY: Slack's Web API and Socket Mode WebSocket and Discord's REST go through a
// CONNECT proxy (written here: it tunnels and records where each tunnel went), unless NO_PROXY
// names the host.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { discordKlaxon, type DiscordKlaxon } from '../fakes/discord/harness.js';
import { slackKlaxon, type SlackKlaxon } from '../fakes/slack/harness.js';

type Proxy = { url: string; tunnels: string[]; close: () => Promise<void> };

async function connectProxy(): Promise<Proxy> {
  const tunnels: string[] = [];
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client, head) => {
    tunnels.push(String(req.url));
    const [host, port] = String(req.url).split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const end = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let proxy: Proxy;
let slack: SlackKlaxon | undefined;
let discord: DiscordKlaxon | undefined;
afterEach(async () => {
  await slack?.close();
  await discord?.close();
  slack = discord = undefined;
  await proxy.close();
});

describe('through an HTTPS proxy', () => {
  it('Slack: the Web API and the Socket Mode WebSocket both tunnel through it', async () => {
    proxy = await connectProxy();
    slack = await slackKlaxon({ socket: true, slack: { proxy: { HTTPS_PROXY: proxy.url } } });
    const r = await slack.slash('list', { user: 'U01ALICE' });
    expect((await slack.answer(r.responseUrl)).text).toBeDefined();
    const api = `127.0.0.1:${slack.fake.port}`;
    const socket = `127.0.0.1:${slack.socket!.port}`;
    expect(proxy.tunnels).toContain(api);
    expect(proxy.tunnels).toContain(socket);
  });

  it('Slack: NO_PROXY naming the host goes direct', async () => {
    proxy = await connectProxy();
    slack = await slackKlaxon({ socket: true, slack: { proxy: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } } });
    await slack.slash('list', { user: 'U01ALICE' });
    expect(proxy.tunnels).toEqual([]);
  });

  it('Discord: REST tunnels through it', async () => {
    proxy = await connectProxy();
    discord = await discordKlaxon({ discord: { proxy: { HTTPS_PROXY: proxy.url } } });
    const rest = new URL(discord.fake.apiUrl).host;
    expect(proxy.tunnels).toContain(rest);
  });
});
