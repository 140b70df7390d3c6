// `klaxon check-policy FILE`: validate a policy without starting anything. Returns text
// rather than printing so the CLI decides where it goes and tests can read it.
import { loadPolicy, PolicyError, summarizePolicy } from '../config/policy/index.js';
import { integrationWarnings } from '../config/policy/integrations.js';

export function checkPolicy(path: string, env: NodeJS.ProcessEnv = process.env): { ok: boolean; output: string } {
  try {
    const policy = loadPolicy(path);
    const lines = [`✓ ${path} is a valid policy`, summarizePolicy(policy)];
    const integrations = Object.entries(policy.integrations);
    if (integrations.length) lines.push(`Integrations: ${integrations.map(([id, i]) => `${id} (${i.type}, token in ${i.token_env})`).join('; ')}`);
    // Valid but not working yet: said, without failing the check (CI validates files without secrets).
    for (const w of integrationWarnings(policy.integrations, env)) lines.push(`⚠ ${w}`);
    return { ok: true, output: lines.join('\n') };
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const n = err.issues.length;
    const lines = [`✗ ${path}: ${n} problem${n === 1 ? '' : 's'}`, ...err.issues.map((i) => `  ${i}`)];
    return { ok: false, output: lines.join('\n') };
  }
}
