import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { statusOf } from '../api/status.js';
import { groupCases } from '../cases/index.js';
import { registerDraw } from '../cli/commands/draw.js';
import { registerStatus } from '../cli/commands/status.js';
import { addWorkdays } from '../core/calendar.js';
import { nowText } from '../core/clock.js';
import { inspectionRegistries, knowledgeTables } from '../generator/index.js';
import {
  publicationDeadline,
  publicationStatus,
  prepareDraw,
  publishDraw,
  readFrames,
  listTargets,
  recordResult,
  runDraw,
  TARGET_SHEET,
  parsePlan,
  type DrawRecord,
} from '../inspection/index.js';
import { writeHits } from '../score/index.js';
import { openStore, text } from '../store/index.js';
import { runRegistered } from './support/cli.js';
import { hit } from './support/hits.js';
import { loadRegistry, type TestInspector, type TestInstitution } from './support/registry.js';
import { openTestDb, type TestDb } from './support/store.js';
import { tempDir } from './support/temp.js';
import { refusalOf } from './support/errors.js';

const tmp = tempDir('publish');

/** 12 pharmacies (one inspected recently, one long ago, by the registry), 3 level-2 hospitals, a level-3 hospital (directed, from a case) and a level-1 one no stratum takes. */
const INSTITUTIONS: TestInstitution[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ code: `P5118025${String(i).padStart(4, '0')}`, type: '2' as const, lv: '9' as const })),
  ...[1, 2, 3].map((i) => ({ code: `H5118022000${i}`, type: '1' as const, lv: '2' as const, admdvs: '511803' })),
  { code: 'P51180250010', type: '2', lv: '9', last: '2025-12-01' },
  { code: 'P51180250011', type: '2', lv: '9', last: '2026-08-15' },
  { code: 'H51180230001', type: '1', lv: '3' },
  // Only in a conflict: a public record naming it would leak who must not inspect whom.
  { code: 'H51180210001', type: '1', lv: '1' },
];
const ORGS = ['雅安市医疗保障局', '雨城区医疗保障局', '名山区医疗保障局'];
const NAMES = ['欧阳明轩', '司马晓岚', '上官志远', '诸葛婉清', '慕容建国', '皇甫思琪', '东方宏伟', '令狐雅婷'];
const INSPECTORS: TestInspector[] = NAMES.map((name, i) => ({
  id: `INSPX${String(i).padStart(3, '0')}`,
  name,
  org: ORGS[i % 3] as string,
  conflicts: i % 2 === 0 ? ['H51180210001'] : [],
}));

const PLAN = `plan_id: 2026Q4-routine
period: { from: '2026-10-01', to: '2026-12-31' }
strata:
  - { name: 零售药店, filter: { fixmedins_type: '2' }, ratio_pct: 25 }
  - { name: 二级医院, filter: { fixmedins_type: '1', hosp_lv: '2' }, count: 2 }
inspectors_per_target: 2
max_targets_per_inspector: 3
exclude_inspected_within_months: 6
directed: { min_case_risk: 0, max_targets: 1 }
`;
const planArgs = (text: string = PLAN) => ({ plan_text: text, plan_file: 'plan.yaml' });
/** The draw on 2026-09-30 (Beijing), the day before 国庆. */
const DRAWN = '2026-09-30 02:00:00';
const ctx = (now: string) => ({ now, actor: '张三' });

const reasonOf = refusalOf;

/** The entries of a zip (an XLSX) by name, inflated: read from the central directory, as any unzip does. */
function unzip(buf: Buffer): Map<string, string> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, string>();
  for (let k = 0; k < count; k++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const skip = nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + skip;
  }
  return out;
}

/** Every sheet of a workbook as rows of text. */
async function sheets(file: string): Promise<Map<string, string[][]>> {
  const all = await readXlsxFile(file);
  return new Map(all.map((s) => [s.sheet, s.data.map((r) => r.map((c) => (c === null ? '' : String(c))))]));
}

let db: TestDb;
let draw: DrawRecord;
let caseOf: string;

