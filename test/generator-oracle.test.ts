import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Labels, type Label } from '../contract/labels.js';
import { dirWriter, generate, knowledgeTables } from '../generator/index.js';
import { replay, replayFiles } from '../ingest/index.js';
import { loadReference } from '../reference/index.js';
import type { Knowledge } from '../rules/knowledge.js';
import { openStore, type Store } from '../store/index.js';

/**
 * An independent oracle for the generator. A 16-day tiny city (every pattern and every look-alike
 * fits in 16 days) is generated, loaded and ingested exactly as a user would (reference load,
 * replay ingest, real DuckDB); then, per pattern, a plain SQL check written from the contract and
 * the knowledge tables — not from the generator's code — must
 *   - find every injected fraud of that pattern (it is detectable in principle),
 *   - find nothing that is not a labelled fraud (honest data stays clean), and
 * a deliberately naive variant of the check must find every look-alike labelled for the pattern,
 * which the strict check leaves alone (the look-alikes are real traps).
 */

let dir: string;
let store: Store;
let conn: DuckDBConnection;
let labels: Labels;
const DAYS = 16;

const keyOf = (l: Label): string =>
  l.level === 'visit'
    ? `visit:${l.fixmedins_code}:${l.mdtrt_id}`
    : l.level === 'person'
      ? `person:${l.psn_no}`
      : l.level === 'institution'
        ? `inst:${l.fixmedins_code}`
        : `trace:${l.drug_trac_codg}`;

async function loadKnowledgeTables(c: DuckDBConnection, k: Knowledge): Promise<void> {
  await c.run(`
    CREATE TEMP TABLE k_gender (med_list_codg VARCHAR, gend VARCHAR);
    CREATE TEMP TABLE k_age (med_list_codg VARCHAR, min_age DOUBLE, max_age DOUBLE, unit VARCHAR);
    CREATE TEMP TABLE k_freq (med_list_codg VARCHAR, max_cnt DOUBLE, per VARCHAR);
    CREATE TEMP TABLE k_excl (a VARCHAR, b VARCHAR, scope VARCHAR);
    CREATE TEMP TABLE k_bundle (bundle VARCHAR, component VARCHAR, min_components INTEGER);
    CREATE TEMP TABLE k_supply (med_list_codg VARCHAR, max_daily DOUBLE, outpatient INTEGER, emergency INTEGER, chronic INTEGER, pharmacy INTEGER);
    CREATE TEMP TABLE k_scope (med_list_codg VARCHAR, min_lv INTEGER, classes VARCHAR);`);
  for (const e of k['gender-restricted'].entries) await c.run('INSERT INTO k_gender VALUES ($1, $2)', [e.med_list_codg, e.gend]);
  for (const e of k['age-restricted'].entries)
    await c.run('INSERT INTO k_age VALUES ($1, $2, $3, $4)', [e.med_list_codg, e.min_age ?? null, e.max_age ?? null, e.unit]);
  for (const e of k['frequency-limits'].entries) await c.run('INSERT INTO k_freq VALUES ($1, $2, $3)', [e.med_list_codg, e.max_cnt, e.per]);
  for (const e of k['mutually-exclusive'].entries) {
    await c.run('INSERT INTO k_excl VALUES ($1, $2, $3)', [e.items[0].med_list_codg, e.items[1].med_list_codg, e.scope]);
    await c.run('INSERT INTO k_excl VALUES ($1, $2, $3)', [e.items[1].med_list_codg, e.items[0].med_list_codg, e.scope]);
  }
  for (const e of k.bundles.entries)
    for (const p of e.components)
      await c.run('INSERT INTO k_bundle VALUES ($1, $2, $3)', [e.med_list_codg, p.med_list_codg, e.min_components]);
  for (const e of k['days-supply'].entries)
    await c.run('INSERT INTO k_supply VALUES ($1, $2, $3, $4, $5, $6)', [
      e.med_list_codg,
      e.max_daily_units,
      e.max_days.outpatient,
      e.max_days.emergency,
      e.max_days.chronic,
      e.max_days.pharmacy,
    ]);
  for (const e of k['scope-restricted'].entries)
    await c.run('INSERT INTO k_scope VALUES ($1, $2, $3)', [
      e.med_list_codg,
      e.min_hosp_lv === undefined ? null : Number(e.min_hosp_lv),
      e.med_type_classes?.join(',') ?? null,
    ]);
}

