import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Labels } from '../contract/labels.js';
import { runDetectors, runnableDetectors } from '../detectors/index.js';
import { dirWriter, generate } from '../generator/index.js';
import { replay, replayFiles } from '../ingest/index.js';
import { loadReference } from '../reference/index.js';
import { detect, knowledgeOrThrow, loadRules, runnable } from '../rules/index.js';
import { readHits, scorecard, type Scorecard } from '../score/index.js';
import { openStore, type Store } from '../store/index.js';
import { tempDir } from './support/temp.js';

/**
 * The first rule set on a generated town (≈ 500 thousand fee lines over 30 days), generated,
 * loaded and ingested as a user would, then detected and scored against the generator's labels
 * with the contract §7 scorecard: recall and precision ≥ 0.9 for every pattern the rule library covers, and no hit
 * on their honest look-alikes (hard negatives). Then the statistical detectors run on the same
 * store, and rules and detectors together are scored on the patterns only numbers show.
 */

const tmp = tempDir('rules-town');
let store: Store;
let card: Scorecard;
/** Rules and detectors together. */
let both: Scorecard;
let labels: Labels;
const rules = runnable(loadRules().rules.map((r) => r.compiled));
const PATTERNS = [...new Set(rules.map((r) => r.rule.pattern))].sort();

beforeAll(async () => {
  const city = path.join(tmp, 'town');
  await generate({ seed: 13, scale: 'town' }, dirWriter(city, { gzip: true }));
  labels = Labels.parse(JSON.parse(readFileSync(path.join(city, 'labels.json'), 'utf8')));
  store = await openStore(path.join(tmp, 'town.duckdb'), { walAutocheckpoint: '1GB' });
  const conn = await store.connect();
  try {
    await loadReference(conn, path.join(city, 'reference'), { piiKey: 'town-key' });
    await replay(store, replayFiles(path.join(city, 'messages')), { piiKey: 'town-key' });
    await detect(conn, rules, knowledgeOrThrow());
    card = scorecard(await readHits(conn), labels, [10]);
    await runDetectors(conn, runnableDetectors());
    both = scorecard(await readHits(conn), labels, [20]);
  } finally {
    conn.closeSync();
  }
}, 900_000);

afterAll(async () => {
  await store?.close();
});

describe('the rule library on a generated town (seed 13)', () => {
  it('covers the policy areas of the library: the first seven and the fraud patterns since', () => {
    expect(PATTERNS).toEqual(
      expect.arrayContaining([
        'age-restricted',
        'duplicate-charge',
        'excess-quantity',
        'gender-restricted',
        'inventory-mismatch',
        'over-price',
        'split-admission',
        // 挂床, 虚假住院, 串换, 分解收费, 倒卖, 追溯码, 限范围: the patterns the library covers since the national knowledge base.
        'drug-substitution',
        'phantom-admission',
        'phantom-bed',
        'resale',
        'scope-restricted',
        'trace-code-reuse',
        'unbundled-charges',
      ]),
    );
  });

  it.each(PATTERNS)('%s: recall and precision ≥ 0.9 on the labels, no hit on its look-alikes', (pattern) => {
    const s = card.patterns.find((p) => p.pattern === pattern);
    expect(s?.labels, 'labels of the pattern in this town').toBeGreaterThan(0);
    expect(s?.recall ?? 0).toBeGreaterThanOrEqual(0.9);
    expect(s?.precision ?? 0).toBeGreaterThanOrEqual(0.9);
    expect(s?.lookalikeFalsePositives).toBe(0);
    expect(card.lookalikeFalsePositives.filter((f) => f.pattern === pattern)).toEqual([]);
  });

  it('the look-alikes the generator plants for these patterns are really there (the check above is not vacuous)', () => {
    const looks = new Set(labels.honest.map((l) => l.looks_like));
    for (const p of ['over-price', 'excess-quantity', 'split-admission', 'phantom-bed', 'phantom-admission', 'trace-code-reuse', 'resale'])
      expect(looks.has(p as never), p).toBe(true);
  });
});

describe('rules and statistical detectors together on the same town', () => {
  it.each(['peer-outlier', 'volume-spike', 'collusion', 'phantom-bed', 'phantom-admission', 'drug-substitution', 'inventory-mismatch'])(
    '%s: recall ≥ 0.8 and precision@20 ≥ 0.8',
    (pattern) => {
      const s = both.patterns.find((p) => p.pattern === pattern);
      expect(s?.labels, 'labels of the pattern in this town').toBeGreaterThan(0);
      expect(s?.recall ?? 0).toBeGreaterThanOrEqual(0.8);
      expect(s?.precisionAtK['20'] ?? 0).toBeGreaterThanOrEqual(0.8);
    },
  );

  it('flags none of the honest look-alikes: the cancer hospital, the chronic-disease pharmacy, day surgery, chemotherapy cycles, transfers', () => {
    expect(both.lookalikeFalsePositives).toEqual([]);
    const looks = new Set(labels.honest.map((l) => l.looks_like));
    expect(looks.has('peer-outlier')).toBe(true);
  });

  it('explains each peer hit in numbers a supervisor can check: metric, value, peer median, percentile, robust z', async () => {
    const conn = await store.connect();
    try {
      const hits = (
        await conn.runAndReadAll(`SELECT sev_deg, vola_cont, score FROM hit WHERE rule_id = 'peer-comparison' AND NOT withdrawn`)
      ).getRowObjectsJson();
      expect(hits.length).toBeGreaterThan(0);
      for (const h of hits) {
        expect(h['sev_deg']).toBe('suspect');
        expect(h['vola_cont'] as string).toMatch(/(次均费用|占比|住院日|再住院率) .+, 同级中位数 .+, 第 \d+ 百分位, 稳健 z = [\d.]+/);
        expect(Number(h['score'])).toBeGreaterThan(0);
      }
    } finally {
      conn.closeSync();
    }
  });

  it('adds the patterns the rules cannot see without losing what the rules found', () => {
    for (const p of ['peer-outlier', 'volume-spike', 'collusion']) {
      expect(card.patterns.find((x) => x.pattern === p)?.caught ?? 0, `${p} by rules alone`).toBe(0);
      expect(both.patterns.find((x) => x.pattern === p)?.caught ?? 0, `${p} with detectors`).toBeGreaterThan(0);
    }
    expect(both.overall.caught).toBeGreaterThanOrEqual(card.overall.caught);
  });
});
