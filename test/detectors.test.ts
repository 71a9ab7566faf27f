import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Labels } from '../contract/labels.js';
import { benfordOfCounts } from '../detectors/benford.js';
import { CONFIG_DIR, DETECTORS, loadConfigs, readConfig, runDetectors, runnableDetectors } from '../detectors/index.js';
import { compare, PeerParams } from '../detectors/peers.js';
import { bhWithTotal, flowFindings, FlowParams } from '../detectors/rings.js';
import { bestChange, SpikeParams } from '../detectors/spikes.js';
import { dirWriter, generate } from '../generator/index.js';
import { replay, replayFiles } from '../ingest/index.js';
import { loadReference } from '../reference/index.js';
import { buildLock, LIBRARY_DIR, lintTexts, sha256 } from '../rules/index.js';
import { readHits, scorecard } from '../score/index.js';
import { openStore, type Store } from '../store/index.js';
import { runCli } from './support/cli.js';
import { tempDir } from './support/temp.js';

/**
 * The statistical detectors: their configs (validated at file:line:col, in the rule lock), the
 * statistics they add on top of the shared ones (checked by hand), and a run on a generated tiny
 * city (16 days, real ingest, real DuckDB file): what they find, that a rerun changes nothing, and
 * the tables they leave for the reviewer (ledger, loads, Benford evidence).
 */

const tmp = tempDir('detectors');
let store: Store;
let conn: DuckDBConnection;
let labels: Labels;
const db = path.join(tmp, 'tiny.duckdb');

beforeAll(async () => {
  await generate({ seed: 11, scale: 'tiny', days: 16 }, dirWriter(path.join(tmp, 'city'), { gzip: true }));
  labels = Labels.parse(JSON.parse(readFileSync(path.join(tmp, 'city', 'labels.json'), 'utf8')));
  store = await openStore(db, { walAutocheckpoint: '1GB' });
  conn = await store.connect();
  await loadReference(conn, path.join(tmp, 'city', 'reference'), { piiKey: 'test-key' });
  await replay(store, replayFiles(path.join(tmp, 'city', 'messages')), { piiKey: 'test-key' });
}, 180_000);

let closed = false;
afterAll(async () => {
  if (closed) return;
  conn?.closeSync();
  await store?.close();
});

const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson();

describe('detector configs', () => {
  it('every detector has exactly one config, and every config is in the rule lock with its hash', () => {
    const { loaded, issues } = loadConfigs(DETECTORS);
    expect(issues).toEqual([]);
    expect(loaded.map((l) => l.detector.id).sort()).toEqual(DETECTORS.map((d) => d.id).sort());
    const lock = JSON.parse(readFileSync(path.join(LIBRARY_DIR, 'rules.lock.json'), 'utf8')) as {
      detectors: Record<string, { version: number; sha256: string }>;
    };
    for (const l of loaded) expect(lock.detectors[l.detector.id], l.detector.id).toEqual({ version: l.version, sha256: sha256(l.text) });
  });

  it('reports a bad value, an unknown parameter and an unknown detector at file:line:col', () => {
    const text = readFileSync(path.join(CONFIG_DIR, 'volume-spike.yaml'), 'utf8')
      .replace('min_ratio: 2 ', 'min_ratio: 0.5 ')
      .replace('max_p:', 'maxp:');
    const r = readConfig(text, 'volume-spike.yaml', DETECTORS);
    expect(r.ok).toBe(false);
    const lines = text.split('\n');
    const at = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line: line + 1, col: (lines[line] ?? '').indexOf(needle) + 1 };
    };
    const issues = r.ok ? [] : r.issues;
    const ratio = issues.find((i) => i.at?.path === 'params.min_ratio');
    expect(ratio?.at).toMatchObject({ file: 'volume-spike.yaml', line: at('0.5').line, col: at('0.5').col });
    expect(issues.find((i) => i.code === 'unknown-field')?.at).toMatchObject({ line: at('maxp').line, col: at('maxp').col });
    const unknown = readConfig(text.replace('detector: volume-spike', 'detector: no-such-detector'), 'x.yaml', DETECTORS);
    expect(unknown.ok ? [] : unknown.issues.map((i) => [i.code, i.at?.line])).toContainEqual(['invalid-enum', at('detector:').line]);
  });

  it('a changed config without a version bump is an error of the lock check', () => {
    const file = { file: 'detectors/config/loads.yaml', name: 'loads', text: readFileSync(path.join(CONFIG_DIR, 'loads.yaml'), 'utf8') };
    const version = Number(/^version: (\d+)/m.exec(file.text)?.[1]);
    const lock = buildLock([], [], [{ name: 'loads', version, text: file.text }]);
    expect(lintTexts({ rules: [], tests: new Map(), knowledge: [], detectors: [file], lock })).toEqual([]);
    const changed = { ...file, text: file.text.replace(/max_bed_ratio: [\d.]+/, 'max_bed_ratio: 1.3') };
    expect(lintTexts({ rules: [], tests: new Map(), knowledge: [], detectors: [changed], lock }).map((i) => i.code)).toEqual([
      'version-not-bumped',
    ]);
  });
});

