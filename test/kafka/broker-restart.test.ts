/**
 * A broker restart during consumption: the consumer (in this process) loses its connections,
 * retries, rejoins its group when the broker is back and finishes; the tables equal a replay
 * ingest of the same files. Uses a broker of its own, so no other suite sees the outage.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../store/open.js';
import { startBroker, type Broker } from '../support/kafka-broker.js';
import { generatedCity, produce, replayOracle, runIngest, SMALL_BATCHES, stateOf, testSettings } from '../support/kafka-ingest.js';

const bootstrap = inject('kafkaBootstrap');

describe.skipIf(!bootstrap)('Kafka ingest across a broker restart (real broker)', () => {
  let broker: Broker;
  let city: Awaited<ReturnType<typeof generatedCity>>;
  let oracle: Awaited<ReturnType<typeof replayOracle>>;

  beforeAll(async () => {
    [broker, city] = await Promise.all([startBroker(), generatedCity('tiny', 13)]);
    oracle = await replayOracle(city.files);
  }, 180_000);
  afterAll(async () => {
    await broker?.close();
    if (city) rmSync(city.dir, { recursive: true, force: true });
  });

  it('recovers by itself when the broker restarts mid-stream, and lands exactly the replay tables', async () => {
    const settings = testSettings(broker.bootstrap);
    await produce(settings, city.files);
    const store = await openStore(':memory:');
    let restarted: Promise<void> | undefined;
    let batchesAtRestart = 0;
    try {
      const s = await runIngest(store, settings, {
        ...SMALL_BATCHES,
        onBatch: (_r, batches) => {
          if (batches === 2) {
            batchesAtRestart = batches;
            // Down for a few seconds, long enough for kafkajs to give its consumer up on the group
            // coordinator; the ingest must start a new one by itself.
            restarted = (async () => {
              await broker.stop();
              await new Promise((r) => setTimeout(r, 4000));
              await broker.restart();
            })();
          }
        },
      });
      await expect(restarted).resolves.toBeUndefined();
      expect(s.batches).toBeGreaterThan(batchesAtRestart);
      const got = await stateOf(store);
      expect(got.sums).toEqual(oracle.sums);
      expect(got.state).toEqual(oracle.state);
    } finally {
      await store.close();
    }
  }, 240_000);
});