async function setUp(conn: TestDb['conn']): Promise<void> {
  await loadRegistry(conn, tmp, INSTITUTIONS, INSPECTORS);
  await writeHits(
    conn,
    [hit({ jr_id: 'h1', pattern: 'over-price', fixmedins_code: 'H51180230001', vola_amt: 90_000, sev_deg: 'definite' })],
    '2026-09-01 02:00:00',
  );
  await groupCases(conn, '2026-09-02 02:00:00');
  await prepareDraw(conn, planArgs(), ctx('2026-09-20 08:00:00'));
}

beforeEach(async () => {
  db = await openTestDb('memory');
  await setUp(db.conn);
  draw = (await runDraw(db.conn, { ...planArgs(), public_seed: '2026-09-29 福彩3D 417' }, ctx(DRAWN))).draw;
  caseOf = text(
    (await db.conn.runAndReadAll(`SELECT case_id FROM case_file WHERE fixmedins_code = 'H51180230001'`)).getRows()[0]?.[0] ?? '',
  );
});
afterEach(async () => db.close());

describe('一公开: the public record (HTML and XLSX)', () => {
  it('names targets, strata and organisations, random and directed apart, and no inspector, id or conflict', async () => {
    const doc = draw.document;
    expect(doc.random.length).toBe(5); // ceil(25% of 11: one inspected in the window) + 2
    expect(doc.random.some((t) => !t.unstaffed)).toBe(true);
    expect(doc.directed.map((t) => t.fixmedins_code)).toEqual(['H51180230001']);

    const out = path.join(tmp, 'public-1');
    const p = await publishDraw(db.conn, { draw_id: draw.draw_id, out_dir: out }, ctx('2026-10-09 03:00:00'));
    expect(p.files.html).toBe(path.join(out, `draw-${draw.draw_id}.html`));
    expect(existsSync(p.files.xlsx)).toBe(true);
    const html = readFileSync(p.files.html, 'utf8');
    const xlsx = readFileSync(p.files.xlsx);
    const xml = [...unzip(xlsx).values()].join('\n');
    expect(unzip(xlsx).size).toBeGreaterThan(3);

    // Targets and the organisations of their teams.
    const orgsUsed = new Set(doc.random.flatMap((t) => t.inspectors.map((id) => ORGS[Number(id.slice(5)) % 3] as string)));
    expect(orgsUsed.size).toBeGreaterThan(0);
    for (const t of [...doc.random, ...doc.directed]) {
      expect(html).toContain(t.fixmedins_code);
      expect(xml).toContain(t.fixmedins_code);
    }
    for (const org of orgsUsed) {
      expect(html).toContain(org);
      expect(xml).toContain(org);
    }
    expect(html).toContain('零售药店');
    expect(html).toContain('2026-10-01 至 2026-12-31');
    // No inspector name or id, no conflict (the code only a conflict names), no case id, no actor.
    for (const i of INSPECTORS)
      for (const secret of [i.id, i.name as string]) {
        expect(html, secret).not.toContain(secret);
        expect(xml, secret).not.toContain(secret);
      }
    for (const secret of ['H51180210001', caseOf, '张三']) {
      expect(html, secret).not.toContain(secret);
      expect(xml, secret).not.toContain(secret);
    }
    // Self-contained: no script, no external resource.
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);

    // Random and directed told apart: in HTML by row mode, in the workbook by 方式.
    expect(html.match(/<tr data-mode="random">/g)?.length).toBe(doc.random.length);
    expect(html.match(/<tr data-mode="directed">/g)?.length).toBe(1);
    expect(html).toMatch(/<tr data-mode="directed">.*定向.*H51180230001.*另行指派/);
    const book = await sheets(p.files.xlsx);
    const rows = book.get(TARGET_SHEET) ?? [];
    expect(rows[0]?.slice(0, 4)).toEqual(['方式', '序号', '分层', '机构编码']);
    const byCode = new Map(rows.slice(1).map((r) => [r[3], r]));
    for (const t of doc.random) expect(byCode.get(t.fixmedins_code)?.slice(0, 3)).toEqual(['随机', expect.any(String), t.stratum]);
    expect(byCode.get('H51180230001')?.[0]).toBe('定向');
    expect([...book.keys()]).toEqual([TARGET_SHEET, '检查事项', '抽取信息']);

    // The publication is on record, in time.
    expect(p).toMatchObject({ deadline_on: '2026-11-03', on_time: true, results: 0, targets: 5, directed: 1 });
    const rec = (
      await db.conn.runAndReadAll(
        `SELECT draw_id, actor, strftime(deadline_on, '%Y-%m-%d'), json_array_length(files), results FROM draw_publication`,
      )
    ).getRows();
    expect(rec.map((r) => r.map((v) => text(v)))).toEqual([[draw.draw_id, '张三', '2026-11-03', '2', '0']]);
  });

  it('shows a superseded draw with its reason, and lists it in its successor’s record', async () => {
    const changed = PLAN.replace('count: 2', 'count: 1');
    await prepareDraw(db.conn, planArgs(changed), ctx('2026-10-02 08:00:00'));
    const next = await runDraw(
      db.conn,
      { ...planArgs(changed), public_seed: '2026-10-03 福彩3D 001', supersede: true, reason: '二级医院名录有误' },
      ctx('2026-10-03 02:00:00'),
    );
    const old = await publishDraw(db.conn, { draw_id: draw.draw_id, out_dir: path.join(tmp, 'sup') }, ctx('2026-10-09 03:00:00'));
    const oldHtml = readFileSync(old.files.html, 'utf8');
    expect(oldHtml).toContain(`已被抽取 ${next.draw.draw_id} 取代, 理由: 二级医院名录有误`);
    expect((await sheets(old.files.xlsx)).get('抽取信息')?.find((r) => r[0] === '状态')?.[1]).toContain('二级医院名录有误');
    const now = await publishDraw(db.conn, { draw_id: next.draw.draw_id, out_dir: path.join(tmp, 'sup') }, ctx('2026-10-09 03:00:00'));
    const html = readFileSync(now.files.html, 'utf8');
    expect(html).toMatch(new RegExp(`<tr data-draw="${draw.draw_id}">.*已被 ${next.draw.draw_id} 取代.*二级医院名录有误`));
    expect((await sheets(now.files.xlsx)).get('其他抽取')?.[1]?.[0]).toBe(draw.draw_id);
    // Results go to the current draw only.
    const t = draw.document.random[0]?.fixmedins_code as string;
    expect(
      await reasonOf(
        recordResult(
          db.conn,
          { draw_id: draw.draw_id, fixmedins_code: t, inspected_on: '2026-10-08', outcome: 'no-issue' },
          ctx('2026-10-09 03:00:00'),
        ),
      ),
    ).toMatchObject({ code: 'refused' });
  });
});

