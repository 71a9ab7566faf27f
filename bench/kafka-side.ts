/**
 * The consuming side of bench/kafka, in its own process: consumes the bench topics into a fresh
 * DuckDB file until `expectedRows` rows have landed, then stops gracefully and closes the store
 * (final checkpoint included). Prints {seconds, landedSeconds, rows, batches, maxRssMb} as JSON.
 */
import { createDecodePool, defaultDecodeWorkers } from '../ingest/decode-pool.js';
import { KafkaIngest } from '../kafka/consume.js';
import { kafkaClient, resolveKafkaSettings } from '../kafka/config.js';
import { openStore } from '../store/open.js';

const [brokers, topicPrefix, db, expected] = process.argv.slice(2) as [string, string, string, string];
const expectedRows = Number(expected);
const t0 = performance.now();
const store = await openStore(db, { walAutocheckpoint: '1GB' });
const settings = resolveKafkaSettings({ brokers, topicPrefix, group: `bench-${process.pid}` });
const pool = createDecodePool(
  process.env['FUNDWATCH_PII_KEY'] ?? 'k',
  process.env['WORKERS'] ? Number(process.env['WORKERS']) : defaultDecodeWorkers(),
);
let rows = 0;
let landedAt = 0;
const ingest = await KafkaIngest.start(
  store,
  settings,
  {
    ...(process.env['BATCH_ROWS'] ? { batchRows: Number(process.env['BATCH_ROWS']) } : {}),
    onBatch: (r, _n, self) => {
      rows += r.rowsLanded;
      if (rows >= expectedRows && !landedAt) {
        landedAt = performance.now();
        self.stop().catch(() => undefined); // a failure reaches ingest.done
      }
    },
  },
  { kafka: kafkaClient(settings), pool },
);
const s = await ingest.done;
await pool.close();
const stoppedAt = performance.now();
await store.close();
process.stderr.write(
  `  (kafka: last batch landed ${((landedAt - t0) / 1000).toFixed(2)} s, consumer stopped ${((stoppedAt - t0) / 1000).toFixed(2)} s, store closed ${((performance.now() - t0) / 1000).toFixed(2)} s)\n`,
);
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  JSON.stringify({
    seconds,
    landedSeconds: (landedAt - t0) / 1000,
    rows: s.rowsLanded,
    batches: s.batches,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
