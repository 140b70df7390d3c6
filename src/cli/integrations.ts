// `klaxon integrations [--url BASE] [--policy FILE]`: each integration's URL and a ready-to-paste
// sender configuration. Tokens are never printed: the output names the variable that holds one,
// so it is safe to paste into a ticket or a chat.
import { loadEnv } from '../config/env.js';
import { loadPolicy, type Policy } from '../config/policy/index.js';
import type { Integration } from '../config/policy/integrations.js';
import { formatMs } from '../domain/duration.js';
import { ArgError, parseArgs } from './args.js';

const indent = (text: string, by = '    ') => text.split('\n').map((l) => (l ? by + l : l)).join('\n');

function alertmanagerSnippet(id: string, url: string, cfg: Integration): string {
  return `receivers:
  - name: klaxon-${id}
    webhook_configs:
      - url: ${url}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: <the value of ${cfg.token_env}>   # or credentials_file: /path/to/token`;
}

function grafanaSnippet(id: string, url: string, cfg: Integration): string {
  return `# Grafana: Alerting → Contact points → Webhook, or this provisioning file
apiVersion: 1
contactPoints:
  - orgId: 1
    name: klaxon-${id}
    receivers:
      - uid: klaxon-${id}
        type: webhook
        settings:
          url: ${url}
          httpMethod: POST
          authorization_scheme: Bearer
          authorization_credentials: <the value of ${cfg.token_env}>`;
}

function curlSnippet(id: string, url: string, cfg: Integration): string {
  const auth = `-H "Authorization: Bearer $${cfg.token_env}"`;
  switch (cfg.type) {
    case 'alertmanager':
    case 'grafana':
      return `curl -fsS -X POST ${url} ${auth} -H 'content-type: application/json' \\
  -d '{"version":"4","groupKey":"klaxon-test","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"KlaxonTest","severity":"critical"},"annotations":{"summary":"Test alert from ${id}"}}]}'`;
    case 'events_v2':
      return `# Any tool that pages PagerDuty: set its Events API v2 URL to ${url}
# and its integration (routing) key to the value of ${cfg.token_env}.
curl -fsS -X POST ${url} -H 'content-type: application/json' \\
  -d '{"routing_key":"'"$${cfg.token_env}"'","event_action":"trigger","dedup_key":"klaxon-test","payload":{"summary":"Test event from ${id}","source":"curl","severity":"critical"}}'
# …and later the same dedup_key with "event_action":"resolve" (or "acknowledge").`;
    case 'heartbeat':
      return `# At the end of the job (no call for ${formatMs(cfg.expect_every!)} opens an incident; the next call resolves it):
curl -fsS -X POST ${url}/$${cfg.token_env}`;
  }
}

/** The guide for every integration in the policy, with tokens shown only as variable names. */
export function integrationsGuide(policy: Policy, base: string, env: NodeJS.ProcessEnv): string {
  const entries = Object.entries(policy.integrations);
  if (entries.length === 0) return 'No integrations in this policy. Add an `integrations:` section (see README, "Connect your alerts").';
  const root = base.replace(/\/+$/, '');
  const out: string[] = [];
  for (const [id, cfg] of entries) {
    const url = `${root}/integrations/v1/${id}`;
    const set = env[cfg.token_env]?.trim() ? 'set' : `UNSET: ${id} answers 404 until it is set`;
    out.push(
      `${id} (${cfg.type}) — token in ${cfg.token_env} (${set})`,
      `  POST ${url}            with Authorization: Bearer <${cfg.token_env}>`,
      `  POST ${url}/<${cfg.token_env}>   for senders that cannot set headers${cfg.type === 'events_v2' ? '\n  or the token as routing_key in the body' : ''}`,
    );
    if (cfg.type === 'alertmanager') out.push('  Alertmanager (alertmanager.yml):', indent(alertmanagerSnippet(id, url, cfg)));
    if (cfg.type === 'grafana') out.push('  Grafana contact point:', indent(grafanaSnippet(id, url, cfg)));
    out.push('  curl:', indent(curlSnippet(id, url, cfg)), '');
  }
  return out.join('\n');
}

export async function integrationsCommand(args: string[]): Promise<number> {
  const { opts, positional } = parseArgs(args, { values: ['url', 'policy'] });
  if (positional.length) throw new ArgError(`integrations takes no arguments (got "${positional[0]}"); use --url BASE or --policy FILE`);
  const env = loadEnv();
  const policy = loadPolicy(typeof opts.policy === 'string' ? opts.policy : env.policyPath);
  const base = typeof opts.url === 'string' ? opts.url : `http://${env.HOST}:${env.PORT}`;
  if (!/^https?:\/\/\S+$/.test(base)) throw new ArgError(`--url: "${base}" is not an http(s) URL`);
  console.log(integrationsGuide(policy, base, process.env));
  if (typeof opts.url !== 'string') console.log(`(URLs use HOST and PORT; pass --url https://klaxon.example.com for the address your senders reach.)`);
  return 0;
}
