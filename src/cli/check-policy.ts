// `klaxon check-policy FILE`: validate a policy without starting anything. Returns text
// rather than printing so the CLI decides where it goes and tests can read it.
import { loadPolicy, PolicyError, summarizePolicy } from '../config/policy/index.js';

export function checkPolicy(path: string): { ok: boolean; output: string } {
  try {
    const policy = loadPolicy(path);
    return { ok: true, output: `✓ ${path} is a valid policy\n${summarizePolicy(policy)}` };
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const n = err.issues.length;
    const lines = [`✗ ${path}: ${n} problem${n === 1 ? '' : 's'}`, ...err.issues.map((i) => `  ${i}`)];
    return { ok: false, output: lines.join('\n') };
  }
}
