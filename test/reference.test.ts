import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { piiHash } from '../contract/pii.js';
import { CatalogItem, REFERENCE_FILES, type ReferenceFile } from '../contract/reference.js';
import { FundwatchError } from '../core/errors.js';
import { loadReference, parseReference, type FileLoad } from '../reference/index.js';
import { openStore, type Store } from '../store/open.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE_DIR = path.join(ROOT, 'fixtures/reference');
const INVALID_DIR = path.join(ROOT, 'fixtures/reference-invalid');

interface Expected {
  reference_counts: Record<string, number>;
  reference_invalid: { file: string; line: number; field: string; med_list_codg: string; value: string }[];
  personal_data: { in_insured_csv: string[]; masked_certno_examples: Record<string, string> };
}
const expected = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/expected.json'), 'utf8')) as Expected;

const KEY = 'reference-test-key';
const refOf = (file: string) => REFERENCE_FILES.find((r) => r.file === file) as ReferenceFile;
const byFile = (summary: readonly FileLoad[], file: string) => summary.find((s) => s.file === file) as FileLoad;

async function rows(conn: DuckDBConnection, sql: string, params: Record<string, DuckDBValue> = {}): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJS();
}

async function one(conn: DuckDBConnection, sql: string, params: Record<string, DuckDBValue> = {}): Promise<unknown> {
  return (await conn.runAndReadAll(sql, params)).getRows()[0]?.[0];
}

/** Row count of each reference view. */
async function viewCounts(conn: DuckDBConnection): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of REFERENCE_FILES) out[r.file] = Number(await one(conn, `SELECT count(*) FROM ${r.table}`));
  return out;
}

function tempDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fundwatch-ref-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dirWith = (files: Record<string, string | Buffer>) => {
  const d = tempDir(files);
  temps.push(d);
  return d;
};

