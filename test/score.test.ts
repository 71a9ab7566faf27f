import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerScore } from '../cli/commands/score.js';
import { Labels } from '../contract/labels.js';
import { formatScorecard, parseRef, readHits, scorecard, writeHits, type Hit, type PatternScore } from '../score/index.js';
import { openStore } from '../store/index.js';
import { runRegistered } from './support/cli.js';

/**
 * The scorecard on hand-made hits whose precision and recall were worked out by hand (below, next
 * to each hit), exactly as contract §7 defines them.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'fundwatch-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The hand-made labels, parsed by each test that uses them (not while the file is collected), so a
 * broken schema or scorer fails the tests instead of leaving a file with no tests in it.
 */
const LABELS = {
  frauds: [
    { pattern: 'over-price', level: 'visit', fixmedins_code: 'H1', mdtrt_id: 'MZ1' }, // F1
    { pattern: 'over-price', level: 'visit', fixmedins_code: 'H1', mdtrt_id: 'MZ2' }, // F2
    { pattern: 'over-price', level: 'visit', fixmedins_code: 'H2', mdtrt_id: 'MZ1' }, // F3: same 就诊ID, other institution
    { pattern: 'resale', level: 'person', psn_no: 'P9', med_list_codg: 'X1' }, // F4
    { pattern: 'inventory-mismatch', level: 'institution', fixmedins_code: 'P1' }, // F5
    { pattern: 'trace-code-reuse', level: 'trace', drug_trac_codg: 'T1' }, // F6
    { pattern: 'collusion', level: 'person', psn_no: 'P20', psn_nos: ['P20', 'P21'] }, // F7
  ],
  honest: [
    { pattern: 'over-price', looks_like: 'over-price', level: 'visit', fixmedins_code: 'H3', mdtrt_id: 'MZ9', note: 'T1 更正' }, // L1
    { pattern: 'trace-code-reuse', looks_like: 'trace-code-reuse', level: 'trace', drug_trac_codg: 'T2', note: '拆零' }, // L2
    { pattern: 'split-admission', looks_like: 'split-admission', level: 'visit', fixmedins_code: 'H1', mdtrt_id: 'ZY5' }, // L3
  ],
  malformed: [{ msgid: 'H1-20260101-000001', reason: '截断' }],
};
const labels = (): Labels => Labels.parse(LABELS);

function hit(
  jr_id: string,
  pattern: string,
  amt: number,
  subject: Partial<Pick<Hit, 'fixmedins_code' | 'psn_no' | 'mdtrt_id'>>,
  refs: string[] = [],
  score: number | null = null,
): Hit {
  return {
    jr_id,
    rule_id: `R-${pattern}`,
    rule_version: '1',
    rule_name: pattern,
    knowledge_version: null,
    pattern,
    sev_deg: 'suspect',
    vola_cont: '测试',
    vola_evid: '测试',
    vola_amt: amt,
    fixmedins_code: subject.fixmedins_code ?? '',
    psn_no: subject.psn_no ?? '',
    mdtrt_id: subject.mdtrt_id ?? '',
    dr_codg: '',
    score,
    details: refs.map((ref) => ({ vola_item_type: 1 as const, ref, amount: null })),
  };
}

const HITS: Hit[] = [
  hit('h1', 'over-price', 100, { fixmedins_code: 'H1', mdtrt_id: 'MZ1' }), // catches F1, true
  hit('h2', 'over-price', 50, { fixmedins_code: 'H1' }, ['fee:H1:MZ2:0001']), // catches F2 through a fee ref, true
  hit('h3', 'over-price', 500, { fixmedins_code: 'H2', mdtrt_id: 'MZ7' }), // names nothing labelled: false
  hit('h4', 'over-price', 20, {}, ['fee:H3:MZ9:0003']), // names only look-alike L1: false positive on a look-alike
  hit('h5', 'resale', 300, {}, ['person:P9']), // catches F4, true
  hit('h6', 'volume-spike', 0, { fixmedins_code: 'P1' }), // names F5's key: true, but catches nothing (pattern differs)
  hit('h7', 'trace-code-reuse', 10, {}, ['trace:T2']), // names only look-alike L2: false positive on a look-alike
  hit('h8', 'trace-code-reuse', 5, {}, ['trace:T1', 'psi:P1:4:XS001']), // catches F6, true
  hit('h9', 'over-price', 1, { mdtrt_id: 'MZ1' }), // a 就诊ID alone does not name H1's or H2's visit: false
  hit('h10', 'collusion', 0, {}, ['person:P21'], 0.9), // a group member is not the label's key: false
];