describe('the statistics the detectors add (hand-worked)', () => {
  it('peer comparison: one unit three times its six peers is flagged with its robust z and percentile', () => {
    // Peers 100, 102, 98, 101, 99, 100 and the unit 300: median of the 7 values is 100, absolute deviations
    // 0, 2, 2, 1, 1, 0, 200 → MAD 1, robust z = (300 − 100) / 1.4826 = 134.9; percentile = 100 × (6 + 0.5) / 7 = 92.86.
    const base = {
      level: 'institution',
      itype: '1',
      lv: '2',
      specialty: '综合',
      admdvs: '511802',
      dept: '',
      month: '2026-01',
      setting: 'op',
    } as const;
    const fees = [100, 102, 98, 101, 99, 100, 300];
    const rs = fees.map((f, i) => ({
      ...base,
      inst: `H${i}`,
      unit: `H${i}`,
      n: 50,
      total: f * 50,
      v: { s_fee: f * 50, q_fee: f * f * 50 + (i % 2) * 100 },
    }));
    const found = compare(rs, PeerParams.parse({}));
    expect(found.map((f) => [f.row.inst, f.metric.id])).toEqual([['H6', 'fee']]);
    const f = found[0];
    expect(f?.median).toBe(100);
    expect(f?.z).toBeCloseTo(200 / 1.4826, 6);
    expect(f?.percentile).toBeCloseTo((100 * 6.5) / 7, 6);
    expect(f?.scope).toBe('region');
    expect(f?.p).toBeLessThan(1e-6);
  });

  it('volume spike: ten days of 10 visits then five of 30 split at day 10, ratio 3', () => {
    const days = Array.from({ length: 15 }, (_, i) => ({
      day: `2026-01-${String(i + 1).padStart(2, '0')}`,
      workday: true,
      visits: i < 10 ? 10 : 30,
      amount: 0,
    }));
    const c = bestChange(days, SpikeParams.parse({}));
    expect(c?.split).toBe(10);
    expect(c?.ratio).toBe(3);
    // Expected 5 × 10 = 50 visits, observed 150.
    expect(c?.expected).toBe(50);
    expect(c?.observed).toBe(150);
    // A flat series has no change.
    expect(
      bestChange(
        days.map((d) => ({ ...d, visits: 10 })),
        SpikeParams.parse({}),
      ),
    ).toBeUndefined();
  });

  it('rings: BH over all tested pairs, the untested counted in m', () => {
    // m = 10, p = 0.001 and 0.01: ranks 1 and 2 → 0.001 × 10 / 1 = 0.01 and 0.01 × 10 / 2 = 0.05.
    const q = bhWithTotal([0.01, 0.001], 10);
    expect(q[0]).toBeCloseTo(0.05, 12);
    expect(q[1]).toBeCloseTo(0.01, 12);
  });

  it('prescription flows: 20 of 30 prescriptions at a pharmacy with 5 % of all is far beyond chance', () => {
    // P(X ≥ 20), X ~ Binomial(30, 0.05) = Σ_{k=20..30} C(30,k) 0.05^k 0.95^(30−k); the first term
    // C(30,20) 0.05^20 0.95^10 = 30,045,015 × 9.537e-27 × 0.5987 = 1.7156e-19, the sum 1.7595e-19.
    const flows = [
      { prescriber: 'A', pharmacy: 'P1', k: 20, n: 30, share: 0.05 },
      { prescriber: 'A', pharmacy: 'P2', k: 10, n: 30, share: 0.3 },
      { prescriber: 'B', pharmacy: 'P1', k: 2, n: 30, share: 0.05 },
      { prescriber: 'C', pharmacy: 'P1', k: 9, n: 9, share: 0.05 },
    ];
    const found = flowFindings(flows, FlowParams.parse({}));
    expect(found.map((f) => `${f.prescriber}→${f.pharmacy}`)).toEqual(['A→P1']);
    expect(found[0]?.p).toBeCloseTo(1.7595102e-19, 25);
    // q: three flows tested (C has too few prescriptions); A→P1 ranks first → p × 3 / 1.
    expect(found[0]?.q).toBeCloseTo(1.7595102e-19 * 3, 25);
  });

  it('Benford from digit counts: exact Benford proportions conform, all-50 amounts do not', () => {
    const exact = Array.from({ length: 90 }, (_, i) => Math.log10(1 + 1 / (i + 10)) * 1e6);
    const b = benfordOfCounts(exact);
    expect(b.mad).toBeCloseTo(0, 12);
    expect(b.chi2).toBeCloseTo(0, 6);
    const fifty = Array.from({ length: 90 }, (_, i) => (i + 10 === 50 ? 1000 : 0));
    // Observed 1 at 50, expected P(50) = log10(51/50) elsewhere: MAD = 2 × (1 − P(50)) / 90.
    expect(benfordOfCounts(fifty).mad).toBeCloseTo((2 * (1 - Math.log10(51 / 50))) / 90, 10);
  });
});

