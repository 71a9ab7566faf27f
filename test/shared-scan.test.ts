import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirWriter, generate } from '../generator/index.js';
import { replay, replayFiles } from '../ingest/index.js';
import { loadReference } from '../reference/index.js';
import { detect, knowledgeOrThrow, loadRules, runnable, type RuleRun, type ScanRun } from '../rules/index.js';
import { openStore, type Store } from '../store/index.js';
import { rows } from './support/store.js';
import { tempDir } from './support/temp.js';

/**
 * The plan step of detect: the fee-line rules that start from the lines of listed items share one
 * scan. On a generated tiny city, the library run with shared scans (forced: its listed lines are
 * most of the city's, above the share where detect would share) finds exactly the hits it finds with
 * every rule reading on its own.
 */

const tmp = tempDir('shared-scan');
let store: Store;
const rules = runnable(loadRules().rules.map((r) => r.compiled));

beforeAll(async () => {
  const city = path.join(tmp, 'tiny');
  await generate({ seed: 21, scale: 'tiny' }, dirWriter(city, { gzip: true }));
  store = await openStore(path.join(tmp, 'tiny.duckdb'));
  const conn = await store.connect();
  try {
    await loadReference(conn, path.join(city, 'reference'), { piiKey: 'scan-key' });
    await replay(store, replayFiles(path.join(city, 'messages')), { piiKey: 'scan-key' });
  } finally {
    conn.closeSync();
  }
}, 300_000);

afterAll(async () => {
  await store?.close();
});

async function run(shareScans: boolean): Promise<{ hits: string[]; runs: RuleRun[]; scan?: ScanRun }> {
  const conn = await store.connect();
  try {
    await conn.run('DELETE FROM hit_detail');
    await conn.run('DELETE FROM hit');
    let scan: ScanRun | undefined;
    const runs = await detect(conn, rules, knowledgeOrThrow(), {}, '2026-02-01 08:00:00', {
      shareScans,
      shareBelow: 1,
      onScan: (s) => (scan = s),
    });
    const hits = (await rows(conn, `SELECT rule_id || ' ' || jr_id || ' ' || CAST(vola_amt AS VARCHAR) AS h FROM hit ORDER BY 1`)).map(
      (r) => r['h'] as string,
    );
    return { hits, runs, ...(scan ? { scan } : {}) };
  } finally {
    conn.closeSync();
  }
}

describe('shared scans in detect', () => {
  it('several rules share the scan of listed fee lines, and every rule finds what it finds alone', async () => {
    const alone = await run(false);
    const shared = await run(true);
    expect(alone.scan).toBeUndefined();
    expect(shared.scan?.rules.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(shared.scan?.rows ?? 0).toBeGreaterThan(0);
    for (const id of shared.scan?.rules ?? []) expect(rules.find((r) => r.rule.id === id)?.scan).toBeDefined();
    expect(alone.hits.length).toBeGreaterThan(0);
    // Rules of the shared scan do hit in this city: the comparison is not between empty sets.
    const sharedHits = shared.runs.filter((r) => shared.scan?.rules.includes(r.rule_id)).reduce((s, r) => s + r.hits, 0);
    expect(sharedHits).toBeGreaterThan(0);
    expect(shared.hits).toEqual(alone.hits);
    expect(shared.runs.map((r) => [r.rule_id, r.hits])).toEqual(alone.runs.map((r) => [r.rule_id, r.hits]));
  }, 300_000);
});
