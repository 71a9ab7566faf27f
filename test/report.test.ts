import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseKeyOf, groupCases } from '../cases/index.js';
import { PACKAGE_ROOT } from '../core/config.js';
import { LIST_SHEET, XLSX_COLUMNS, morningWindow, readMorning, shanghaiDate, writeMorningReport, xlsxSheets } from '../reports/index.js';
import { writeHits, type Hit } from '../score/index.js';
import { runCli } from './support/cli.js';
import { client } from './support/clients.js';
import { openTestDb, rows, type TestDb } from './support/store.js';
import { tempDir } from './support/temp.js';
import { hit as baseHit } from './support/hits.js';

/** A hit without a doctor: the report's cases are institution cases. */
const hit = (over: Parameters<typeof baseHit>[0]): Hit => baseHit({ dr_codg: '', ...over });

const D = '2026-03-10';
/** D 07:00 in Beijing. */
const CUTOFF = '2026-03-09 23:00:00';
const SINCE = '2026-03-08 23:00:00';

/** The case a hit lands in, by its key (cases/subject.ts), detected on `at`. */
const caseOf = (h: Hit, at: string): string => caseKeyOf({ ...h, occurred_on: at.slice(0, 10) }).case_id;

/** A workflow transition as the workflow writes it: the case's state and version, and a 'transition' audit entry. */
async function transition(conn: DuckDBConnection, caseId: string, to: string, at: string): Promise<void> {
  const [cur] = await rows(conn, 'SELECT state, version FROM case_file WHERE case_id = $id', { id: caseId });
  if (!cur) throw new Error(`no case ${caseId}`);
  await conn.run(`UPDATE case_file SET state = $to, version = version + 1, updated_at = CAST($at AS TIMESTAMP) WHERE case_id = $id`, {
    to,
    at,
    id: caseId,
  });
  await conn.run(
    `INSERT INTO case_audit (case_id, happened_at, actor, action, before, after) VALUES ($id, CAST($at AS TIMESTAMP), '张三', 'transition', $before, $after)`,
    { id: caseId, at, before: JSON.stringify({ state: cur['state'], version: cur['version'] }), after: JSON.stringify({ state: to }) },
  );
}

const T1 = '2026-03-05 02:00:00';
const T2 = '2026-03-09 10:00:00';
const T3 = '2026-03-10 01:00:00';

const H = {
  a1: hit({ jr_id: 'a1', pattern: 'over-price', vola_amt: 1200 }),
  b1: hit({ jr_id: 'b1', pattern: 'phantom-bed', mdtrt_id: 'ZY1', vola_amt: 5000, sev_deg: 'definite' }),
  b2: hit({ jr_id: 'b2', pattern: 'phantom-bed', mdtrt_id: 'ZY1', vola_amt: 400 }),
  c1: hit({ jr_id: 'c1', pattern: 'duplicate-charge', fixmedins_code: 'H002', vola_amt: 300 }),
  d1: hit({ jr_id: 'd1', pattern: 'excess-quantity', dr_codg: 'D01', vola_amt: 800 }),
  e1: hit({ jr_id: 'e1', pattern: 'drug-substitution', fixmedins_code: 'H003', vola_amt: 2500 }),
  f1: hit({ jr_id: 'f1', pattern: 'over-price', fixmedins_code: 'H003', vola_amt: 150 }),
  g1: hit({ jr_id: 'g1', pattern: 'unbundled-charges', fixmedins_code: 'H002', vola_amt: 90 }),
  h1: hit({ jr_id: 'h1', pattern: 'over-price', fixmedins_code: 'H002', vola_amt: 700 }),
  i1: hit({ jr_id: 'i1', pattern: 'phantom-admission', fixmedins_code: 'H002', psn_no: 'PSN2', mdtrt_id: 'ZY2', vola_amt: 3000 }),
  j1: hit({ jr_id: 'j1', pattern: 'unbundled-charges', vola_amt: 450 }),
  l1: hit({ jr_id: 'l1', pattern: 'scope-restricted', vola_amt: 60 }),
  m1: hit({ jr_id: 'm1', pattern: 'age-restricted', fixmedins_code: 'H002', vola_amt: 80 }),
  k1: hit({ jr_id: 'k1', pattern: 'gender-restricted', fixmedins_code: 'H003', vola_amt: 20 }),
  n1: hit({ jr_id: 'n1', pattern: 'gender-restricted', fixmedins_code: 'H004', vola_amt: 10 }),
  a2: hit({ jr_id: 'a2', pattern: 'over-price', psn_no: 'PSN3', vola_amt: 300 }),
};