describe('detectors on a generated tiny city (16 days)', () => {
  it('find the volume spike, the colluding group and the pharmacy frauds, and flag no look-alike', async () => {
    const runs = await runDetectors(conn, runnableDetectors(), {}, '2026-02-01 07:00:00');
    expect(runs.map((r) => r.rule_id).sort()).toEqual(DETECTORS.map((d) => d.id).sort());
    const card = scorecard(await readHits(conn), labels, [20]);
    for (const p of ['volume-spike', 'collusion', 'drug-substitution', 'inventory-mismatch']) {
      const s = card.patterns.find((x) => x.pattern === p);
      expect(s?.labels, p).toBeGreaterThan(0);
      expect(s?.recall, p).toBe(1);
      expect(s?.precision, p).toBe(1);
    }
    expect(card.lookalikeFalsePositives).toEqual([]);
  });

  it('compare no hospital that has too few peers of its own level and specialty', async () => {
    // This city's over-treating hospital is its only 二级 综合 hospital, and the cancer hospital its
    // only 肿瘤 one: neither is set against hospitals of other levels or specialties.
    const po = labels.frauds.find((l) => l.pattern === 'peer-outlier');
    const peers = await rows(
      `SELECT count(*) AS n FROM institution a JOIN institution b USING (fixmedins_type, hosp_lv, specialty) WHERE a.fixmedins_code = '${po?.fixmedins_code ?? ''}'`,
    );
    expect(peers).toEqual([{ n: '1' }]);
    expect(await rows(`SELECT count(*) AS n FROM hit WHERE pattern = 'peer-outlier' AND NOT withdrawn`)).toEqual([{ n: '0' }]);
  });

  it('write suspect hits that explain themselves in numbers', async () => {
    const hits = await rows(
      `SELECT rule_id, sev_deg, vola_cont, score FROM hit WHERE rule_id IN (${DETECTORS.map((d) => `'${d.id}'`).join(', ')})`,
    );
    expect(hits.length).toBeGreaterThan(5);
    for (const h of hits) {
      expect(h['sev_deg']).toBe('suspect');
      expect(Number.isFinite(Number(h['score']))).toBe(true);
    }
    const spike = await rows(`SELECT vola_cont FROM hit WHERE rule_id = 'volume-spike'`);
    expect(spike[0]?.['vola_cont'] as string).toMatch(/基线的 [\d.]+ 倍/);
  });

  it('change nothing when run again on the same data', async () => {
    const before = await rows(`SELECT jr_id, vola_amt, withdrawn FROM hit ORDER BY jr_id`);
    const runs = await runDetectors(conn, runnableDetectors(), {}, '2026-02-02 07:00:00');
    expect(runs.reduce((a, r) => a + r.added + r.withdrawn, 0)).toBe(0);
    expect(await rows(`SELECT jr_id, vola_amt, withdrawn FROM hit ORDER BY jr_id`)).toEqual(before);
  });

  it('keep the 进销存 ledger, the loads and the Benford evidence for the reviewer', async () => {
    const mismatch = labels.frauds.find((l) => l.pattern === 'inventory-mismatch');
    const short = await rows(`SELECT count(*) AS n FROM ledger WHERE fixmedins_code = '${mismatch?.fixmedins_code ?? ''}' AND stock < 0`);
    expect(Number(short[0]?.['n'])).toBeGreaterThan(0);
    // The ledger adds up: the stock of a pharmacy-drug's last day is its opening plus every movement.
    const off = await rows(`
      SELECT count(*) AS n FROM (SELECT fixmedins_code, med_list_codg, arg_max(stock, day) AS last, any_value(opening) AS opening,
                                        sum(purchased + changed - sold) AS moved FROM ledger GROUP BY ALL)
      WHERE abs(last - (coalesce(opening, 0) + moved)) > 0.001`);
    expect(off[0]?.['n']).toBe('0');
    const beds = await rows(`SELECT count(DISTINCT fixmedins_code) AS n FROM detector_load WHERE kind = 'beds'`);
    const wards = await rows(
      `SELECT count(*) AS n FROM institution WHERE beds > 0 AND fixmedins_code IN (SELECT fixmedins_code FROM visit WHERE med_type_class = '21')`,
    );
    expect(beds[0]?.['n']).toBe(wards[0]?.['n']);
    const benford = await rows(`SELECT count(*) AS n FROM hit WHERE json_extract(evidence, '$.benford') IS NOT NULL`);
    expect(Number(benford[0]?.['n'])).toBeGreaterThan(0);
    expect(await rows(`SELECT count(*) AS n FROM hit WHERE rule_id = 'benford'`)).toEqual([{ n: '0' }]);
  });

  it('fundwatch detect --only picks one side; a bad config stops the run with its position', async () => {
    // The CLI opens the file itself: this process lets go of it first.
    conn.closeSync();
    await store.close();
    closed = true;
    const copy = path.join(tmp, 'copy.duckdb');
    copyFileSync(db, copy);
    // `--only rules` is test/detect.test.ts's; here the detector side alone.
    const detOnly = runCli(['--db', copy, 'detect', '--only', 'detectors', '--json']);
    expect((JSON.parse(detOnly.stdout) as { rule_id: string }[]).map((r) => r.rule_id).sort()).toEqual(DETECTORS.map((d) => d.id).sort());
    const bad = path.join(tmp, 'bad-config');
    mkdirSync(bad);
    writeFileSync(
      path.join(bad, 'loads.yaml'),
      readFileSync(path.join(CONFIG_DIR, 'loads.yaml'), 'utf8').replace(/max_bed_ratio: [\d.]+/, 'max_bed_ratio: lots'),
    );
    const refused = runCli(['--db', copy, 'detect', '--only', 'detectors', '--detector-dir', bad]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/loads\.yaml:\d+:\d+ .*params\.max_bed_ratio/);
  });
});