describe('一公开: the deadline, in working days on the holiday calendar', () => {
  it('is 20 working days after the draw across 国庆 (not 20 weekdays), configurable, overdue from the next China day', async () => {
    expect(publicationDeadline(DRAWN, 20)).toBe('2026-11-03');
    // Weekdays alone would give 2026-10-28; 国庆 (10-01…10-07) is off and Saturday 10-10 a 调休 working day.
    expect(addWorkdays('2026-09-30', 5)).toBe('2026-10-13');
    expect(publicationDeadline(DRAWN, 5)).toBe('2026-10-13');

    const at = async (now: string, days?: number) => statusOf(db.conn, days === undefined ? {} : { deadline_days: days }, ctx(now));
    // 2026-11-03 15:00 UTC is 23:00 in Beijing, the deadline day: due, not overdue; an hour later it is.
    const due = (await at('2026-11-03 15:00:00')).publications;
    expect(due.unpublished).toEqual([
      { draw_id: draw.draw_id, plan_id: '2026Q4-routine', drawn_on: '2026-09-30', deadline_on: '2026-11-03', overdue: false },
    ]);
    expect(due.overdue).toBe(0);
    expect((await at('2026-11-03 16:00:00')).publications.overdue).toBe(1);
    expect((await at('2026-10-14 01:00:00', 5)).publications.unpublished[0]).toMatchObject({ deadline_on: '2026-10-13', overdue: true });
    await expect(publicationStatus(db.conn, { deadline_days: 0 }, ctx(DRAWN))).rejects.toMatchObject({ code: 'usage' });

    // Published late: on record as late, and no longer pending.
    const late = await publishDraw(db.conn, { draw_id: draw.draw_id, out_dir: path.join(tmp, 'late') }, ctx('2026-11-04 02:00:00'));
    expect(late.on_time).toBe(false);
    expect((await at('2026-11-05 02:00:00')).publications).toMatchObject({ unpublished: [], overdue: 0, stale: [] });
  });
});