async function keys(sql: string): Promise<Set<string>> {
  return new Set((await conn.runAndReadAll(sql)).getRows().map((r) => String(r[0])));
}

/**
 * A hospital with local price-item codes sends a service as `<national code>-<price item>`; the
 * contract reads the national code up to the first `-`, and so do the checks: they read
 * `national_fee_line` (and `national_fee_line_version`), the same rows with the national code.
 */
const national = (sql: string) => sql.replace(/\bfee_line(?:_version)?\b/g, (t) => `national_${t}`);

const V = (alias: string) => `'visit:' || ${alias}.fixmedins_code || ':' || ${alias}.mdtrt_id`;
const INPATIENT = `('21','22','24','25','52')`;

/** Strict and naive checks per pattern (SQL returning label keys). */
const CHECKS: Record<string, { strict: string; naive?: string }> = {
  'over-price': {
    strict: `SELECT DISTINCT ${V('f')} FROM fee_line f JOIN catalog c USING (med_list_codg) WHERE f.cnt > 0 AND f.pric > c.pric_uplmt_amt`,
    naive: `SELECT DISTINCT ${V('f')} FROM fee_line_version f JOIN catalog c USING (med_list_codg) WHERE f.cnt > 0 AND f.pric > c.pric_uplmt_amt`,
  },
  'gender-restricted': {
    strict: `SELECT DISTINCT ${V('f')} FROM fee_line f JOIN insured i USING (psn_no) JOIN k_gender k USING (med_list_codg) WHERE f.cnt > 0 AND i.gend <> k.gend`,
  },
  'age-restricted': {
    strict: `SELECT DISTINCT ${V('f')} FROM fee_line f JOIN insured i USING (psn_no) JOIN k_age k USING (med_list_codg),
             LATERAL (SELECT CASE k.unit WHEN 'year' THEN date_sub('year', i.brdy, CAST(f.fee_ocur_time AS DATE))
                                         ELSE date_diff('day', i.brdy, CAST(f.fee_ocur_time AS DATE)) END AS age)
             WHERE f.cnt > 0 AND ((k.min_age IS NOT NULL AND age < k.min_age) OR (k.max_age IS NOT NULL AND age >= k.max_age))`,
  },
  'duplicate-charge': {
    strict: `WITH d AS (SELECT fixmedins_code, mdtrt_id, med_list_codg, CAST(fee_ocur_time AS DATE) AS day, sum(cnt) AS n FROM fee_line GROUP BY ALL)
             SELECT ${V('v')} FROM (SELECT fixmedins_code, mdtrt_id, med_list_codg, sum(n) AS n FROM d GROUP BY ALL) v
               JOIN k_freq k USING (med_list_codg) WHERE k.per = 'visit' AND k.max_cnt = 1 AND v.n > 1
             UNION SELECT ${V('d')} FROM d JOIN k_freq k USING (med_list_codg) WHERE k.per = 'day' AND k.max_cnt = 1 AND d.n > 1
             UNION SELECT ${V('a')} FROM d a JOIN d b USING (fixmedins_code, mdtrt_id) JOIN k_excl k ON k.a = a.med_list_codg AND k.b = b.med_list_codg
               WHERE a.n > 0 AND b.n > 0 AND (k.scope = 'visit' OR a.day = b.day)`,
  },
  'unbundled-charges': {
    strict: `WITH d AS (SELECT fixmedins_code, mdtrt_id, med_list_codg, CAST(fee_ocur_time AS DATE) AS day FROM fee_line GROUP BY ALL HAVING sum(cnt) > 0),
             g AS (SELECT d.fixmedins_code, d.mdtrt_id, d.day, k.bundle FROM d JOIN k_bundle k ON k.component = d.med_list_codg
                   GROUP BY ALL HAVING count(DISTINCT d.med_list_codg) >= any_value(k.min_components))
             SELECT DISTINCT ${V('g')} FROM g ANTI JOIN d b ON b.fixmedins_code = g.fixmedins_code AND b.mdtrt_id = g.mdtrt_id AND b.day = g.day AND b.med_list_codg = g.bundle`,
  },
  'excess-quantity': {
    strict: `SELECT DISTINCT ${V('f')} FROM fee_line f JOIN k_supply k USING (med_list_codg)
               WHERE f.cnt > k.max_daily * CASE f.med_type_class WHEN '11' THEN k.outpatient WHEN '13' THEN k.emergency WHEN '14' THEN k.chronic WHEN '41' THEN k.pharmacy END + 1e-9
             UNION SELECT ${V('d')} FROM (SELECT fixmedins_code, mdtrt_id, med_list_codg, CAST(fee_ocur_time AS DATE), sum(cnt) AS n FROM fee_line GROUP BY ALL) d
               JOIN k_freq k USING (med_list_codg) WHERE k.per = 'day' AND k.max_cnt > 1 AND d.n > k.max_cnt`,
    naive: `SELECT DISTINCT ${V('f')} FROM fee_line f JOIN k_supply k USING (med_list_codg)
              WHERE f.med_type_class IN ('11','13','14','41') AND f.cnt > k.max_daily * k.outpatient + 1e-9`,
  },
  'scope-restricted': {
    strict: `SELECT DISTINCT ${V('f')} FROM fee_line f JOIN k_scope k USING (med_list_codg) JOIN institution i USING (fixmedins_code)
             WHERE f.cnt > 0 AND ((k.min_lv IS NOT NULL AND (i.hosp_lv = '9' OR CAST(i.hosp_lv AS INTEGER) < k.min_lv))
                OR (k.classes IS NOT NULL AND NOT list_contains(string_split(k.classes, ','), f.med_type_class)))`,
  },
  'split-admission': {
    strict: `WITH s AS (SELECT *, coalesce(dscg_maindiag_code, dise_codg) AS dx FROM visit WHERE med_type_class IN ${INPATIENT})
             SELECT DISTINCT ${V('b')} FROM s a JOIN s b ON a.psn_no = b.psn_no AND b.begntime > a.endtime AND b.begntime <= a.endtime + INTERVAL 15 DAY
             WHERE left(b.dise_codg, 3) = left(a.dx, 3) AND left(a.dx, 5) NOT IN ('Z51.0', 'Z51.1') AND left(b.dise_codg, 5) NOT IN ('Z51.0', 'Z51.1')
               AND coalesce(a.dscg_way, '') <> '2'
               AND NOT EXISTS (SELECT 1 FROM s c WHERE c.psn_no = a.psn_no AND c.fixmedins_code <> a.fixmedins_code
                                AND c.begntime BETWEEN a.endtime AND a.endtime + INTERVAL 24 HOUR)`,
    naive: `WITH s AS (SELECT *, coalesce(dscg_maindiag_code, dise_codg) AS dx FROM visit WHERE med_type_class IN ${INPATIENT})
            SELECT DISTINCT ${V('b')} FROM s a JOIN s b ON a.psn_no = b.psn_no AND b.begntime > a.endtime AND b.begntime <= a.endtime + INTERVAL 15 DAY
            WHERE left(b.dise_codg, 3) = left(a.dx, 3)`,
  },
  'phantom-bed': {
    strict: `WITH d AS (SELECT f.fixmedins_code, f.mdtrt_id, CAST(f.fee_ocur_time AS DATE) AS day, bool_and(c.med_chrgitm_type IN ('01', '07')) AS bed_only
                        FROM fee_line f JOIN catalog c USING (med_list_codg) JOIN visit v USING (fixmedins_code, mdtrt_id)
                        WHERE v.med_type_class IN ${INPATIENT} AND f.cnt > 0 GROUP BY ALL)
             SELECT ${V('d')} FROM d WHERE bed_only GROUP BY ALL HAVING count(*) >= 2`,
    naive: `WITH d AS (SELECT f.fixmedins_code, f.mdtrt_id, CAST(f.fee_ocur_time AS DATE) AS day, bool_and(c.med_chrgitm_type IN ('01', '07')) AS bed_only
                       FROM fee_line f JOIN catalog c USING (med_list_codg) JOIN visit v USING (fixmedins_code, mdtrt_id)
                       WHERE v.med_type_class IN ${INPATIENT} AND f.cnt > 0 GROUP BY ALL)
            SELECT DISTINCT ${V('d')} FROM d WHERE bed_only`,
  },
  'phantom-admission': {
    strict: `WITH s AS (SELECT fixmedins_code, mdtrt_id, psn_no, CAST(begntime AS DATE) AS b, coalesce(CAST(endtime AS DATE), DATE '9999-12-31') AS e
                        FROM visit WHERE med_type_class IN ${INPATIENT})
             SELECT ${V('y')} FROM s x JOIN s y ON x.psn_no = y.psn_no AND x.fixmedins_code <> y.fixmedins_code AND y.b > x.b AND y.b < x.e
             UNION SELECT ${V('s')} FROM s JOIN visit o ON o.psn_no = s.psn_no AND o.fixmedins_code <> s.fixmedins_code
               AND o.med_type_class IN ('11', '13', '14', '41') AND CAST(o.begntime AS DATE) > s.b AND CAST(o.begntime AS DATE) < s.e`,
    naive: `SELECT ${V('v')} FROM visit v WHERE endtime IS NOT NULL AND endtime - begntime < INTERVAL 24 HOUR`,
  },
  'drug-substitution': {
    strict: `WITH fees AS (SELECT s.fixmedins_code, s.setl_id, s.mdtrt_id, f.med_list_codg, sum(f.cnt) AS n
                           FROM settlement s JOIN fee_line f USING (fixmedins_code, mdtrt_id)
                           WHERE NOT s.cancelled AND s.med_type_class = '41' GROUP BY ALL HAVING sum(f.cnt) > 0),
                  sold AS (SELECT fixmedins_code, setl_id, med_list_codg, sum(CASE WHEN infno = '3505' THEN sel_retn_cnt ELSE -sel_retn_cnt END) AS n
                           FROM psi_line WHERE kind = 4 AND setl_id IS NOT NULL AND NOT deleted GROUP BY ALL)
             SELECT DISTINCT ${V('fees')} FROM fees LEFT JOIN sold USING (fixmedins_code, setl_id, med_list_codg) WHERE sold.n IS NULL OR sold.n < fees.n`,
  },
  'inventory-mismatch': {
    strict: `WITH io AS (SELECT fixmedins_code, med_list_codg,
                        sum(CASE WHEN infno = '3503' THEN purc_retn_cnt WHEN infno = '3504' THEN -purc_retn_cnt ELSE 0 END) AS bought,
                        sum(CASE WHEN infno = '3505' THEN sel_retn_cnt WHEN infno = '3506' THEN -sel_retn_cnt ELSE 0 END) AS sold,
                        sum(CASE WHEN infno = '3502' THEN cnt ELSE 0 END) AS changed
                        FROM psi_line WHERE NOT deleted GROUP BY ALL),
                  opening AS (SELECT fixmedins_code, med_list_codg, arg_min(inv_cnt, invdate) AS opening FROM psi_line WHERE infno = '3501' GROUP BY ALL)
             SELECT DISTINCT 'inst:' || fixmedins_code FROM io LEFT JOIN opening USING (fixmedins_code, med_list_codg)
             WHERE sold > coalesce(opening, 0) + bought + changed`,
  },
  // Trace codes from the trace-code table (contract §8): one row per code, whether the line carried it or a drugtracinfo list.
  'trace-code-reuse': {
    strict: `WITH sold AS (SELECT t.drug_trac_codg, p.infno, p.trdn_flag FROM trace_code t
                           JOIN psi_line p ON t.line_table = 'psi_line' AND p.fixmedins_code = t.fixmedins_code
                             AND t.ref = 'psi:' || p.fixmedins_code || ':' || p.kind || ':' || p.fixmedins_bchno
                           WHERE p.kind = 4)
             SELECT 'trace:' || drug_trac_codg FROM sold GROUP BY drug_trac_codg
             HAVING sum(CASE WHEN infno = '3505' AND coalesce(trdn_flag, '0') = '0' THEN 1 WHEN infno = '3506' THEN -1 ELSE 0 END) > 1`,
    naive: `SELECT 'trace:' || drug_trac_codg FROM trace_code WHERE line_table = 'psi_line' AND infno = '3505' GROUP BY drug_trac_codg HAVING count(*) > 1`,
  },
  resale: {
    // Several pharmacies, and far more than a month at the maximum daily dose (knowledge days-supply).
    strict: `SELECT DISTINCT 'person:' || f.psn_no FROM fee_line f JOIN k_supply k USING (med_list_codg) WHERE f.med_type_class = '41' AND f.cnt > 0
             GROUP BY f.psn_no, f.med_list_codg, k.max_daily HAVING count(DISTINCT f.fixmedins_code) >= 3 AND sum(f.cnt) > 2 * k.max_daily * 30`,
    naive: `SELECT DISTINCT 'person:' || psn_no FROM fee_line WHERE med_type_class = '41' AND cnt > 0 GROUP BY psn_no, med_list_codg HAVING count(DISTINCT fixmedins_code) >= 2`,
  },
  collusion: {
    strict: `WITH b AS (SELECT fixmedins_code, psn_no, CAST(begntime AS DATE) AS day, begntime FROM visit WHERE med_type_class = '41'),
                  pairs AS (SELECT x.psn_no AS a, y.psn_no AS b FROM b x JOIN b y ON x.fixmedins_code = y.fixmedins_code AND x.day = y.day
                              AND x.psn_no < y.psn_no AND abs(epoch(y.begntime) - epoch(x.begntime)) <= 3600
                            GROUP BY ALL HAVING count(DISTINCT x.day) >= 3)
             SELECT 'person:' || a FROM pairs UNION SELECT 'person:' || b FROM pairs`,
  },
  'volume-spike': {
    // The largest ratio of mean daily outpatient visits after a split day to before it (both sides ≥ 3 days).
    strict: `WITH d AS (SELECT fixmedins_code, date_diff('day', DATE '2026-01-01', CAST(begntime AS DATE)) AS day, count(*) AS n
                       FROM visit WHERE med_type_class IN ('11', '13', '14') AND begntime >= DATE '2026-01-01' GROUP BY ALL),
                  splits AS (SELECT i.fixmedins_code, s.split,
                              (SELECT avg(n) FROM d WHERE d.fixmedins_code = i.fixmedins_code AND d.day >= s.split) /
                              (SELECT avg(n) FROM d WHERE d.fixmedins_code = i.fixmedins_code AND d.day < s.split) AS ratio,
                              (SELECT avg(n) FROM d WHERE d.fixmedins_code = i.fixmedins_code) AS mean
                             FROM (SELECT DISTINCT fixmedins_code FROM d) i, range(3, ${DAYS - 3} + 1) s(split))
             SELECT DISTINCT 'inst:' || fixmedins_code FROM splits WHERE ratio >= 2 AND mean >= 8`,
  },
  'peer-outlier': {
    // Outpatient cost per visit beyond 1.5 times the median of the hospitals of the same type and specialty.
    strict: `WITH v AS (SELECT s.fixmedins_code, i.specialty, avg(s.medfee_sumamt) AS per_visit FROM settlement s JOIN institution i USING (fixmedins_code)
                       WHERE NOT s.cancelled AND s.med_type_class IN ('11', '14') AND i.fixmedins_type = '1' GROUP BY ALL)
             SELECT 'inst:' || fixmedins_code FROM v x WHERE per_visit > 1.5 * (SELECT median(per_visit) FROM v y WHERE y.specialty = x.specialty)`,
  },
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fundwatch-oracle-'));
  await generate({ seed: 11, scale: 'tiny', days: DAYS }, dirWriter(path.join(dir, 'city'), { gzip: true }));
  labels = Labels.parse(JSON.parse(readFileSync(path.join(dir, 'city', 'labels.json'), 'utf8')));
  store = await openStore(path.join(dir, 'oracle.duckdb'), { walAutocheckpoint: '1GB' });
  conn = await store.connect();
  await loadReference(conn, path.join(dir, 'city', 'reference'), { piiKey: 'oracle-key' });
  await replay(store, replayFiles(path.join(dir, 'city', 'messages')), { piiKey: 'oracle-key' });
  await loadKnowledgeTables(conn, knowledgeTables().knowledge);
  for (const t of ['fee_line', 'fee_line_version'])
    await conn.run(`CREATE TEMP VIEW national_${t} AS SELECT * REPLACE (split_part(med_list_codg, '-', 1) AS med_list_codg) FROM ${t}`);
}, 180_000);

