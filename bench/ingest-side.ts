/** One side of bench/ingest in its own process; prints {seconds, rows, maxRssMb} as JSON. */
import { DuckDBInstance } from '@duckdb/node-api';
import { replay } from '../ingest/replay.js';
import { openStore } from '../store/open.js';

const [side, file, db] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
let rows: number;
if (side === 'duckdb') {
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  await c.run(
    `CREATE TABLE fee AS SELECT unnest(input.feedetail, recursive := true) FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', maximum_object_size = 16777216)`,
  );
  rows = Number((await c.runAndReadAll('SELECT count(*) FROM fee')).getRows()[0]?.[0]);
  await c.run('CHECKPOINT');
  inst.closeSync();
} else {
  const store = await openStore(db, { walAutocheckpoint: '1GB' });
  const c = await store.connect();
  if (process.env['DUCKDB_THREADS']) await c.run(`SET threads = ${Number(process.env['DUCKDB_THREADS'])}`);
  const s = await replay(store, [file], {
    piiKey: process.env['FUNDWATCH_PII_KEY'] ?? 'k',
    ...(process.env['BATCH_ROWS'] ? { batchRows: Number(process.env['BATCH_ROWS']) } : {}),
    ...(process.env['WORKERS'] ? { workers: Number(process.env['WORKERS']) } : {}),
  });
  rows = s.rowsLanded;
  c.closeSync();
  const tc = performance.now();
  await store.close();
  process.stderr.write(
    `  (fundwatch: replay ${s.seconds.toFixed(2)} s in ${s.batches} batches, final checkpoint ${((performance.now() - tc) / 1000).toFixed(2)} s)\n`,
  );
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ seconds, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