describe('draw result: what an inspection found', () => {
  it('updates the last inspection (a later draw excludes it), links the case, and shows in the republished record', async () => {
    const target = draw.document.random[0]?.fixmedins_code as string;
    await writeHits(db.conn, [hit({ jr_id: 'h2', pattern: 'over-price', fixmedins_code: target, vola_amt: 10 })], '2026-10-10 02:00:00');
    await groupCases(db.conn, '2026-10-10 03:00:00');
    const targetCase = text(
      (await db.conn.runAndReadAll(`SELECT case_id FROM case_file WHERE fixmedins_code = $c`, { c: target })).getRows()[0]?.[0] ?? '',
    );
    const first = await publishDraw(db.conn, { draw_id: draw.draw_id, out_dir: path.join(tmp, 'results') }, ctx('2026-10-12 03:00:00'));
    expect(first.results).toBe(0);

    const now = ctx('2026-10-21 03:00:00');
    const res = (a: Partial<Parameters<typeof recordResult>[1]>) =>
      recordResult(db.conn, { draw_id: draw.draw_id, fixmedins_code: target, inspected_on: '2026-10-20', outcome: 'no-issue', ...a }, now);
    // Refusals first: none of them writes anything.
    expect(await reasonOf(res({ fixmedins_code: 'H51180210001' }))).toMatchObject({ code: 'refused' }); // not in the draw
    expect((await reasonOf(res({ outcome: 'fine' }))).message).toContain('no-issue (无问题)');
    expect(await reasonOf(res({ outcome: 'case-filed' }))).toMatchObject({ code: 'usage' }); // needs its case
    expect(await reasonOf(res({ outcome: 'case-filed', case_id: caseOf }))).toMatchObject({ code: 'refused' }); // another institution's
    expect(await reasonOf(res({ inspected_on: '2026-09-29' }))).toMatchObject({ code: 'usage' }); // before the draw
    expect(await reasonOf(res({ inspected_on: '2026-10-22' }))).toMatchObject({ code: 'usage' }); // after today
    expect(
      await reasonOf(
        recordResult(
          db.conn,
          { draw_id: draw.draw_id, fixmedins_code: target, inspected_on: '2026-10-20', outcome: 'no-issue' },
          { now: now.now },
        ),
      ),
    ).toMatchObject({ code: 'usage' }); // no actor
    expect(Number((await db.conn.runAndReadAll('SELECT count(*) FROM draw_result')).getRows()[0]?.[0])).toBe(0);

    const ok = await res({ outcome: 'case-filed', case_id: targetCase, note: '院方负责人李某某到场' });
    expect(ok).toMatchObject({ mode: 'random', outcome_name: '发现问题, 已立案', case_id: targetCase, actor: '张三' });
    expect(await reasonOf(res({}))).toMatchObject({ code: 'refused' }); // once per target
    const directed = await recordResult(
      db.conn,
      { draw_id: draw.draw_id, fixmedins_code: 'H51180230001', inspected_on: '2026-10-21', outcome: 'transferred', case_id: caseOf },
      now,
    );
    expect(directed.mode).toBe('directed');

    // The case's audit log has the inspection.
    const audit = (
      await db.conn.runAndReadAll(`SELECT case_id, actor, CAST(after AS VARCHAR) FROM case_audit WHERE action = 'inspection' ORDER BY seq`)
    ).getRows();
    expect(audit.map((r) => [text(r[0]), text(r[1])])).toEqual([
      [targetCase, '张三'],
      [caseOf, '张三'],
    ]);
    expect(JSON.parse(text(audit[0]?.[2] ?? '{}'))).toEqual({
      draw_id: draw.draw_id,
      fixmedins_code: target,
      inspected_on: '2026-10-20',
      outcome: 'case-filed',
    });

    // A later draw's frame: the inspected targets fall in the exclusion window, the registry's last_inspected too.
    const later = parsePlan(
      PLAN.replace('2026Q4-routine', '2027Q1').replace("from: '2026-10-01', to: '2026-12-31'", "from: '2027-01-01', to: '2027-03-31'"),
      'p2.yaml',
    );
    if (!later.ok) throw new Error('plan');
    const frames = await readFrames(db.conn, later.plan);
    const all = Object.values(frames.targets).flat();
    expect(all).not.toContain(target);
    expect(all).not.toContain('P51180250011'); // last_inspected 2026-08-15 in the registry
    expect(all).toContain('P51180250010'); // last_inspected 2025-12-01: before the window
    expect(all.length).toBe(15 - 2);
    const wide = await readFrames(db.conn, { ...later.plan, exclude_inspected_within_months: undefined });
    expect(Object.values(wide.targets).flat()).toContain(target);

    // The record before republishing is stale; republished, it shows the results (and never the note).
    expect((await statusOf(db.conn, {}, now)).publications.stale).toEqual([{ draw_id: draw.draw_id, results: 2, published_results: 0 }]);
    const again = await publishDraw(db.conn, { draw_id: draw.draw_id, out_dir: path.join(tmp, 'results') }, now);
    expect(again.results).toBe(2);
    const html = readFileSync(again.files.html, 'utf8');
    expect(html).toMatch(
      new RegExp(`<tr data-mode="random">(?:(?!</tr>).)*${target}(?:(?!</tr>).)*2026-10-20(?:(?!</tr>).)*发现问题, 已立案`),
    );
    expect(html).toMatch(/<tr data-mode="directed">(?:(?!<\/tr>).)*H51180230001(?:(?!<\/tr>).)*2026-10-21(?:(?!<\/tr>).)*移交/);
    expect(html).not.toContain('李某某');
    expect(html).not.toContain(targetCase);
    const row = (await sheets(again.files.xlsx)).get(TARGET_SHEET)?.find((r) => r[3] === target);
    expect(row?.slice(-2)).toEqual(['2026-10-20', '发现问题, 已立案']);
    expect((await statusOf(db.conn, {}, now)).publications.stale).toEqual([]);
  });
});

