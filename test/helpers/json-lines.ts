// A child process that prints one JSON object per line (the accelerated-bot fixture): its lines,
// parsed, in an array that grows as they arrive.
import type { Readable } from 'node:stream';

export function jsonLines<T>(out: Readable): T[] {
  const lines: T[] = [];
  let buf = '';
  out.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)) as T);
      buf = buf.slice(i + 1);
    }
  });
  return lines;
}
