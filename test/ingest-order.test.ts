import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayFiles, type ReplaySummary } from '../ingest/replay.js';
import { fixtureLines, fixturePaths, INVALID_FILE, MESSAGE_FILES, REJECTIONS } from './support/fixtures.js';
import { counts, reversedFixtures, writeFiles } from './support/replay-files.js';
import { orderFreeState } from './support/state.js';
import { ingest, openTestDb, rows, type Where } from './support/store.js';
import { tempDir } from './support/temp.js';

/** The same messages in any order, file split, batch size or worker count land the same tables. */

const tmp = tempDir('ingest-order');

describe('the order and batching of the input do not matter', () => {
  let baseline: Record<string, string[]>;
  let baselineSummary: ReplaySummary;
  beforeAll(async () => {
    const db = await openTestDb('memory');
    baselineSummary = await ingest(db.store, fixturePaths());
    baseline = await orderFreeState(db.conn);
    await db.close();
  });

  const variants: {
    name: string;
    where: Where;
    files: () => string[];
    options: { batchRows?: number; workers?: number };
    batches?: number;
  }[] = [
    { name: 'files and lines reversed', where: 'memory', files: () => reversedFixtures(path.join(tmp, 'rev-a')), options: {} },
    {
      name: 'files and lines reversed, on a file store',
      where: 'file',
      files: () => reversedFixtures(path.join(tmp, 'rev-b')),
      options: {},
    },
    // 46 accepted messages and the duplicate each end a batch; 06's last four rejections end one more.
    { name: 'one message per batch', where: 'memory', files: fixturePaths, options: { batchRows: 1 }, batches: 48 },
    {
      name: 'reversed, one message per batch',
      where: 'memory',
      files: () => reversedFixtures(path.join(tmp, 'rev-c')),
      options: { batchRows: 1 },
    },
    {
      name: 'reversed, decoded on a worker thread',
      where: 'memory',
      files: () => reversedFixtures(path.join(tmp, 'rev-d')),
      options: { workers: 1 },
    },
    {
      name: 'one message per batch, on a worker thread',
      where: 'file',
      files: fixturePaths,
      options: { batchRows: 1, workers: 1 },
      batches: 48,
    },
  ];

  it.each(variants)('$name gives the same tables', async (v) => {
    const db = await openTestDb(v.where, tmp);
    try {
      const s = await ingest(db.store, v.files(), v.options);
      expect(counts(s)).toEqual(counts(baselineSummary));
      if (v.batches !== undefined) expect(s.batches).toBe(v.batches);
      const state = await orderFreeState(db.conn);
      expect(state['fee_line']).toHaveLength(59);
      expect(state).toEqual(baseline);
    } finally {
      await db.close();
    }
  });

  it('.ndjson.gz files give the same tables, and the same line numbers and offsets', async () => {
    const dir = path.join(tmp, 'gz');
    writeFiles(
      dir,
      MESSAGE_FILES.map((f) => [f, fixtureLines(f)]),
      true,
    );
    const files = replayFiles(dir);
    expect(files.map((f) => path.basename(f))).toEqual(MESSAGE_FILES.map((f) => `${f}.gz`));
    const db = await openTestDb('memory');
    try {
      const s = await ingest(db.store, files);
      expect(counts(s)).toEqual(counts(baselineSummary));
      expect(await orderFreeState(db.conn)).toEqual(baseline);
      const positions = await rows(db.conn, 'SELECT line::INTEGER AS line, "offset"::INTEGER AS off FROM rejected_message ORDER BY line');
      const lines = fixtureLines(INVALID_FILE);
      expect(positions).toEqual(
        REJECTIONS.map((r) => ({ line: r.line, off: lines.slice(0, r.line - 1).reduce((n, l) => n + l.length + 1, 0) })),
      );
    } finally {
      await db.close();
    }
  });
});
