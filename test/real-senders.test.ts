import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { landMessages } from '../ingest/index.js';
import { openStore } from '../store/open.js';
import { PII_KEY } from './support/fixtures.js';
import { expected, messageOf, REAL_SENDERS_DIR as DIR, type Case, type Obj, type Outcome, type Wrap } from './support/real-senders.js';
import { rows } from './support/store.js';

/**
 * Real message bodies from public HIS integrations (fixtures/real-senders/, SOURCES.md says where
 * each came from), kept as each source writes them. Each lands or is refused exactly as contract §8
 * says (expected.json, explained line by line in expected.md): landed ones with their rows, trace
 * codes and data-quality notes; refusals with a reason naming the field and what was found.
 */

async function outcomeOf(file: string, wrap: Wrap): Promise<Outcome> {
  const body = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Obj;
  const store = await openStore(':memory:');
  try {
    const { rejected, result } = await landMessages(store, [Buffer.from(JSON.stringify(messageOf(body, wrap)))], {
      piiKey: PII_KEY,
      source: file,
    });
    const first = rejected[0]?.rejection;
    if (first) {
      // The reason a person reads names the field and what was found.
      expect(first.reason).toContain(first.issues[0]?.at.path ?? '');
      return { refused: { code: first.code, path: first.issues[0]?.at.path ?? '' } };
    }
    const conn = await store.connect();
    const [table, n] = Object.entries(result.rowsByTable)[0] ?? ['', 0];
    const traces = (await rows(conn, 'SELECT count(*)::INT AS n FROM trace_code'))[0]?.['n'];
    const notes = (await rows(conn, 'SELECT DISTINCT code FROM quality_note ORDER BY code')).map((r) => r['code'] as string);
    conn.closeSync();
    return { lands: { table, rows: n, traces: Number(traces), notes } };
  } finally {
    await store.close();
  }
}

describe('real senders (fixtures/real-senders)', () => {
  const files = readdirSync(DIR).filter((f) => /^\d{2}-.*\.json$/.test(f));

  it('hold at least 20 bodies from at least 3 sources, each with an expected outcome', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(expected.bodies).sort()).toEqual(files.sort());
    const sources = readFileSync(path.join(DIR, 'SOURCES.md'), 'utf8').match(/^\| S\d+ \|/gm) ?? [];
    expect(sources.length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.entries(expected.bodies))('%s lands or is refused as §8 says', async (file, c) => {
    const { lands, refused } = c;
    expect(await outcomeOf(file, c.wrap)).toEqual(lands ? { lands } : { refused });
    if (c.also) expect(await outcomeOf(file, c.also.wrap)).toEqual(c.also.lands ? { lands: c.also.lands } : { refused: c.also.refused });
  });

  it('personal data in the bodies never lands in clear', async () => {
    const store = await openStore(':memory:');
    try {
      const messages = files.map((f) =>
        JSON.stringify(messageOf(JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Obj, (expected.bodies[f] as Case).wrap)),
      );
      await landMessages(
        store,
        messages.map((m) => Buffer.from(m)),
        { piiKey: PII_KEY, source: 'real-senders' },
      );
      const conn = await store.connect();
      const everything = JSON.stringify([
        ...(await rows(conn, 'SELECT * FROM settlement_version')),
        ...(await rows(conn, 'SELECT * FROM psi_line_version')),
        ...(await rows(conn, 'SELECT CAST(raw AS VARCHAR) AS raw, reason FROM rejected_message')),
        ...(await rows(conn, 'SELECT * FROM quality_note')),
      ]);
      conn.closeSync();
      for (const clear of ['110101199003070011', '11010119900307002X', '张三', '王五']) expect(everything).not.toContain(clear);
    } finally {
      await store.close();
    }
  });
});