/**
 * Cases grouped at several times around the cutoff of D, some moved on by the workflow (simulated
 * here: the workflow is another change), institution names, credit and suppressions.
 */
async function build(conn: DuckDBConnection) {
  const at = async (when: string, hits: Hit[]) => {
    await writeHits(conn, hits, when);
    await groupCases(conn, when);
  };
  const id = {
    a: caseOf(H.a1, T1),
    b: caseOf(H.b1, T1),
    c: caseOf(H.c1, T1),
    d: caseOf(H.d1, T1),
    e: caseOf(H.e1, T1),
    f: caseOf(H.f1, T1),
    g: caseOf(H.g1, T1),
    h: caseOf(H.h1, T2),
    i: caseOf(H.i1, T2),
    j: caseOf(H.j1, T2),
    l: caseOf(H.l1, SINCE),
    m: caseOf(H.m1, '2026-03-08 22:59:59'),
    k: caseOf(H.k1, CUTOFF),
    n: caseOf(H.n1, T3),
  };
  await at(T1, [H.a1, H.b1, H.c1, H.d1, H.e1, H.f1, H.g1]);
  await transition(conn, id.b, 'dismissed', '2026-03-06 01:00:00');
  await transition(conn, id.d, 'triaged', '2026-03-06 01:00:00');
  await transition(conn, id.e, 'triaged', '2026-03-06 02:00:00');
  await transition(conn, id.e, 'reviewed', '2026-03-06 03:00:00');
  await transition(conn, id.e, 'confirmed', '2026-03-07 03:00:00');
  for (const [s, t] of [
    ['triaged', '2026-03-06 04:00:00'],
    ['reviewed', '2026-03-06 05:00:00'],
    ['confirmed', '2026-03-06 06:00:00'],
    ['rectifying', '2026-03-07 06:00:00'],
    ['closed', '2026-03-08 06:00:00'],
  ] as const)
    await transition(conn, id.f, s, t);
  await transition(conn, id.c, 'dismissed', '2026-03-08 09:00:00');
  await conn.run(`UPDATE case_file SET merged_into = $into WHERE case_id = $id`, { into: id.c, id: id.g });
  await at('2026-03-08 22:59:59', [H.m1]);
  await at(SINCE, [H.l1]);
  await at(T2, [H.h1, H.i1, H.j1]);
  // New facts on the dismissed stay: grouping reopens it (a 'reopened' audit entry, state new).
  await at('2026-03-09 20:00:00', [H.b2]);
  await conn.run(`UPDATE case_file SET assignee = '李四', due_on = DATE '2026-03-16' WHERE case_id = $id`, { id: id.h });
  // At the cutoff and after: not in D's report; changes after the cutoff do not show in it.
  await at(CUTOFF, [H.k1]);
  await at(T3, [H.n1, H.a2]);
  await transition(conn, id.d, 'dismissed', '2026-03-10 02:00:00');
  await transition(conn, id.h, 'triaged', '2026-03-10 02:30:00');

  await conn.run(
    `INSERT INTO reference_load VALUES (1, 'institution.csv', 'institution', 'loaded', 'x', TIMESTAMP '2026-01-01 00:00:00', 2, 0)`,
  );
  await conn.run(
    `INSERT INTO institution_version (load_id, fixmedins_code, fixmedins_name) VALUES (1, 'H001', '第一人民医院'), (1, 'H002', '仁和诊所')`,
  );
  await conn.run(
    `INSERT INTO credit_score VALUES
       ('institution', 'H001', 2025, 'H001', 90, NULL, '优秀', '[]', '{}', TIMESTAMP '2026-01-02 00:00:00'),
       ('institution', 'H001', 2026, 'H001', 72.5, NULL, '良好', '[]', '{}', TIMESTAMP '2026-03-01 00:00:00')`,
  );
  const supp = (sid: string, expires: string, ended: string | null) =>
    conn.run(
      `INSERT INTO suppression VALUES ($id, 'over-price-rule', '{"fixmedins_code":["H001"]}', '院内制剂, 已备案', '王五', '赵六',
         TIMESTAMP '2026-01-01 00:00:00', CAST($exp AS DATE), CAST($ended AS TIMESTAMP), CASE WHEN $ended IS NULL THEN NULL ELSE '赵六' END)`,
      { id: sid, exp: expires, ended },
    );
  await supp('S1', '2026-03-12', null);
  await supp('S2', '2026-03-20', null);
  await supp('S3', '2026-03-11', '2026-03-05 00:00:00');
  await supp('S4', '2026-03-09', null);
  await supp('S5', '2026-03-17', null);
  return id;
}

