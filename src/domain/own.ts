// Names typed by people (a schedule in `oncall`, a person in `/as`, a help topic) meet maps
// that are plain objects. `map[name]` would find JavaScript's built-ins — `constructor`,
// `toString`, `__proto__` — and treat them as policy entries; only own properties count.

/** The map's own entry for `key`, or undefined: never an inherited built-in. */
export function own<T>(map: Readonly<Record<string, T>> | null | undefined, key: string | null | undefined): T | undefined {
  if (!map || typeof key !== 'string') return undefined;
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** True when `key` is one of the map's own entries. */
export function hasOwnKey(map: object | null | undefined, key: string | null | undefined): boolean {
  return !!map && typeof key === 'string' && Object.hasOwn(map, key);
}
