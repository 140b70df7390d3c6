#!/usr/bin/env node
// Runs the CLI in this very process (no child process), so a signal sent to `klaxon` or
// `npm start` reaches Klaxon itself and nothing is left orphaned. It runs the compiled JavaScript
// in dist/ (what `npm start` builds) when that is at least as new as every source file, and the
// TypeScript through tsx's loader otherwise: same behaviour, but the loader costs memory and start-up.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const compiled = new URL('dist/cli.js', root);
// Written by every build that changed anything (tsc --incremental).
const stamp = new URL('dist/.tsbuildinfo', root);

/** Newest modification time of any file under `dir`. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = new URL(e.isDirectory() ? `${e.name}/` : e.name, dir);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (existsSync(compiled) && existsSync(stamp) && statSync(stamp).mtimeMs >= newest(new URL('src/', root))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
