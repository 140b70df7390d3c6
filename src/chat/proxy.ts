// HTTPS_PROXY / HTTP_PROXY / NO_PROXY for every connection Klaxon opens to Slack and Discord: one
// undici dispatcher that tunnels through the proxy (CONNECT) unless NO_PROXY names the host. Slack's
// Web API, the Socket Mode WebSocket and Discord's REST all take an undici dispatcher or fetch.
import { EnvHttpProxyAgent, type Dispatcher, fetch as undiciFetch } from 'undici';

export type ProxyEnv = { HTTPS_PROXY?: string; HTTP_PROXY?: string; NO_PROXY?: string };

/** Lower-case spellings count too, as curl and most tools read them. */
export function proxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  const pick = (k: string) => env[k] || env[k.toLowerCase()] || undefined;
  return { HTTPS_PROXY: pick('HTTPS_PROXY'), HTTP_PROXY: pick('HTTP_PROXY'), NO_PROXY: pick('NO_PROXY') };
}

/** A dispatcher that goes through the configured proxy, or undefined when none is set. */
export function proxyDispatcher(p: ProxyEnv): Dispatcher | undefined {
  if (!p.HTTPS_PROXY && !p.HTTP_PROXY) return undefined;
  // An https proxy setting covers plain-http hosts too (a local fake, an http:// API URL), so both
  // kinds of target go through whichever was given.
  return new EnvHttpProxyAgent({
    httpProxy: p.HTTP_PROXY ?? p.HTTPS_PROXY,
    httpsProxy: p.HTTPS_PROXY ?? p.HTTP_PROXY,
    noProxy: p.NO_PROXY ?? '',
  });
}

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** fetch through `dispatcher` (for SDKs that accept a fetch function). */
export function fetchVia(dispatcher: Dispatcher): FetchLike {
  return ((url: string | URL, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher })) as unknown as FetchLike;
}
