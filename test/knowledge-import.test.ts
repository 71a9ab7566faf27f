import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../core/config.js';
import { formatLocation, Issue } from '../core/diagnostics/index.js';
import { loadNationalKnowledge, NATIONAL_DIR, type Entry, type NationalKnowledge, type RunReport } from '../knowledge/index.js';
import { runCli } from './support/cli.js';
import { nationalDir, readmeRowCounts, snapshot } from './support/national.js';
import { tempDir } from './support/temp.js';

/**
 * `fundwatch knowledge import` on the real published workbooks, and what they really hold: footer
 * rows, a surgery in several groups, the four 频度, the age groups, 工伤 / 生育, the prose limits; and a
 * broken workbook refused at its cells with nothing landed. Expected values come from the workbooks
 * themselves (read here with the XLSX reader directly) and from their folder's README, never from
 * the importer.
 */

const dir = tempDir('knowledge-import');
const out = path.join(dir, 'national');

type Cell = string | number | boolean | Date | null;
/** A sheet of a published workbook as raw rows (header first), read without the importer. */
async function sheetRows(file: string, sheet?: string): Promise<Cell[][]> {
  const sheets = await readXlsxFile(path.join(nationalDir(), file));
  const s = sheet === undefined ? sheets[0] : sheets.find((x) => x.sheet === sheet);
  if (!s) throw new Error(`${file} 没有工作表 ${sheet ?? '1'}`);
  return s.data as unknown as Cell[][];
}

let first: RunReport;
let loaded: NationalKnowledge;

