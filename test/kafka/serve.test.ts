/**
 * `fundwatch serve --kafka` against the real test broker: the server consumes the topics into the
 * database it holds while its API answers, and what lands equals a replay ingest of the same files.
 */
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { MESSAGE_FILES, MESSAGES_DIR } from '../support/fixtures.js';
import { produce, replayOracle, stateOfFile, tempDb, testSettings } from '../support/kafka-ingest.js';
import { startServe } from '../support/serve.js';

const bootstrap = inject('kafkaBootstrap');

describe.skipIf(!bootstrap)('fundwatch serve --kafka (real broker, real server process)', () => {
  it('consumes the topics into the database it holds while the API answers, as a replay would land them', async () => {
    const settings = testSettings(bootstrap as string);
    const files = MESSAGE_FILES.map((f) => path.join(MESSAGES_DIR, f));
    const produced = await produce(settings, files);
    const db = tempDb('serve-kafka');
    const server = await startServe(db, [
      '--kafka',
      '--brokers',
      bootstrap as string,
      '--group',
      settings.groupId,
      '--topic-prefix',
      settings.topicPrefix,
    ]);
    try {
      // The API answers while the consumer runs; poll `status` until every produced message is consumed.
      const consumed = async () => {
        const r = await fetch(`${server.file.url}/v1/ops/status`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.file.token}` },
          body: JSON.stringify({ args: {} }),
        });
        const body = (await r.json()) as { ok: boolean; result: { kafka: { nextOffset: number }[] } };
        expect(body.ok).toBe(true);
        return body.result.kafka.reduce((s, k) => s + k.nextOffset, 0);
      };
      for (let waited = 0; (await consumed()) < produced; waited += 250) {
        if (waited > 90_000) throw new Error(`serve --kafka consumed ${await consumed()} of ${produced}: ${server.stderr()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(await stateOfFile(db)).toEqual(await replayOracle(files));
  }, 180_000);
});