describe.each([
  { kind: 'in-memory', file: false },
  { kind: 'temp file', file: true },
])('reference load on a $kind store', ({ file }) => {
  let store: Store;
  let conn: DuckDBConnection;
  let dbPath: string;

  beforeEach(async () => {
    dbPath = file ? path.join(dirWith({}), 'fundwatch.duckdb') : ':memory:';
    store = await openStore(dbPath);
    conn = await store.connect();
  });
  afterEach(async () => {
    conn.closeSync();
    await store.close();
  });

  it('loads fixtures/reference: each view holds the rows of its CSV, typed', async () => {
    const summary = await loadReference(conn, REFERENCE_DIR, { piiKey: KEY });
    expect(summary.map((s) => [s.file, s.status, s.rowsLoaded, s.rowsRejected])).toEqual(
      REFERENCE_FILES.map((r) => [r.file, 'loaded', expected.reference_counts[r.file], 0]),
    );
    expect(await viewCounts(conn)).toEqual(expected.reference_counts);
    expect(new Set(summary.map((s) => s.loadId)).size).toBe(REFERENCE_FILES.length);

    const loads = await rows(conn, 'SELECT file, table_name, sha256, rows_loaded, rows_rejected FROM reference_load ORDER BY load_id');
    expect(loads).toEqual(
      REFERENCE_FILES.map((r) => ({
        file: r.file,
        table_name: r.table,
        sha256: createHash('sha256')
          .update(readFileSync(path.join(REFERENCE_DIR, r.file)))
          .digest('hex'),
        rows_loaded: expected.reference_counts[r.file],
        rows_rejected: 0,
      })),
    );

    // Text became the column types, and empty cells NULL.
    expect(
      await rows(
        conn,
        `SELECT CAST(pric_uplmt_amt AS VARCHAR) AS p, CAST(pac_cnt AS VARCHAR) AS n, chrgitm_lv FROM catalog WHERE med_list_codg = $c`,
        {
          c: 'XJ01DDT046B002010101822',
        },
      ),
    ).toEqual([{ p: '8.500000', n: '1.0000', chrgitm_lv: '1' }]);
    expect(await rows(conn, `SELECT beds, specialty, hosp_lv FROM institution WHERE fixmedins_code = 'P51180200045'`)).toEqual([
      { beds: 0, specialty: null, hosp_lv: '9' },
    ]);
    expect(await one(conn, `SELECT typeof(beds) FROM institution LIMIT 1`)).toBe('INTEGER');
    expect(await one(conn, `SELECT CAST(brdy AS VARCHAR) FROM insured WHERE psn_no = 'PSN511802000104'`)).toBe('2016-06-18');
    expect(await one(conn, `SELECT dept_codg IS NULL FROM practitioner WHERE dr_codg = 'Y511802000001'`)).toBe(true);
    expect(await one(conn, `SELECT conflicts FROM inspector WHERE inspector_id = 'INSP511802002'`)).toBe('H51180200123;P51180200045');
    expect(await one(conn, `SELECT count(*) FROM catalog WHERE extra IS NOT NULL`)).toBe(0n);
  });

  it('keeps no clear certno in insured, only its keyed hash and mask', async () => {
    await loadReference(conn, REFERENCE_DIR, { piiKey: KEY });
    const clear = expected.personal_data.in_insured_csv;
    expect(clear).toHaveLength(expected.reference_counts['insured.csv'] as number);

    const textColumns = (
      await rows(
        conn,
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'insured_version' AND data_type IN ('VARCHAR', 'JSON')`,
      )
    ).map((r) => String(r['column_name']));
    expect(textColumns).toEqual(expect.arrayContaining(['psn_no', 'certno_hash', 'certno_mask', 'extra']));
    expect(textColumns).not.toContain('certno');
    for (const col of textColumns) {
      for (const value of clear) {
        const hits = await one(conn, `SELECT count(*) FROM insured_version WHERE strpos(CAST("${col}" AS VARCHAR), $v) > 0`, { v: value });
        expect(hits, `${col} holds a clear certno`).toBe(0n);
      }
    }

    const insured = await rows(conn, 'SELECT psn_no, certno_hash, certno_mask FROM insured ORDER BY psn_no');
    const csv = readFileSync(path.join(REFERENCE_DIR, 'insured.csv'), 'utf8').trim().split('\n').slice(1);
    const certOf = new Map(csv.map((l) => [l.split(',')[0], l.split(',')[5] as string]));
    for (const r of insured) {
      const cert = certOf.get(String(r['psn_no'])) as string;
      expect(r['certno_hash']).toBe(piiHash(KEY, cert));
      expect(r['certno_mask']).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    }
    for (const [cert, mask] of Object.entries(expected.personal_data.masked_certno_examples)) {
      expect(await one(conn, 'SELECT certno_mask FROM insured WHERE certno_hash = $h', { h: piiHash(KEY, cert) })).toBe(mask);
    }
  });

  it('loads the same directory twice: the second run is all unchanged and writes nothing', async () => {
    const first = await loadReference(conn, REFERENCE_DIR, { piiKey: KEY });
    const versionsBefore = await one(conn, `SELECT (SELECT count(*) FROM catalog_version) + (SELECT count(*) FROM insured_version)`);
    if (file) {
      // Across processes too: the file store, closed and opened again, still knows the loads.
      conn.closeSync();
      await store.close();
      store = await openStore(dbPath);
      conn = await store.connect();
    }
    const second = await loadReference(conn, REFERENCE_DIR, { piiKey: KEY });
    expect(second.map((s) => [s.file, s.status, s.loadId, s.rowsLoaded])).toEqual(first.map((s) => [s.file, 'unchanged', s.loadId, 0]));
    expect(await viewCounts(conn)).toEqual(expected.reference_counts);
    expect(await one(conn, 'SELECT count(*) FROM reference_load')).toBe(5n);
    expect(await one(conn, `SELECT (SELECT count(*) FROM catalog_version) + (SELECT count(*) FROM insured_version)`)).toBe(versionsBefore);
  });

  it('loads fixtures/reference-invalid: exactly the bad lines are rejected, the rest becomes the current catalog', async () => {
    const before = await loadReference(conn, REFERENCE_DIR, { piiKey: KEY });
    const summary = await loadReference(conn, INVALID_DIR, { piiKey: KEY });
    const catalog = byFile(summary, 'catalog.csv');
    const bad = expected.reference_invalid;
    expect(summary.filter((s) => s.file !== 'catalog.csv').map((s) => s.status)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(catalog.status).toBe('loaded');
    expect(catalog.loadId).toBeGreaterThan(byFile(before, 'catalog.csv').loadId as number);
    expect(catalog.rejected.map((r) => r.line)).toEqual(bad.map((b) => b.line));
    for (const [i, b] of bad.entries()) {
      const r = catalog.rejected[i];
      expect(r?.reason).toContain(b.field);
      expect(r?.reason).toContain(b.value);
      expect(r?.issues.map((d) => d.at.path)).toEqual([b.field]);
    }
    expect(catalog.rejected.map((r) => r.code)).toEqual(['invalid-decimal', 'invalid-enum']);
    const total = expected.reference_counts['catalog.csv'] as number;
    expect([catalog.rowsLoaded, catalog.rowsRejected]).toEqual([total - bad.length, bad.length]);

    // The view now shows the new load only: the two bad items are gone from it, the others are there.
    expect(await one(conn, 'SELECT count(*) FROM catalog')).toBe(BigInt(total - bad.length));
    expect(await one(conn, `SELECT max(load_id) FROM reference_load WHERE table_name = 'catalog'`)).toBe(BigInt(catalog.loadId as number));
    expect(
      await one(conn, 'SELECT count(*) FROM catalog WHERE med_list_codg IN ($a, $b)', {
        a: bad[0]?.med_list_codg ?? '',
        b: bad[1]?.med_list_codg ?? '',
      }),
    ).toBe(0n);
    expect(await one(conn, 'SELECT count(*) FROM catalog_version')).toBe(BigInt(2 * total - bad.length));
    expect(await one(conn, 'SELECT count(*) FROM institution')).toBe(3n);

    const stored = await rows(
      conn,
      `SELECT load_id, file, line, code, reason, json_extract_string(diagnostics, '$[0].at.path') AS path FROM reference_rejected ORDER BY line`,
    );
    expect(stored).toEqual(
      catalog.rejected.map((r, i) => ({
        load_id: BigInt(catalog.loadId as number),
        file: 'catalog.csv',
        line: r.line,
        code: r.code,
        reason: r.reason,
        path: bad[i]?.field,
      })),
    );
    expect(await one(conn, `SELECT rows_rejected FROM reference_load WHERE load_id = $id`, { id: catalog.loadId as number })).toBe(2);
  });

  it('rejects every row of a file missing a required column, reporting the column once', async () => {
    const dir = dirWith({
      'catalog.csv': 'med_list_codg,name,med_chrgitm_type,pric_uplmt_amt\nX1,甲药,09,1.5\nX2,乙药,09,abc\n',
    });
    const catalog = byFile(await loadReference(conn, dir, { piiKey: KEY }), 'catalog.csv');
    expect(catalog.headerIssues).toEqual([
      {
        code: 'missing-column',
        severity: 'error',
        message: '缺少必需列',
        expected: '表头含 list_type',
        got: '缺失',
        at: { path: 'list_type' },
      },
    ]);
    expect(catalog.rejected.map((r) => [r.line, r.code])).toEqual([
      [2, 'missing-column'],
      [3, 'missing-column'],
    ]);
    // Its own bad value is still reported; the missing column is not repeated as a missing field.
    expect(catalog.rejected[1]?.issues.map((d) => `${d.code}@${d.at.path}`)).toEqual([
      'missing-column@list_type',
      'invalid-decimal@pric_uplmt_amt',
    ]);
    expect([catalog.status, catalog.rowsLoaded, catalog.rowsRejected]).toEqual(['refused', 0, 2]);
    // Kept for inspection: the header problem at line 1, then each row.
    expect(
      (await conn.runAndReadAll(`SELECT line FROM reference_rejected WHERE code = 'missing-column' ORDER BY line`))
        .getRows()
        .map((r) => r[0]),
    ).toEqual([1, 2, 3]);
    expect(await one(conn, `SELECT status FROM reference_load WHERE table_name = 'catalog'`)).toBe('refused');
  });

  it('refuses a broken file without emptying the table: the previous version stays current', async () => {
    await loadReference(conn, REFERENCE_DIR, { piiKey: KEY });
    const before = await one(conn, 'SELECT count(*) FROM catalog');
    expect(before).toBe(BigInt(expected.reference_counts['catalog.csv'] as number));
    const broken = dirWith({ 'catalog.csv': 'med_list_codg,name\nX1,甲药\n' });
    const r = byFile(await loadReference(conn, broken, { piiKey: KEY }), 'catalog.csv');
    expect(r.status).toBe('refused');
    expect(await one(conn, 'SELECT count(*) FROM catalog')).toBe(before);
    const empty = dirWith({ 'catalog.csv': '' });
    expect(byFile(await loadReference(conn, empty, { piiKey: KEY }), 'catalog.csv').status).toBe('refused');
    expect(await one(conn, 'SELECT count(*) FROM catalog')).toBe(before);
    // The same broken bytes again are recognised, not recorded twice.
    expect(byFile(await loadReference(conn, empty, { piiKey: KEY }), 'catalog.csv').status).toBe('unchanged');
  });

  it('rejects a repeated key, naming the line of its first occurrence, and keeps the first', async () => {
    const dir = dirWith({
      'institutions.csv': [
        'fixmedins_code,fixmedins_name,fixmedins_type,hosp_lv,admdvs,beds,specialty',
        'H1,甲医院,1,3,511802,100,综合',
        'H2,乙医院,1,2,511802,50,',
        'H1,甲医院(重复),1,2,511802,80,',
        'H1,甲医院(再重复),1,2,511802,90,',
      ].join('\n'),
    });
    const inst = byFile(await loadReference(conn, dir, { piiKey: KEY }), 'institutions.csv');
    expect(inst.rejected.map((r) => [r.line, r.code])).toEqual([
      [4, 'duplicate-key'],
      [5, 'duplicate-key'],
    ]);
    expect(inst.rejected[0]?.issues[0]).toMatchObject({ at: { path: 'fixmedins_code' }, got: '"H1", 首次出现于第 2 行' });
    expect(inst.rejected[1]?.reason).toContain('首次出现于第 2 行');
    expect(await rows(conn, 'SELECT fixmedins_code, fixmedins_name, beds FROM institution ORDER BY fixmedins_code')).toEqual([
      { fixmedins_code: 'H1', fixmedins_name: '甲医院', beds: 100 },
      { fixmedins_code: 'H2', fixmedins_name: '乙医院', beds: 50 },
    ]);
  });

  it('keeps unknown columns in extra with personal data scrubbed, and keeps it out of rejection reasons', async () => {
    const id = '511802196804120310';
    const other = '511802195509230221';
    const dir = dirWith({
      'insured.csv': [
        'psn_no,gend,brdy,insutype,insu_admdvs,certno,psn_name,remark',
        `P1,1,1968-04-12,310,511802,${id},张伟,低保`,
        `P2,7,1955-09-23,390,${other},${other},王芳,`,
      ].join('\n'),
    });
    const insured = byFile(await loadReference(conn, dir, { piiKey: KEY }), 'insured.csv');
    const extra: unknown = JSON.parse(String(await one(conn, `SELECT CAST(extra AS VARCHAR) FROM insured WHERE psn_no = 'P1'`)));
    expect(extra).toEqual({ psn_name: piiHash(KEY, '张伟'), remark: '低保' });

    expect(insured.rejected.map((r) => [r.line, r.issues.map((d) => d.at.path)])).toEqual([[3, ['gend', 'insu_admdvs']]]);
    const stored = JSON.stringify(await rows(conn, 'SELECT reason, CAST(diagnostics AS VARCHAR) AS d FROM reference_rejected'));
    expect(stored).not.toContain(other);
    expect(stored).not.toContain('王芳');
    expect(stored).toContain(piiHash(KEY, other));
    expect(JSON.stringify(insured.rejected)).not.toContain(other);
  });

  it('rejects rows holding bytes that are not UTF-8, and loads the others', async () => {
    const gbkName = Buffer.from([0xd5, 0xc5, 0xce, 0xb0]); // 张伟 in GBK
    const csv = Buffer.concat([
      Buffer.from('dr_codg,dr_name,fixmedins_code,dept_codg,prac_type\nD1,'),
      gbkName,
      Buffer.from(',H1,A03,1\nD2,Li Wei,H1,A03,1\n'),
    ]);
    const pr = byFile(await loadReference(conn, dirWith({ 'practitioners.csv': csv }), { piiKey: KEY }), 'practitioners.csv');
    expect(pr.rejected.map((r) => [r.line, r.code, r.issues[0]?.at.path])).toEqual([[2, 'invalid-encoding', 'dr_name']]);
    expect(await rows(conn, 'SELECT dr_codg FROM practitioner')).toEqual([{ dr_codg: 'D2' }]);
  });

  it('fails with an io error on a directory holding no reference file, or none at all', async () => {
    const empty = dirWith({ 'readme.txt': 'nothing here' });
    await expect(loadReference(conn, empty, { piiKey: KEY })).rejects.toMatchObject({ name: 'FundwatchError', code: 'io' });
    await expect(loadReference(conn, empty, { piiKey: KEY })).rejects.toThrow(/没有参考数据文件/);
    await expect(loadReference(conn, path.join(empty, 'nope'), { piiKey: KEY })).rejects.toBeInstanceOf(FundwatchError);
    expect(await one(conn, 'SELECT count(*) FROM reference_load')).toBe(0n);
  });
});

describe('parseReference (pure)', () => {
  const catalog = refOf('catalog.csv');
  const header = 'med_list_codg,name,list_type,med_chrgitm_type,chrgitm_lv,pric_uplmt_amt,spec,pac_cnt,dosform';

  it('numbers rows by physical line: header 1, blank lines counted, a quoted multi-line cell starts where it opens', () => {
    const text = [
      '\uFEFF' + header,
      'A1,甲,101,09,1,1.5,10mg,24,片剂',
      '',
      '',
      'A2,"乙',
      '(多行名称)",101,09,1,2,,,',
      'A3,丙,101,09,1,x,,,',
    ].join('\r\n');
    const parsed = parseReference(catalog, text, KEY);
    expect(parsed.rows.map((r) => [r.line, r.values['med_list_codg'], r.values['name']])).toEqual([
      [2, 'A1', '甲'],
      [5, 'A2', '乙\r\n(多行名称)'],
    ]);
    expect(parsed.rejected.map((r) => [r.line, r.code])).toEqual([[7, 'invalid-decimal']]);
    expect(parsed.rows[0]?.values).toEqual({
      med_list_codg: 'A1',
      name: '甲',
      list_type: '101',
      med_chrgitm_type: '09',
      chrgitm_lv: '1',
      pric_uplmt_amt: '1.5',
      spec: '10mg',
      pac_cnt: '24',
      dosform: '片剂',
      extra: null,
    });
    expect(parsed.columns.map((c) => c.name)).toEqual([...Object.keys(CatalogItem.shape), 'extra']);
  });

  it('rejects a row whose field count differs from the header, without judging its misaligned values', () => {
    const parsed = parseReference(catalog, `${header}\nA1,甲,101,09,1,1.5,10mg,24\nA2,乙,101,09,1,1.5,10mg,24,片剂\n`, KEY);
    expect(parsed.rejected).toEqual([
      {
        line: 2,
        code: 'field-count',
        reason: '字段数与表头不符 (期望 9 个字段, 实际 8 个字段)',
        issues: [{ code: 'field-count', severity: 'error', message: '字段数与表头不符', expected: '9 个字段', got: '8 个字段', at: {} }],
      },
    ]);
    expect(parsed.rows.map((r) => r.line)).toEqual([3]);
  });

  it('reports a quote never closed once, covering the lines it swallowed, and keeps the rows before it', () => {
    const parsed = parseReference(catalog, `${header}\nA1,甲,101,09,1,1.5,,,\n\nA2,"乙,101,09,1,1.5,,,\nA3,丙,101,09,1,1.5,,,\n`, KEY);
    expect(parsed.rows.map((r) => r.line)).toEqual([2]);
    expect(parsed.rejected.map((r) => [r.line, r.code, r.reason])).toEqual([
      [4, 'csv-syntax', '引号未闭合 (期望 合法的 CSV, 实际 第 4–5 行未能读取)'],
    ]);
  });

  it('keeps unknown columns, whatever their names, as plain keys of extra', () => {
    const parsed = parseReference(catalog, `${header},toString,__proto__,note\nA1,甲,101,09,1,1.5,,,,x,y,\n`, KEY);
    expect(parsed.rows.map((r) => [r.values['chrgitm_lv'], r.values['extra']])).toEqual([['1', '{"toString":"x","__proto__":"y"}']]);
  });

  it('reports an empty file as a header issue', () => {
    expect(parseReference(catalog, '', KEY)).toMatchObject({ rows: [], rejected: [], headerIssues: [{ code: 'empty-file' }] });
  });

  it('rejects every row of a header naming a column twice', () => {
    const parsed = parseReference(catalog, `${header},name\nA1,甲,101,09,1,1.5,,,,乙\n`, KEY);
    expect(parsed.headerIssues.map((d) => [d.code, d.at.path])).toEqual([['duplicate-column', 'name']]);
    expect(parsed.rejected.map((r) => [r.line, r.code])).toEqual([[2, 'duplicate-column']]);
  });
});
