// The import rules of src/ (docs/CONTRACTS.md): layers point one way, and no module imports
// itself back through others. Type-only imports count too: a type that must be imported upward
// belongs lower down.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = 'src';

/** Lowest first. A module may import its own layer's folder and any layer below it, never above. */
const LAYERS: [number, string[]][] = [
  [0, ['domain', 'log.ts']],
  [1, ['config']],
  [2, ['store']],
  [3, ['service']],
  // Alert sources: payload parsing and their service calls, with no transport.
  [4, ['integrations']],
  // The one listener and router; Slack's HTTP events and the HTTP routes both mount on it.
  [4, ['http/server.ts']],
  // The edges. Each is its own folder: they do not import one another (EDGES).
  [5, ['scheduler', 'chat', 'http']],
  [6, ['app.ts']],
  [7, ['main.ts']],
  [8, ['cli.ts', 'cli']],
];

const EDGES = 5;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The layer and the unit (top folder or file) a src/ path belongs to; the most specific entry wins. */
function placeOf(file: string): { level: number; unit: string } {
  const rel = relative(SRC, file).split('\\').join('/');
  let best: { level: number; unit: string } | undefined;
  for (const [level, units] of LAYERS) {
    for (const unit of units) {
      if ((rel === unit || rel.startsWith(`${unit}/`)) && (!best || unit.length > best.unit.length)) best = { level, unit };
    }
  }
  if (!best) throw new Error(`${rel} is in no layer: add its folder to LAYERS and to docs/CONTRACTS.md`);
  return best;
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|[\s;])import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...text.matchAll(SPECIFIER)].map((m) => normalize(join(dirname(file), (m[1] ?? m[2] ?? m[3]).replace(/\.js$/, '.ts'))));
}

const graph = new Map(files(SRC).map((f) => [f, importsOf(f)]));

describe('src/ imports', () => {
  it('finds the imports it checks', () => {
    expect(graph.get(join(SRC, 'main.ts'))).toContain(join(SRC, 'app.ts'));
    expect(graph.get(join(SRC, 'service/incidents.ts'))?.length).toBeGreaterThan(5);
  });

  it('point down the layers, and edges (scheduler, chat, http) do not import one another', () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      const a = placeOf(from);
      for (const to of targets) {
        if (!to.startsWith(`${SRC}/`)) continue;
        const b = placeOf(to);
        if (b.level > a.level || (a.level === EDGES && b.level === EDGES && b.unit !== a.unit)) wrong.push(`${from} → ${to}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('form no circle', () => {
    // Tarjan's strongly connected components: any component of two or more files is a circle.
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const circles: string[][] = [];
    const visit = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          component.push(w);
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    expect(circles).toEqual([]);
  });
});
