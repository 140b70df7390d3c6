/** `--name value` and `--flag` options plus positional arguments; unknown options are errors. */
/** `maxPositional`, when given, refuses extra words (`klaxon start now`). */
export function parseArgs(args: string[], known: { values: string[]; flags?: string[] }, maxPositional?: number): { opts: Record<string, string | true>; positional: string[] } {
  const opts: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2);
    if (known.flags?.includes(name)) opts[name] = true;
    else if (known.values.includes(name)) {
      const v = inline ?? args[++i];
      if (v === undefined) throw new ArgError(`--${name} needs a value`);
      opts[name] = v;
    } else throw new ArgError(`unknown option --${name}`);
  }
  if (maxPositional !== undefined && positional.length > maxPositional) throw new ArgError(`unexpected "${positional[maxPositional]}"`);
  return { opts, positional };
}

export class ArgError extends Error {}

export function parseInstant(text: string, what: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new ArgError(`${what}: "${text}" is not an ISO time such as 2026-03-30T09:00:00Z`);
  return d;
}
