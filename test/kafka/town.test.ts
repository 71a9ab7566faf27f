/**
 * Acceptance at scale: a generated town (about half a million fee lines over 30 days) produced to
 * the real test broker and consumed gives the same canonical tables as a replay ingest of the same
 * files: row counts and the sum of every amount, per table, plus the accepted and rejected messages.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../store/open.js';
import { generatedCity, produce, runIngest, testSettings } from '../support/kafka-ingest.js';
import { countsAndSums } from '../support/state.js';
import { ingest } from '../support/store.js';

const bootstrap = inject('kafkaBootstrap');

async function sumsOf(store: Awaited<ReturnType<typeof openStore>>) {
  const conn = await store.connect();
  try {
    return await countsAndSums(conn);
  } finally {
    conn.closeSync();
  }
}

describe.skipIf(!bootstrap)('a generated town through Kafka (real broker)', () => {
  let town: Awaited<ReturnType<typeof generatedCity>>;

  beforeAll(async () => {
    town = await generatedCity('town', 7);
  }, 180_000);
  afterAll(() => rmSync(town.dir, { recursive: true, force: true }));

  it('lands the same counts and sums per table as a replay ingest of the same files', async () => {
    const replayed = await openStore(':memory:');
    let oracle;
    try {
      await ingest(replayed, town.files, { workers: 2 });
      oracle = await sumsOf(replayed);
    } finally {
      await replayed.close();
    }
    expect(Number(oracle['fee_line_version']?.['n'])).toBeGreaterThan(400_000);

    const settings = testSettings(bootstrap as string);
    const produced = await produce(settings, town.files);
    const store = await openStore(':memory:');
    try {
      const s = await runIngest(store, settings, { untilIdleSeconds: 2, sessionTimeoutMs: 10_000 });
      expect(s.messagesRead).toBe(produced);
      expect(await sumsOf(store)).toEqual(oracle);
    } finally {
      await store.close();
    }
  }, 400_000);
});