/** The scope of D counted independently of reports/scope.ts: a correlated subquery per case. */
async function scopeIds(conn: DuckDBConnection): Promise<string[]> {
  const r = await rows(
    conn,
    `SELECT case_id FROM case_file c
     WHERE created_at < TIMESTAMP '${CUTOFF}' AND merged_into IS NULL
       AND coalesce((SELECT json_extract_string(a.after, '$.state') FROM case_audit a
                     WHERE a.case_id = c.case_id AND a.happened_at < TIMESTAMP '${CUTOFF}' AND json_extract_string(a.after, '$.state') IS NOT NULL
                     ORDER BY a.happened_at DESC, a.seq DESC LIMIT 1), 'new') NOT IN ('dismissed', 'closed')
     ORDER BY case_id`,
  );
  return r.map((x) => x['case_id'] as string);
}

describe('the morning window (reports/model.ts)', () => {
  it('cuts off at 07:00 Beijing time, the day before at 23:00 UTC, and knows the Beijing date', () => {
    expect(morningWindow(D)).toEqual({
      date: D,
      cutoff: CUTOFF,
      since: SINCE,
      trendFrom: '2026-02-07 23:00:00',
      expiryUntil: '2026-03-17',
    });
    expect(morningWindow('2026-01-01').cutoff).toBe('2025-12-31 23:00:00');
    expect(shanghaiDate('2026-03-09 16:00:00')).toBe('2026-03-10');
    expect(shanghaiDate('2026-03-09 15:59:59')).toBe('2026-03-09');
    expect(() => morningWindow('2026-02-30')).toThrow(/有效日期/);
    expect(() => morningWindow('10.03.2026')).toThrow(/yyyy-MM-dd/);
  });
});

