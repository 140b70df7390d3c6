// `npm run bench [name...]`: runs each benchmark and writes their tables to BENCHMARKS.md.
// Each bench module exports `bench(): Promise<string>` returning a markdown section whose figures
// are ratios against a baseline measured in the same run (this machine is shared and noisy).
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

const sections: string[] = [];
for (const name of names) {
  process.stderr.write(`bench ${name}...\n`);
  const mod = (await import(join(here, `${name}.bench.ts`))) as { bench: () => Promise<string> };
  const section = await mod.bench();
  process.stdout.write(`${section}\n`);
  sections.push(section);
}
const header = `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (node ${process.version}, ${process.platform}/${process.arch}). Figures are relative to a baseline measured in the same run.\n`;
if (wanted.length === 0) writeFileSync(join(here, '..', 'BENCHMARKS.md'), [header, ...sections].join('\n'));