beforeAll(() => {
  const r = runCli(['knowledge', 'import', nationalDir(), '--out', out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  first = JSON.parse(r.stdout) as RunReport;
  const l = loadNationalKnowledge(NATIONAL_DIR);
  if (!l.ok) throw new Error(`shipped national tables do not load: ${JSON.stringify(l.issues.slice(0, 3))}`);
  loaded = l.knowledge;
}, 120_000);

describe('fundwatch knowledge import on the published workbooks', () => {
  it('imports all 14 files; each batch counts the rows the README lists (Sheet2 for drug batches), minus footer rows', () => {
    const readme = readmeRowCounts(nationalDir());
    expect(readme.size).toBe(14);
    expect(first.files).toHaveLength(14);
    for (const o of first.files) {
      const name = path.basename(o.file);
      const sheets = readme.get(name);
      expect(sheets, name).toBeDefined();
      expect(o.status, name).toBe('new');
      // Drug batches have Sheet1 (the limit per drug) and Sheet2 (the codes): the codes are counted.
      const counted = sheets?.has('Sheet2') ? 'Sheet2' : [...(sheets?.keys() ?? [])][0];
      expect(o.counted?.sheet, name).toBe(counted);
      const rows = sheets?.get(counted ?? '') ?? -1;
      expect(o.counted?.rows, name).toBe(rows);
      const skipped = o.issues.filter((i) => i.code === 'footer-row' && i.at.sheet === counted).length;
      expect(o.counted?.footer, name).toBe(skipped);
      expect(o.entries, name).toBe(rows - skipped);
    }
    expect(new Set(first.files.map((o) => o.table)).size).toBe(14);
  });

  it('a second import rewrites nothing, and says so', () => {
    const before = snapshot(out);
    const r = runCli(['knowledge', 'import', nationalDir(), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('没有写入任何文件');
    expect(r.stdout.match(/未变更/g)).toHaveLength(14);
    expect(snapshot(out)).toEqual(before);
    // Progress, one line per file, on stderr.
    expect(r.stderr.split('\n').filter((l) => /^\[\d+\/14\] /.test(l))).toHaveLength(14);
  });

  it('the shipped tables are exactly this import of the published files', () => {
    const fresh = snapshot(out);
    const shipped = snapshot(NATIONAL_DIR);
    for (const [f, v] of Object.entries(fresh)) expect(shipped[f]?.bytes, f).toBe(v.bytes);
    expect(
      Object.keys(shipped)
        .filter((f) => f.endsWith('.ndjson') || (f.endsWith('.yaml') && !f.startsWith('overlays')))
        .sort(),
    ).toEqual(Object.keys(fresh).sort());
  });

  it('skips the footer rows of batch 8-1 (合计, 备注) and reports each at its cell, as a warning', async () => {
    const file = '【第八批-1】项目规则库（限定频次）.xlsx';
    const rows = await sheetRows(file);
    // The footers as the workbook holds them: rows whose code column (项目编码) is empty.
    const codeCol = rows[0]?.indexOf('项目编码') ?? -1;
    const footers = rows.flatMap((r, i) => (i > 0 && (r[codeCol] ?? null) === null ? [{ row: i + 1, first: String(r[0]) }] : []));
    expect(footers.map((f) => f.first.slice(0, 2))).toEqual(['合计', '备注']);
    const o = first.files.find((x) => path.basename(x.file) === file);
    const warnings = o?.issues.filter((i) => i.code === 'footer-row') ?? [];
    expect(warnings.map((w) => [w.severity, w.at.cell])).toEqual(footers.map((f) => ['warning', `A${f.row}`]));
    const sheetName = (await readXlsxFile(path.join(nationalDir(), file)))[0]?.sheet;
    expect(warnings.every((w) => w.at.sheet === sheetName && path.basename(w.at.file ?? '') === file)).toBe(true);
    const entries = loaded.tables['b8-1-service-frequency'].entries;
    expect(entries).toHaveLength(rows.length - 1 - footers.length);
    expect(entries.some((e) => /合计|备注/.test(e.name))).toBe(false);
  });

  it('keeps a surgery that sits in several groups (batch 2): one entry per (code, group)', async () => {
    const rows = (await sheetRows('【第二批】项目规则库（限定主次操作）.xlsx')).slice(1);
    const groupsOf = new Map<string, string[]>();
    for (const r of rows) groupsOf.set(String(r[2]), [...(groupsOf.get(String(r[2])) ?? []), String(r[4])]);
    const multi = [...groupsOf].filter(([, g]) => g.length > 1);
    expect(multi.length).toBeGreaterThan(0);
    const entries = loaded.tables['b2-service-main-secondary'].entries;
    expect(entries).toHaveLength(rows.length);
    for (const [code, groups] of groupsOf)
      expect(
        entries
          .filter((e) => e.med_list_codg === code)
          .map((e) => e.group)
          .sort(),
        code,
      ).toEqual([...groups].sort());
    // Each group has its stable id; the same surgery's entries differ only in group and row.
    const adhesiolysis = entries.filter((e) => e.med_list_codg === multi[0]?.[0]);
    expect(new Set(adhesiolysis.map((e) => e.group_id)).size).toBe(adhesiolysis.length);
  });

  it('maps all four 频度 of batch 7: 单日 → day, 单次就诊 → visit, 6小时 → 6h, 同一小时 → hour', async () => {
    const rows = (await sheetRows('【第七批 】项目规则库（重复收费）.xlsx')).slice(1);
    const per = new Map<string, number>();
    for (const r of rows) per.set(String(r[1]), (per.get(String(r[1])) ?? 0) + 1);
    expect([...per.keys()].sort()).toEqual(['6小时', '单日', '单次就诊', '同一小时'].sort());
    const meaning: Record<string, Entry<'b7-service-duplicate'>['per']> = {
      单日: 'day',
      单次就诊: 'visit',
      '6小时': '6h',
      同一小时: 'hour',
    };
    const entries = loaded.tables['b7-service-duplicate'].entries;
    for (const [label, n] of per) expect(entries.filter((e) => e.per === meaning[label]).length, label).toBe(n);
    // Row by row: the entry of sheet row i carries the meaning of that row's 频度.
    for (const e of entries) expect(meaning[String(rows[e.src.row - 2]?.[1])]).toBe(e.per);
  });

  it('gives 儿童 / 新生儿 / 婴幼儿 documented age bounds (overlay), each bound with its source', () => {
    const groups = new Map(loaded.ageGroups.groups.map((g) => [g.id, g]));
    const used = new Set([...loaded.tables['b1-drug-age'].entries, ...loaded.tables['b1-service-age'].entries].map((e) => e.age_group));
    expect([...used].sort()).toEqual(['child', 'infant', 'newborn']);
    for (const id of used) {
      const g = groups.get(id);
      expect(g?.sources.length, id).toBeGreaterThan(0);
      for (const s of g?.sources ?? []) expect(s.says.length, id).toBeGreaterThan(5);
    }
    expect([groups.get('newborn')?.min_age, groups.get('newborn')?.max_age, groups.get('newborn')?.unit]).toEqual([0, 28, 'day']);
    expect([groups.get('infant')?.max_age, groups.get('infant')?.unit]).toEqual([3, 'year']);
    expect([groups.get('child')?.max_age, groups.get('child')?.unit]).toEqual([18, 'year']);
    // The batch itself puts a 17-year-old under 儿童: the bound must not exclude him.
    const clonidine = loaded.tables['b1-drug-age'].entries.find((e) => e.name === '盐酸可乐定缓释片');
    expect(clonidine?.desc).toContain('6-17岁');
    expect(17).toBeLessThan(groups.get('child')?.max_age ?? 0);
  });

  it('reads 工伤 / 生育 (batch 3) as not payable from basic medical insurance', async () => {
    const limit = new Map(
      (await sheetRows('【第三批】药品规则库（限定保险类型）.xlsx', 'Sheet1')).slice(1).map((r) => [String(r[0]), String(r[3])]),
    );
    expect(new Set(limit.values())).toEqual(new Set(['工伤', '生育']));
    const entries = loaded.tables['b3-drug-insurance'].entries;
    expect(entries).toHaveLength((await sheetRows('【第三批】药品规则库（限定保险类型）.xlsx', 'Sheet2')).length - 1);
    for (const e of entries) {
      expect(e.basic_payable).toBe(false);
      expect(e.insurance).toBe(limit.get(e.name) === '工伤' ? 'work-injury' : 'maternity');
    }
  });

  it('enters the prose-only limits of batches 8-2 and 8-3 once each, as parameters beside their prose', () => {
    for (const table of ['b8-2-service-age', 'b8-3-service-course'] as const)
      for (const e of loaded.tables[table].entries) {
        const limits = loaded.proseLimits.limits.filter((l) => l.table === table && l.codes.includes(e.med_list_codg));
        expect(limits, `${table} ${e.med_list_codg}`).toHaveLength(1);
        expect(limits[0]?.prose).toBe(e.note);
        expect(Object.keys(limits[0]?.params ?? {}).length).toBeGreaterThan(0);
      }
    // Entered once: one item per distinct prose of a table.
    const proses = loaded.proseLimits.limits.map((l) => `${l.table}|${l.prose}`);
    expect(new Set(proses).size).toBe(proses.length);
    const course = (codg: string) => loaded.proseLimits.limits.find((l) => l.codes.includes(codg) && l.table === 'b8-3-service-course');
    expect(course('003402000050000')?.params).toMatchObject({ course_max_days: 90, min_interval_days: 14 });
    expect(course('003402000350000')?.params).toMatchObject({ course_max_days: 365, max_per_week: 1 });
  });
});

describe('a broken workbook', () => {
  const inbox = path.join(dir, 'inbox');
  const brokenOut = path.join(dir, 'broken-out');

  beforeAll(async () => {
    mkdirSync(inbox, { recursive: true });
    // Batch 7 with an unknown 频度 (B3), a 14-digit code (D4) and a code stored as a number (F5).
    await writeXlsxFile(
      [
        ['序号', '频度', '主项名称', '主项编码', '从项名称', '从项编码', '备注'],
        [1, '单日', '急诊监护费', '001103000010000', '急诊诊查费', '001102000030000', '含监护'],
        [2, '每周', '急诊监护费', '001103000010000', '普通病房床位费', '001109000010000', null],
        [3, '单次就诊', '急诊监护费', '00110300001000', '普通病房床位费(单人间)', '001109000010100', null],
        [4, '6小时', '急诊监护费', '001103000010000', '特级护理', 1201000020000, null],
      ],
      { sheet: '“医疗服务项目重复收费”规则对应知识点明细' },
    ).toFile(path.join(inbox, '【第七批 】项目规则库（重复收费）.xlsx'));
    // Batch 8-4 without its 疗程周期 column.
    await writeXlsxFile([
      ['序号', '项目名称', '频次上限', '备注', '项目代码'],
      [1, '血清果糖胺测定', 1, '诊疗规范', '002503020020000'],
    ]).toFile(path.join(inbox, '【第八批-4】项目规则库（限定周期）.xlsx'));
    // Batch 3 with an unknown 限定类型 in Sheet1 and a drug code of the wrong shape in Sheet2.
    await writeXlsxFile([
      {
        sheet: 'Sheet1',
        data: [
          ['药品通用名', '药品说明', '限定类型', '限定对象'],
          ['疤痕止痒软化膏', '工伤保险目录用药', '限定险种', '工伤'],
        ],
      },
      {
        sheet: 'Sheet2',
        data: [
          ['药品通用名', '序号', '国标代码', '限定类型'],
          ['疤痕止痒软化膏', 1, 'ZH01AAB006601010071', '限定保险类型'],
        ],
      },
    ]).toFile(path.join(inbox, '【第三批】药品规则库（限定保险类型）.xlsx'));
    // And one good workbook beside them: batch 8-2, which lands.
    await writeXlsxFile([
      ['序号', '项目名称', '备注', '项目代码'],
      [1, '职业功能训练', '参保人年龄超出法定就业年龄限制', '003402000320000'],
    ]).toFile(path.join(inbox, '【第八批-2】项目规则库（限定年龄）.xlsx'));
  });

  it('is reported at sheet!cell with the shared diagnostics, exit 1, and nothing of it lands', () => {
    const r = runCli(['knowledge', 'import', inbox, '--out', brokenOut, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as RunReport;
    const errors = report.files.flatMap((o) => o.issues.filter((i) => i.severity === 'error').map((i) => Issue.parse(i)));
    const where = (i: Issue) => `${path.basename(i.at.file ?? '')} ${i.at.sheet ?? ''}!${i.at.cell ?? ''} ${i.code}`;
    expect(errors.map(where).sort()).toEqual(
      [
        '【第七批 】项目规则库（重复收费）.xlsx “医疗服务项目重复收费”规则对应知识点明细!B3 invalid-enum',
        '【第七批 】项目规则库（重复收费）.xlsx “医疗服务项目重复收费”规则对应知识点明细!D4 invalid-code',
        '【第七批 】项目规则库（重复收费）.xlsx “医疗服务项目重复收费”规则对应知识点明细!F5 invalid-code',
        '【第八批-4】项目规则库（限定周期）.xlsx Sheet1!F1 missing-column',
        '【第三批】药品规则库（限定保险类型）.xlsx Sheet1!C2 invalid-enum',
        '【第三批】药品规则库（限定保险类型）.xlsx Sheet2!C2 invalid-code',
      ].sort(),
    );
    expect(errors.find((i) => i.at.cell === 'B3')?.got).toBe('"每周"');
    expect(report.files.map((o) => [path.basename(o.file), o.status]).sort()).toEqual(
      [
        ['【第七批 】项目规则库（重复收费）.xlsx', 'refused'],
        ['【第八批-4】项目规则库（限定周期）.xlsx', 'refused'],
        ['【第三批】药品规则库（限定保险类型）.xlsx', 'refused'],
        ['【第八批-2】项目规则库（限定年龄）.xlsx', 'new'],
      ].sort(),
    );
    // Only the good workbook's two files landed; no temporary file is left behind.
    expect(readdirSync(brokenOut).sort()).toEqual(['b8-2-service-age.ndjson', 'b8-2-service-age.yaml']);
  });

  it('prints each problem as `<file> <sheet>!<cell>` on the terminal', () => {
    const r = runCli(['knowledge', 'import', path.join(inbox, '【第七批 】项目规则库（重复收费）.xlsx'), '--out', brokenOut]);
    expect(r.code).toBe(1);
    const file = path.relative(PACKAGE_ROOT, path.join(inbox, '【第七批 】项目规则库（重复收费）.xlsx'));
    const at = formatLocation({ file, sheet: '“医疗服务项目重复收费”规则对应知识点明细', cell: 'B3' });
    expect(r.stdout).toContain(`${at} 错误 [invalid-enum] 未知的频度 "每周"`);
    expect(r.stdout).toContain('拒收');
    expect(readdirSync(brokenOut).some((f) => f.startsWith('b7-'))).toBe(false);
  });
});
