import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ReplaySummary } from '../../ingest/replay.js';
import { fixtureLines, MESSAGE_FILES } from './fixtures.js';

/** Replay files written for a test: fixtures reordered, gzipped or mixed with made-up lines. */

/** The summary without what differs from run to run. */
export const counts = (s: ReplaySummary) => {
  const { runId: _r, seconds: _s, files: _f, batches: _b, ...rest } = s;
  return rest;
};

/** Writes `files` (name → lines) under a new directory and returns their paths in the given order. */
export function writeFiles(dir: string, files: [string, Buffer[]][], gzip = false): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map(([name, lines]) => {
    const body = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    const file = path.join(dir, gzip ? `${name}.gz` : name);
    writeFileSync(file, gzip ? gzipSync(body) : body);
    return file;
  });
}

/** The fixture files in reverse order, each with its lines reversed. */
export function reversedFixtures(dir: string): string[] {
  return writeFiles(
    dir,
    [...MESSAGE_FILES].reverse().map((f) => [f, fixtureLines(f).reverse()]),
  );
}