describe('the inspection-target registry, with history', () => {
  it('lists type, level, region and the later of registry and result as last inspection; each load a version', async () => {
    const target = draw.document.random.find((t) => t.fixmedins_code.startsWith('P'))?.fixmedins_code as string;
    await recordResult(
      db.conn,
      { draw_id: draw.draw_id, fixmedins_code: target, inspected_on: '2026-10-20', outcome: 'no-issue' },
      ctx('2026-10-21 03:00:00'),
    );
    // A new load: the target's registry says 2026-11-02 (later than the result), P…0010 moves region.
    await loadRegistry(
      db.conn,
      tmp,
      INSTITUTIONS.map((i) =>
        i.code === target ? { ...i, last: '2026-11-02' } : i.code === 'P51180250010' ? { ...i, admdvs: '511803' } : i,
      ),
      INSPECTORS,
    );
    const one = await listTargets(db.conn, { fixmedins_code: target });
    expect(one.targets).toEqual([
      expect.objectContaining({
        type_name: '零售药店',
        level_name: '未定级',
        admdvs: '511802',
        registry_last: '2026-11-02',
        result_last: '2026-10-20',
        last_inspected: '2026-11-02',
      }),
    ]);
    expect(one.history.map((h) => h.last_inspected)).toEqual([null, '2026-11-02']);
    expect(one.history[0]?.load_id).toBeLessThan(one.history[1]?.load_id ?? 0);
    const moved = await listTargets(db.conn, { fixmedins_code: 'P51180250010' });
    expect(moved.history.map((h) => h.admdvs)).toEqual(['511802', '511803']);
    expect(moved.targets[0]).toMatchObject({ admdvs: '511803', last_inspected: '2025-12-01', result_last: null });
    expect((await listTargets(db.conn, {})).targets).toHaveLength(INSTITUTIONS.length);
    await expect(listTargets(db.conn, { fixmedins_code: 'NOPE' })).rejects.toMatchObject({ code: 'usage' });
    const inspectorVersions = Number((await db.conn.runAndReadAll('SELECT count(*) FROM inspector_history')).getRows()[0]?.[0]);
    expect(inspectorVersions).toBe(INSPECTORS.length); // inspectors.csv unchanged: no new version
  });
});

