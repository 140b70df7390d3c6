// The errors a policy file is refused with, for tests that check check-policy's wording.
import { expect } from 'vitest';
import { parsePolicy, PolicyError } from '../../src/config/policy/index.js';

export function errorsOf(yaml: string): string[] {
  try {
    parsePolicy(yaml, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).issues;
  }
  throw new Error('expected the policy to be rejected');
}