afterAll(async () => {
  conn?.closeSync();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('generator against an independent SQL oracle (16-day tiny city, real ingest, real DuckDB)', () => {
  it('checks realistic input: part of the city sends as real senders do (contract §8)', async () => {
    const got = (
      await conn.runAndReadAll(`
      SELECT (SELECT count(*) FROM message WHERE upload_mode_source = 'source' AND upload_mode = 'T1') AS t1_from_directory,
             (SELECT count(*) FROM trace_code WHERE line_table = 'psi_line' AND origin = 'list') AS listed_codes,
             (SELECT count(*) FROM trace_code WHERE line_table = 'psi_line' AND origin = 'line') AS line_codes,
             (SELECT count(*) FROM fee_line WHERE regexp_matches(med_list_codg, '^[0-9]{15}-[0-9]{9}$')) AS local_codes`)
    ).getRowObjectsJson()[0];
    for (const v of Object.values(got ?? {})) expect(Number(v)).toBeGreaterThan(0);
  });

  it('has every injected pattern and every look-alike in this window', () => {
    expect(new Set(labels.frauds.map((l) => l.pattern)).size).toBe(17);
    expect([...new Set(labels.honest.map((l) => l.looks_like))].sort()).toEqual(
      [
        'excess-quantity',
        'over-price',
        'peer-outlier',
        'phantom-admission',
        'phantom-bed',
        'resale',
        'split-admission',
        'trace-code-reuse',
      ].sort(),
    );
  });

  it.each(Object.keys(CHECKS))('%s: the strict check finds every labelled fraud and nothing unlabelled', async (pattern) => {
    const check = CHECKS[pattern] as { strict: string };
    const found = await keys(national(check.strict));
    const expected = labels.frauds.filter((l) => l.pattern === pattern).map(keyOf);
    expect(expected.length).toBeGreaterThan(0);
    expect(
      expected.filter((k) => !found.has(k)),
      'labelled but not found',
    ).toEqual([]);
    // Anything found must be a fraud subject (of any pattern; a colluding group's members too).
    const explained = new Set([...labels.frauds.map(keyOf), ...labels.frauds.flatMap((l) => (l.psn_nos ?? []).map((p) => `person:${p}`))]);
    expect(
      [...found].filter((k) => !explained.has(k)),
      'found but not a labelled fraud',
    ).toEqual([]);
    // The strict check leaves the look-alikes of its pattern alone.
    const look = labels.honest.filter((l) => l.looks_like === pattern).map(keyOf);
    expect(
      look.filter((k) => found.has(k)),
      'look-alike flagged by the strict check',
    ).toEqual([]);
  });

  it.each(Object.entries(CHECKS).filter(([, c]) => c.naive))(
    '%s: a naive check falls for every labelled look-alike',
    async (pattern, check) => {
      const found = await keys(national(check.naive as string));
      const look = labels.honest.filter((l) => l.looks_like === pattern).map(keyOf);
      expect(look.length).toBeGreaterThan(0);
      expect(
        look.filter((k) => !found.has(k)),
        'look-alike a naive check misses',
      ).toEqual([]);
    },
  );

  it('honest data breaks no national knowledge point either (batches 1, 3, 7, 8-1, 8-4 on the codes the city charges)', async () => {
    const n = knowledgeTables().knowledge.national.tables;
    const charged = await keys(`SELECT DISTINCT med_list_codg FROM national_fee_line`);
    const groups = new Map(knowledgeTables().knowledge.national.ageGroups.groups.map((g) => [g.id, g]));
    await conn.run(`
      CREATE TEMP TABLE n_gender (med_list_codg VARCHAR, gend VARCHAR);
      CREATE TEMP TABLE n_age (med_list_codg VARCHAR, min_age DOUBLE, max_age DOUBLE, unit VARCHAR);
      CREATE TEMP TABLE n_unpaid (med_list_codg VARCHAR);
      CREATE TEMP TABLE n_dup (main VARCHAR, sub VARCHAR, per VARCHAR);
      CREATE TEMP TABLE n_freq (med_list_codg VARCHAR, max_cnt DOUBLE);
      CREATE TEMP TABLE n_cycle (med_list_codg VARCHAR, max_cnt DOUBLE, period_days INTEGER);`);
    const rows: [string, unknown[]][] = [];
    for (const e of [...n['b1-drug-gender'].entries, ...n['b1-service-gender'].entries])
      if (charged.has(e.med_list_codg)) rows.push(['n_gender', [e.med_list_codg, e.gend]]);
    for (const e of [...n['b1-drug-age'].entries, ...n['b1-service-age'].entries]) {
      const g = groups.get(e.age_group);
      if (charged.has(e.med_list_codg) && g) rows.push(['n_age', [e.med_list_codg, g.min_age ?? null, g.max_age ?? null, g.unit]]);
    }
    for (const e of n['b3-drug-insurance'].entries)
      if (charged.has(e.med_list_codg) && !e.basic_payable) rows.push(['n_unpaid', [e.med_list_codg]]);
    for (const e of n['b7-service-duplicate'].entries)
      if (charged.has(e.main_codg) && charged.has(e.sub_codg)) rows.push(['n_dup', [e.main_codg, e.sub_codg, e.per]]);
    for (const e of n['b8-1-service-frequency'].entries)
      if (charged.has(e.med_list_codg)) rows.push(['n_freq', [e.med_list_codg, e.max_cnt]]);
    for (const e of n['b8-4-service-cycle'].entries)
      if (charged.has(e.med_list_codg)) rows.push(['n_cycle', [e.med_list_codg, e.max_cnt, e.period_days]]);
    for (const [t, values] of rows)
      await conn.run(`INSERT INTO ${t} VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values as never);
    // The city charges items of batches 1, 8-1 and 8-4 (a 第三批 drug or a 第七批 pair only if a fraud does), so those checks can find something.
    expect([...new Set(rows.map(([t]) => t))]).toEqual(expect.arrayContaining(['n_gender', 'n_age', 'n_freq', 'n_cycle']));
    const found = await keys(`
      WITH f AS (SELECT *, CAST(fee_ocur_time AS DATE) AS day FROM national_fee_line WHERE cnt > 0)
      SELECT ${V('f')} FROM f JOIN insured i USING (psn_no) JOIN n_gender k USING (med_list_codg) WHERE i.gend <> k.gend
      UNION SELECT ${V('f')} FROM f JOIN insured i USING (psn_no) JOIN n_age k USING (med_list_codg),
        LATERAL (SELECT CASE k.unit WHEN 'year' THEN date_sub('year', i.brdy, f.day) ELSE date_diff('day', i.brdy, f.day) END AS age)
        WHERE (k.min_age IS NOT NULL AND age < k.min_age) OR (k.max_age IS NOT NULL AND age >= k.max_age)
      UNION SELECT ${V('f')} FROM f JOIN n_unpaid USING (med_list_codg)
      UNION SELECT ${V('a')} FROM f a JOIN f b USING (fixmedins_code, mdtrt_id) JOIN n_dup k ON k.main = a.med_list_codg AND k.sub = b.med_list_codg
        WHERE k.per <> 'day' OR a.day = b.day
      UNION SELECT ${V('d')} FROM (SELECT fixmedins_code, mdtrt_id, med_list_codg, day, sum(cnt) AS n FROM f GROUP BY ALL) d
        JOIN n_freq k USING (med_list_codg) WHERE d.n > k.max_cnt
      UNION SELECT ${V('b')} FROM f a JOIN f b ON a.psn_no = b.psn_no AND a.med_list_codg = b.med_list_codg
        AND (a.day, a.fixmedins_code, a.feedetl_sn) < (b.day, b.fixmedins_code, b.feedetl_sn)
        JOIN n_cycle k ON k.med_list_codg = a.med_list_codg WHERE b.day - a.day <= k.period_days`);
    const explained = new Set(labels.frauds.map(keyOf));
    expect([...found].filter((k) => !explained.has(k))).toEqual([]);
  });

  it('peer-outlier look-alikes are real outliers: the cancer hospital and the chronic-disease pharmacy', async () => {
    const found = await keys(`
      WITH stays AS (SELECT fixmedins_code, avg(medfee_sumamt) AS per_stay FROM settlement WHERE med_type_class IN ${INPATIENT} GROUP BY ALL),
           shops AS (SELECT s.fixmedins_code, sum(medfee_sumamt) AS total FROM settlement s JOIN institution i USING (fixmedins_code)
                     WHERE i.fixmedins_type = '2' GROUP BY ALL)
      SELECT 'inst:' || fixmedins_code FROM stays WHERE per_stay > 2 * (SELECT median(per_stay) FROM stays)
      UNION SELECT 'inst:' || fixmedins_code FROM shops WHERE total > 3 * (SELECT median(total) FROM shops)`);
    const look = labels.honest.filter((l) => l.looks_like === 'peer-outlier').map(keyOf);
    expect(look.length).toBe(2);
    expect(look.filter((k) => !found.has(k))).toEqual([]);
  });

  it('settlements add up to their visits’ current fee lines, reversals included', async () => {
    const r = await conn.runAndReadAll(`
      SELECT count(*) AS settled, count(*) FILTER (WHERE s.medfee_sumamt <> coalesce(f.total, 0)) AS off,
             count(*) FILTER (WHERE s.fund_pay_sumamt + coalesce(s.acct_pay, 0) + s.psn_cash_pay <> s.medfee_sumamt) AS unbalanced
      FROM settlement s LEFT JOIN (SELECT fixmedins_code, mdtrt_id, sum(det_item_fee_sumamt) AS total FROM fee_line GROUP BY ALL) f USING (fixmedins_code, mdtrt_id)
      WHERE NOT s.cancelled`);
    const [settled, off, unbalanced] = (r.getRows()[0] ?? []).map(Number);
    expect(settled).toBeGreaterThan(1000);
    expect(off).toBe(0);
    expect(unbalanced).toBe(0);
  });
});
