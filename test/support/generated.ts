import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One line of a generated city's message files. */
export interface GeneratedLine {
  /** The file, relative to `messages/` (`2026-01-02.ndjson.gz`, `T1/2026-01-03.ndjson.gz`). */
  readonly file: string;
  readonly text: string;
}

/** Every line of the `.ndjson` / `.ndjson.gz` files under `dir` (recursively), files in name order. */
export function generatedLines(dir: string): GeneratedLine[] {
  const out: GeneratedLine[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ndjson(\.gz)?$/.test(e.name)) {
        const raw = readFileSync(p);
        const text = (e.name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
        for (const line of text.split('\n')) if (line) out.push({ file: path.relative(dir, p), text: line });
      }
    }
  };
  walk(dir);
  return out;
}
