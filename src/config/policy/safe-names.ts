// People, schedules, policies and groups are named in chat commands (`oncall primary`, `/as alice`)
// and in targets (`schedule:primary`), so their names are plain words; JavaScript's built-in
// property names (`constructor`, `toString`, `__proto__`) would read as something else entirely.
export const NAMED_SECTIONS = ['people', 'schedules', 'escalation_policies', 'groups'] as const;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const BUILT_IN_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Why a policy name cannot be used, or undefined when it can. */
export function badName(name: string): string | undefined {
  if (!SAFE_NAME.test(name)) return `"${name}" is not a usable name (letters, digits, "-", "_" and "."; starting with a letter or digit; at most 64)`;
  if (BUILT_IN_NAMES.has(name)) return `"${name}" is a reserved word; choose another name`;
  return undefined;
}