const byPattern = (rows: readonly PatternScore[], p: string) => rows.find((r) => r.pattern === p) as PatternScore;

describe('scorecard (contract §7), worked out by hand', () => {
  const card = () => scorecard(HITS, labels(), [1, 3, 10]);

  it('over-price: 5 hits, 2 true (h1, h2); 3 labels, 2 caught (F3 missed); P@1 0 (h3 ranks first); 1 look-alike false positive', () => {
    const s = byPattern(card().patterns, 'over-price');
    expect(s).toMatchObject({ labels: 3, caught: 2, hits: 5, trueHits: 2, lookalikes: 1, lookalikeFalsePositives: 1 });
    expect(s.precision).toBeCloseTo(2 / 5, 10);
    expect(s.recall).toBeCloseTo(2 / 3, 10);
    expect(s.f1).toBeCloseTo((2 * 0.4 * (2 / 3)) / (0.4 + 2 / 3), 10); // 0.5
    expect(s.f1).toBeCloseTo(0.5, 10);
    // Ranked by vola_amt: h3 500 (false), h1 100, h2 50, h4 20 (false), h9 1 (false).
    expect(s.precisionAtK).toEqual({ '1': 0, '3': 2 / 3, '10': 2 / 5 });
  });

  it('trace-code-reuse: h8 catches F6 and is true; h7 names only the split-pack look-alike', () => {
    const s = byPattern(card().patterns, 'trace-code-reuse');
    expect(s).toMatchObject({
      labels: 1,
      caught: 1,
      hits: 2,
      trueHits: 1,
      precision: 0.5,
      recall: 1,
      lookalikes: 1,
      lookalikeFalsePositives: 1,
    });
    expect(s.f1).toBeCloseTo(2 / 3, 10);
    expect(s.precisionAtK).toEqual({ '1': 0, '3': 0.5, '10': 0.5 });
  });

  it('a hit is true when it names any fraud key, whatever its pattern; catching needs the same pattern', () => {
    expect(byPattern(card().patterns, 'volume-spike')).toMatchObject({
      labels: 0,
      hits: 1,
      trueHits: 1,
      precision: 1,
      recall: null,
      f1: null,
    });
    expect(byPattern(card().patterns, 'inventory-mismatch')).toMatchObject({
      labels: 1,
      caught: 0,
      hits: 0,
      precision: null,
      recall: 0,
      f1: 0,
    });
    expect(byPattern(card().patterns, 'resale')).toMatchObject({ labels: 1, caught: 1, hits: 1, precision: 1, recall: 1, f1: 1 });
    expect(byPattern(card().patterns, 'collusion')).toMatchObject({
      labels: 1,
      caught: 0,
      hits: 1,
      trueHits: 0,
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  it('lists patterns that only have look-alikes, and orders rows by the vocabulary', () => {
    expect(byPattern(card().patterns, 'split-admission')).toMatchObject({
      labels: 0,
      hits: 0,
      precision: null,
      recall: null,
      lookalikes: 1,
      lookalikeFalsePositives: 0,
    });
    expect(card().patterns.map((p) => p.pattern)).toEqual([
      'split-admission',
      'over-price',
      'inventory-mismatch',
      'trace-code-reuse',
      'resale',
      'volume-spike',
      'collusion',
    ]);
  });

  it('overall: 10 hits, 5 true; 7 labels, 4 caught; P@k over all hits (ties on amount broken by score)', () => {
    expect(card().overall).toMatchObject({
      hits: 10,
      trueHits: 5,
      labels: 7,
      caught: 4,
      precision: 0.5,
      lookalikes: 3,
      lookalikeFalsePositives: 2,
    });
    expect(card().overall.recall).toBeCloseTo(4 / 7, 10);
    expect(card().overall.f1).toBeCloseTo((2 * 0.5 * (4 / 7)) / (0.5 + 4 / 7), 10);
    // h3 500 F, h5 300 T, h1 100 T | h2 50 T, h4 20 F, h7 10 F, h8 5 T, h9 1 F, h10 0 (score 0.9) F, h6 0 (no score) T
    expect(card().overall.precisionAtK).toEqual({ '1': 0, '3': 2 / 3, '10': 0.5 });
    expect(card().lookalikeFalsePositives.map((f) => [f.jr_id, f.label.key])).toEqual([
      ['h4', 'MZ9'],
      ['h7', 'T2'],
    ]);
  });

  it('before any detector exists: every recall 0, no precision, and says so in Chinese', () => {
    const empty = scorecard([], labels());
    expect(empty.patterns.filter((p) => p.labels > 0).every((p) => p.recall === 0 && p.precision === null && p.f1 === 0)).toBe(true);
    expect(empty.overall).toMatchObject({ hits: 0, caught: 0, recall: 0, precision: null });
    const text = formatScorecard(empty);
    expect(text).toContain('尚无命中');
    expect(text).toMatch(/over-price\s+超标准收费\s+3\s+0\s+0\s+-\s+0\.0%/);
  });

  it('prints a Chinese table with every pattern, the overall row and the look-alike false positives', () => {
    const text = formatScorecard(card());
    expect(text).toContain('精确率');
    expect(text).toMatch(/over-price\s+超标准收费\s+3\s+5\s+2\s+40\.0%\s+66\.7%\s+50\.0%/);
    expect(text).toMatch(/全部\s+7\s+10\s+5\s+50\.0%\s+57\.1%/);
    expect(text).toContain('相似正常行为上的误报 (共 2 条');
    expect(text).toContain('T1 更正');
  });
});

describe("naming a person by psn_no (contract §7: a person label's key is psn_no)", () => {
  const people = () =>
    Labels.parse({
      frauds: [{ pattern: 'resale', level: 'person', psn_no: 'P9' }],
      honest: [{ pattern: 'resale', looks_like: 'resale', level: 'person', psn_no: 'P7', note: '慢病长处方' }],
      malformed: [],
    });
  const hits = [
    hit('p1', 'resale', 300, { psn_no: 'P9', fixmedins_code: 'H5' }), // the subject's psn_no is the label's key: catches it, true
    hit('p2', 'resale', 200, { psn_no: 'P7' }), // names only the look-alike: a false positive on it
    hit('p3', 'resale', 100, { psn_no: 'P8' }), // names nobody labelled: false
    hit('p4', 'over-price', 50, { psn_no: 'P9' }), // names the fraud's key: true, but another pattern catches nothing
    hit('p5', 'resale', 10, { mdtrt_id: 'P9' }), // a 就诊ID that reads like the psn_no names no person: false
  ];

  it('resale: 4 hits, 1 true (p1); the one label caught; P@1 1, P@3 1/3; one look-alike false positive', () => {
    const card = scorecard(hits, people(), [1, 3]);
    expect(byPattern(card.patterns, 'resale')).toMatchObject({
      labels: 1,
      caught: 1,
      hits: 4,
      trueHits: 1,
      precision: 0.25,
      recall: 1,
      lookalikes: 1,
      lookalikeFalsePositives: 1,
      precisionAtK: { '1': 1, '3': 1 / 3 },
    });
    expect(byPattern(card.patterns, 'resale').f1).toBeCloseTo(0.4, 10); // 2 · 0.25 · 1 / 1.25
    expect(byPattern(card.patterns, 'over-price')).toMatchObject({ labels: 0, hits: 1, trueHits: 1, precision: 1, recall: null });
    expect(card.overall).toMatchObject({ hits: 5, trueHits: 2, labels: 1, caught: 1, precision: 0.4, recall: 1 });
    expect(card.lookalikeFalsePositives).toEqual([
      { jr_id: 'p2', pattern: 'resale', rule_id: 'R-resale', vola_amt: 200, label: { level: 'person', key: 'P7', note: '慢病长处方' } },
    ]);
  });
});

describe('references of hit details', () => {
  it('parses every contract §6 form, and rejects others', () => {
    expect(parseRef('fee:H1:MZ1:0001')).toEqual({ kind: 'fee', inst: 'H1', mdtrt: 'MZ1', sn: '0001' });
    expect(parseRef('visit:H1:ZY1')).toEqual({ kind: 'visit', inst: 'H1', mdtrt: 'ZY1' });
    expect(parseRef('setl:H1:JS1')).toEqual({ kind: 'setl', inst: 'H1', setl: 'JS1' });
    expect(parseRef('psi:P1:4:XS1')).toEqual({ kind: 'psi', inst: 'P1', psiKind: '4', bchno: 'XS1' });
    expect(parseRef('trace:83925410037456120813')).toEqual({ kind: 'trace', code: '83925410037456120813' });
    expect(parseRef('person:PSN1')).toEqual({ kind: 'person', psn: 'PSN1' });
    expect(parseRef('inst:H1')).toEqual({ kind: 'inst', inst: 'H1' });
    for (const bad of ['', 'fee:H1', 'visit:H1', 'psi:P1:4', 'inst:', 'inst:a:b', 'nope:1', 'fee::MZ1:1'])
      expect(parseRef(bad), bad).toBeUndefined();
  });
});

describe('hits in the store (migration 0002, real DuckDB)', () => {
  it('round-trips hits through hit and hit_detail, leaving withdrawn hits out of the score', async () => {
    const store = await openStore(':memory:');
    const conn = await store.connect();
    try {
      await writeHits(conn, [...HITS, hit('h11', 'resale', 999, {}, ['person:P9'])]);
      await conn.run(`UPDATE hit SET withdrawn = true WHERE jr_id = 'h11'`);
      const cols = (
        await conn.runAndReadAll(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'hit' ORDER BY ordinal_position`,
        )
      ).getRows();
      expect(cols.map((c) => String(c[0]))).toEqual([
        'jr_id',
        'rule_id',
        'rule_version',
        'rule_name',
        'knowledge_version',
        'pattern',
        'sev_deg',
        'vola_cont',
        'vola_evid',
        'vola_amt',
        'fixmedins_code',
        'psn_no',
        'mdtrt_id',
        'dr_codg',
        'score',
        'detected_at',
        'withdrawn',
        // Migration 0003 (rule engine): the day of the earliest fact, and the reviewer's evidence.
        'occurred_on',
        'evidence',
      ]);
      expect(cols.find((c) => c[0] === 'vola_amt')?.[1]).toBe('DECIMAL(16,2)');
      const back = await readHits(conn);
      expect(back.map((h) => h.jr_id)).toEqual([...HITS.map((h) => h.jr_id)].sort());
      expect(scorecard(back, labels(), [1, 3, 10])).toEqual(scorecard(HITS, labels(), [1, 3, 10]));
    } finally {
      conn.closeSync();
      await store.close();
    }
  });

  it('`fundwatch score` prints the scorecard from the database (and --json), and refuses a bad labels file', async () => {
    const db = path.join(dir, 'score.duckdb');
    const store = await openStore(db);
    const conn = await store.connect();
    await writeHits(conn, HITS);
    conn.closeSync();
    await store.close();
    const file = path.join(dir, 'labels.json');
    writeFileSync(file, JSON.stringify(LABELS));
    const run = (args: string[]) => runRegistered(registerScore, args);
    expect(await run(['score', '--labels', file, '--db', db, '--k', '3'])).toMatch(
      /over-price\s+超标准收费\s+3\s+5\s+2\s+40\.0%\s+66\.7%\s+50\.0%\s+66\.7%/,
    );
    const json = JSON.parse(await run(['score', '--labels', file, '--db', db, '--json'])) as { overall: { precision: number } };
    expect(json.overall.precision).toBe(0.5);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ frauds: [{ pattern: 'no-such', level: 'visit' }], honest: [], malformed: [] }));
    await expect(run(['score', '--labels', bad, '--db', db])).rejects.toThrow(/不符合合同 §7/);
    await expect(run(['score', '--db', db])).rejects.toThrow(/--labels/);
  });
});