describe('the morning report (reports/, real DuckDB)', () => {
  let db: TestDb;
  let id: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    db = await openTestDb('memory');
    id = await build(db.conn);
  });
  afterAll(async () => {
    await db.close();
  });

  it('lists the cases open at the cutoff, with their state and figures as of then, and marks the new ones', async () => {
    const d = await readMorning(db.conn, D, '2026-03-09 23:05:00');
    const by = new Map(d.cases.map((c) => [c.case_id, c]));
    // Dismissed (c) and closed (f) before the cutoff, merged (g), created at the cutoff (k) or after (n): not listed.
    expect([...by.keys()].sort()).toEqual([id.a, id.b, id.d, id.e, id.h, id.i, id.j, id.l, id.m].sort());
    expect([...by.keys()].sort()).toEqual(await scopeIds(db.conn));
    // Dismissed after the cutoff: still 初审 in D's report; triaged after it: still 待初审.
    expect(by.get(id.d)).toMatchObject({ state: 'triaged', state_name: '初审', is_new: false });
    expect(by.get(id.h)).toMatchObject({ state: 'new', state_name: '待初审', is_new: true, assignee: '李四', due_on: '2026-03-16' });
    expect(by.get(id.e)).toMatchObject({ state: 'confirmed', state_name: '确认', fixmedins_name: 'H003' });
    // Reopened by new facts in the last 24 hours: new again, with both hits.
    expect(by.get(id.b)).toMatchObject({
      state: 'new',
      is_new: true,
      amount: 5400,
      hit_count: 2,
      subject_name: '参保人',
      sev_name: '明确违规',
    });
    // Created exactly 24 hours before the cutoff is new; a second earlier is not.
    expect(by.get(id.l)?.is_new).toBe(true);
    expect(by.get(id.m)?.is_new).toBe(false);
    // A hit joined after the cutoff: the case_file says 1500 now, the report says what was known at 07:00.
    expect((await rows(db.conn, 'SELECT CAST(amount AS DOUBLE) AS a FROM case_file WHERE case_id = $id', { id: id.a }))[0]?.['a']).toBe(
      1500,
    );
    expect(by.get(id.a)).toMatchObject({ amount: 1200, hit_count: 1, pattern_name: '超标准收费', fixmedins_name: '第一人民医院' });
    // Queue order: risk, then amount.
    const risks = d.cases.map((c) => c.risk);
    expect(risks).toEqual([...risks].sort((x, y) => y - x));

    expect(d.patterns.find((p) => p.pattern === 'over-price')).toEqual({
      pattern: 'over-price',
      name: '超标准收费',
      open: 2,
      new: 1,
      amount: 1900,
    });
    expect(d.institutions.map((i) => [i.code, i.name, i.cases, i.amount])).toEqual([
      ['H001', '第一人民医院', 5, 7910],
      ['H002', '仁和诊所', 3, 3780],
      ['H003', 'H003', 1, 2500],
    ]);
    expect(d.institutions[0]?.credit).toEqual({ year: 2026, score: 72.5, level: '良好' });
    expect(d.institutions[1]?.credit).toBeNull();
    expect(d.expiring.map((x) => x.supp_id)).toEqual(['S1', 'S5']);

    expect(d.trend).toHaveLength(30);
    expect(d.trend[29]).toEqual({ day: D, cases: 4, amount: 700 + 3000 + 450 + 60 });
    expect(d.trend[28]).toEqual({ day: '2026-03-09', cases: 1, amount: 80 });
    // T1's cases (the merged one left out, the dismissed and closed ones in): the morning of 03-06.
    expect(d.trend.find((p) => p.day === '2026-03-06')).toEqual({
      day: '2026-03-06',
      cases: 6,
      amount: 1200 + 5400 + 300 + 800 + 2500 + 150,
    });
    expect(d.trend.reduce((n, p) => n + p.cases, 0)).toBe(11);
  });

  it('the workbook: the whole list first with every column, then a sheet per pattern, a frozen header, yuan and dates formatted', async () => {
    const d = await readMorning(db.conn, D, '2026-03-09 23:05:00');
    const sheets = xlsxSheets(d);
    expect(sheets[0]?.sheet).toBe(LIST_SHEET);
    expect(sheets.slice(1).map((s) => s.sheet)).toEqual(d.patterns.map((p) => p.name.replace(/\//g, '、')));
    expect(sheets.every((s) => s.stickyRowsCount === 1 && s.columns?.length === XLSX_COLUMNS.length)).toBe(true);
    const [head, ...body] = sheets[0]?.data ?? [];
    expect(head?.map((c) => (c as { value: string }).value)).toEqual([
      '线索号',
      '新增',
      '状态',
      '模式',
      '主体类型',
      '主体',
      '机构编码',
      '机构名称',
      '期间',
      '命中数',
      '涉及金额(元)',
      '风险分',
      '严重程度',
      '经办人',
      '办理期限',
      '创建时间',
    ]);
    expect(body).toHaveLength(9);
    const h = body.find((r) => (r[0] as { value: string }).value === id.h) ?? [];
    expect(h[1]).toMatchObject({ value: '是' });
    expect(h[10]).toEqual({ value: 700, type: Number, format: '#,##0.00' });
    expect(h[14]).toMatchObject({ type: Date, format: 'yyyy-mm-dd', value: new Date('2026-03-16T00:00:00Z') });
    // Created at 10:00 UTC = 18:00 in Beijing, as the workbook shows it.
    expect(h[15]).toMatchObject({ type: Date, value: new Date('2026-03-09T18:00:00Z') });
    expect(sheets.slice(1).reduce((n, s) => n + s.data.length - 1, 0)).toBe(9);
  });

  describe('opened with real clients', () => {
    const soffice = client('LibreOffice (soffice)', ['soffice', 'libreoffice'], 'libreoffice-calc-nogui fonts-noto-cjk');
    const browser = client(
      'Chromium',
      ['/usr/bin/chromium', 'chromium', 'chromium-headless-shell', '/usr/bin/chromium-headless-shell'],
      'chromium fonts-noto-cjk',
    );
    const out = tempDir('report');
    let written: Awaited<ReturnType<typeof writeMorningReport>> | undefined;
    const report = async () => (written ??= await writeMorningReport(db.conn, { date: D, outDir: out }, { now: '2026-03-09 23:05:00' }));

    it('writes the three files and counts what it listed', async () => {
      const r = await report();
      expect(r).toMatchObject({ date: D, cutoff: CUTOFF, cases: 9, newCases: 5, amount: 7910 + 3780 + 2500 });
      expect(r.paths).toEqual({
        html: path.join(out, `morning-${D}.html`),
        md: path.join(out, `morning-${D}.md`),
        xlsx: path.join(out, `morning-${D}.xlsx`),
      });
      const md = readFileSync(r.paths.md, 'utf8');
      expect(md).toContain(`截至 ${D} 07:00, 在办线索 9 条 (新增 5 条), 涉及金额 14,190.00 元`);
      expect(md).toContain('⚠ 2 条白名单/例外将在 7 日内到期');
      expect(md).toContain('| 第一人民医院 | H001 | 5 | 7,910.00 | 72.5 良好 (2026) |');
      expect(md).toContain('| 仁和诊所 | H002 | 3 | 3,780.00 | - |');
      const html = readFileSync(r.paths.html, 'utf8');
      expect(html).not.toMatch(/<(script|link|img)\b|https?:\/\//);
    });

    it.skipIf(soffice.skip)(
      'the XLSX converts with LibreOffice, and its first sheet has exactly the cases the database counts',
      async () => {
        const bin = soffice.need();
        const r = await report();
        const profile = mkdtempSync(path.join(out, 'lo-profile-'));
        const csvDir = path.join(out, 'csv');
        // 44,34,76: comma, double quote, UTF-8.
        execFileSync(
          bin,
          [
            '--headless',
            `-env:UserInstallation=file://${profile}`,
            '--convert-to',
            'csv:Text - txt - csv (StarCalc):44,34,76',
            '--outdir',
            csvDir,
            r.paths.xlsx,
          ],
          { stdio: 'pipe', timeout: 110_000 },
        );
        const csvFile = path.join(csvDir, `morning-${D}.csv`);
        expect(readdirSync(csvDir)).toContain(`morning-${D}.csv`);
        const records = parse(readFileSync(csvFile, 'utf8'));
        const [head, ...data] = records;
        expect(head?.[0]).toBe('线索号');
        expect(head).toHaveLength(16);
        const expected = await scopeIds(db.conn);
        expect(data).toHaveLength(expected.length);
        expect(data.map((row) => row[0]).sort()).toEqual(expected);
        const h = data.find((row) => row[0] === id.h);
        expect(h?.[10]).toBe('700.00');
        expect(h?.[14]).toBe('2026-03-16');
        expect(h?.[15]).toBe('2026-03-09 18:00');
      },
      120_000,
    );

    it.skipIf(browser.skip)(
      'the HTML renders in headless Chromium with three charts and the case count the database has',
      async () => {
        const executablePath = browser.need();
        const r = await report();
        const b = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
        try {
          const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
          const requests: string[] = [];
          page.on('request', (req) => requests.push(req.url()));
          await page.goto(`file://${r.paths.html}`);
          expect(await page.locator('svg.chart').count()).toBe(3);
          expect(await page.locator('[data-case-count]').getAttribute('data-case-count')).toBe(String((await scopeIds(db.conn)).length));
          expect(await page.locator('table').last().locator('tbody tr').count()).toBe(9);
          expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
          const shots = path.join(PACKAGE_ROOT, 'test-results');
          mkdirSync(shots, { recursive: true });
          await page.screenshot({ path: path.join(shots, 'morning-report.png'), fullPage: true });
          expect(existsSync(path.join(shots, 'morning-report.png'))).toBe(true);
        } finally {
          await b.close();
        }
      },
      120_000,
    );
  });
});

describe('fundwatch report morning (CLI)', () => {
  const dir = tempDir('report-cli');
  it('writes the report beside the database by default, for today in Beijing unless told, and prints its paths', async () => {
    const db = await openTestDb('file', dir);
    const dbPath = db.store.path;
    await build(db.conn);
    await db.close();
    const r = runCli(['report', 'morning', '--date', D, '--json', '--db', dbPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { paths: { html: string; md: string; xlsx: string }; cases: number; newCases: number };
    expect(out).toMatchObject({ cases: 9, newCases: 5 });
    expect(path.dirname(out.paths.xlsx)).toBe(path.join(path.dirname(path.resolve(dbPath)), 'reports'));
    for (const p of Object.values(out.paths)) expect(existsSync(p)).toBe(true);

    const text = runCli(['report', 'morning', '--date', D, '--out', path.join(dir, 'elsewhere'), '--db', dbPath]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(path.join(dir, 'elsewhere', `morning-${D}.xlsx`));
    expect(text.stdout).toContain('在办线索 9 条, 其中新增 5 条, 涉及金额 14,190.00 元');
    expect(runCli(['report', 'morning', '--date', '2026-02-30', '--db', dbPath]).code).toBe(2);
  });
});