describe('the CLI: draw publish, draw result, status', () => {
  beforeAll(() => vi.stubEnv('FUNDWATCH_PII_KEY', 'test-key'));
  afterAll(() => vi.unstubAllEnvs());

  it('publishes to --out, records a result, and status shows the overdue draw until it is published', async () => {
    const dbFile = path.join(tmp, 'cli.duckdb');
    const store = await openStore(dbFile);
    const conn = await store.connect();
    // Drawn 60 days before the real clock the CLI reads: overdue by any count of 20 working days.
    const drawnAt = nowText(new Date(Date.now() - 60 * 86_400_000));
    let id: string;
    let target: string;
    try {
      await setUp(conn);
      const d = (await runDraw(conn, { ...planArgs(), public_seed: 'S' }, ctx(drawnAt))).draw;
      id = d.draw_id;
      target = d.document.random[0]?.fixmedins_code as string;
    } finally {
      conn.closeSync();
      await store.close();
    }
    const status = await runRegistered(registerStatus, ['status', '--db', dbFile]);
    expect(status).toContain('⚠ 抽查结果逾期未公开 1 个 (抽取后 20 个工作日内须公开');
    expect(status).toContain(id);
    expect(await runRegistered(registerStatus, ['status', '--db', dbFile, '--deadline-days', '250'])).toContain(`待公开的抽取 1 个: ${id}`);
    await expect(runRegistered(registerStatus, ['status', '--db', dbFile, '--deadline-days', 'x'])).rejects.toMatchObject({
      code: 'usage',
    });

    const cli = (args: readonly string[]) => runRegistered(registerDraw, [...args, '--db', dbFile]);
    await expect(
      cli(['draw', 'result', id, 'H51180210001', '--inspected-on', drawnAt.slice(0, 10), '--outcome', 'no-issue', '--as', '李四']),
    ).rejects.toMatchObject({ code: 'refused' });
    const day = addWorkdays(drawnAt.slice(0, 10), 1);
    expect(await cli(['draw', 'result', id, target, '--inspected-on', day, '--outcome', 'no-issue', '--as', '李四'])).toContain(
      `已登记 ${target} (随机) 的检查结果: ${day} 无问题`,
    );
    const out = path.join(tmp, 'cli-public');
    const printed = await cli(['draw', 'publish', id, '--out', out, '--as', '李四']);
    expect(printed).toContain(`已公开抽取 ${id}`);
    expect(printed).toContain('⚠ 已逾期公开');
    expect(printed).toContain(path.join(out, `draw-${id}.html`));
    expect(readFileSync(path.join(out, `draw-${id}.html`), 'utf8')).toContain('无问题');
    expect(await runRegistered(registerStatus, ['status', '--db', dbFile])).not.toContain('逾期未公开');
  });
});

describe('the generator’s inspection registries', () => {
  const tables = knowledgeTables();
  it('has ≥ 30 inspectors in ≥ 3 organisations with conflicts at town scale, ≥ 6 at tiny, the same for a seed', () => {
    const parse = (lines: readonly string[]) => lines.slice(1).map((l) => l.split(','));
    const town = parse(inspectionRegistries({ scale: 'town', seed: 42 }, tables).inspectors);
    expect(town.length).toBeGreaterThanOrEqual(30);
    expect(new Set(town.map((r) => r[2])).size).toBeGreaterThanOrEqual(3);
    expect(town.filter((r) => r[5]).length).toBeGreaterThanOrEqual(5);
    expect(new Set(town.map((r) => r[0])).size).toBe(town.length);
    const tiny = parse(inspectionRegistries({ scale: 'tiny', seed: 42 }, tables).inspectors);
    expect(tiny.length).toBeGreaterThanOrEqual(6);
    expect(tiny.length).toBeLessThan(town.length);
    expect(inspectionRegistries({ scale: 'town', seed: 42 }, tables)).toEqual(inspectionRegistries({ scale: 'town', seed: 42 }, tables));
    expect(inspectionRegistries({ scale: 'town', seed: 43 }, tables).inspectors).not.toEqual(
      inspectionRegistries({ scale: 'town', seed: 42 }, tables).inspectors,
    );
    // Every conflict names an institution of the registry; some institutions carry a last_inspected date.
    const inst = parse(inspectionRegistries({ scale: 'town', seed: 42 }, tables).institutions);
    const codes = new Set(inst.map((r) => r[0]));
    for (const r of town) for (const c of (r[5] ?? '').split(';').filter(Boolean)) expect(codes.has(c), c).toBe(true);
    expect(inst.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[r.length - 1] ?? '')).length).toBeGreaterThan(5);
  });
});
