// Klaxon as one JavaScript file, for tests that start and kill many processes: 20 or 30 restarts
// must not each spend seconds in tsx compiling the sources.
import { symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Bundles `entry` into `dir/name` (dir gets a node_modules link) and returns the file's path. */
export async function bundleForRestarts(entry: string, dir: string, name: string): Promise<string> {
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  const outfile = join(dir, name);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
    // src/ finds migrations and the bundled policy relative to its own files (two levels down).
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(resolve('src/store/db.ts')).href) },
  });
  return outfile;
}
