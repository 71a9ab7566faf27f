import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatLocation } from '../core/diagnostics/index.js';
import {
  diffKnowledge,
  importKnowledge,
  loadNationalKnowledge,
  NATIONAL_DIR,
  parseNational,
  readNationalTexts,
  TABLE_NAMES,
  type NationalTexts,
} from '../knowledge/index.js';
import { KNOWLEDGE_DIR, LIBRARY_DIR, lintPaths } from '../rules/index.js';
import { nationalDir, snapshot } from './support/national.js';
import { tempDir } from './support/temp.js';

/**
 * The shipped national tables: the loader (every issue located, the header's hash and count
 * checked, the overlays checked against the tables), the version a changed workbook bumps, what
 * `knowledge diff` reports, and the lock covering the tables.
 */

const dir = tempDir('knowledge-national');
const CYCLE = '【第八批-4】项目规则库（限定周期）.xlsx';
const rel = (f: string) => path.relative(process.cwd(), f);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The shipped texts with one file's text edited. */
function edited(texts: NationalTexts, file: string, edit: (text: string) => string): NationalTexts {
  const fix = <T extends { file: string; text: string | undefined }>(f: T): T =>
    f.file.endsWith(file) ? { ...f, text: edit(f.text ?? '') } : f;
  return {
    tables: texts.tables.map((t) => ({ ...t, header: fix(t.header), entries: fix(t.entries) })),
    ageGroups: fix(texts.ageGroups),
    proseLimits: fix(texts.proseLimits),
  };
}

const where = (r: ReturnType<typeof parseNational>) => (r.ok ? [] : r.issues.map((i) => `${formatLocation(i.at)} ${i.code}`));
/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): string {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  return `${line + 1}:${(lines[line] ?? '').indexOf(needle) + 1}`;
}

describe('loadNationalKnowledge', () => {
  const texts = readNationalTexts(NATIONAL_DIR);
  const genderHeader = texts.tables.find((t) => t.table === 'b1-service-gender')?.header.text ?? '';
  const genderEntries = texts.tables.find((t) => t.table === 'b1-service-gender')?.entries.text ?? '';

  it('loads the 14 shipped tables with the entry count each header records, and both overlays', () => {
    const r = loadNationalKnowledge();
    if (!r.ok) throw new Error(r.issues.map((i) => `${formatLocation(i.at)} ${i.message}`).join('\n'));
    for (const t of TABLE_NAMES) {
      const lines = readFileSync(path.join(NATIONAL_DIR, `${t}.ndjson`), 'utf8')
        .split('\n')
        .filter(Boolean);
      expect(r.knowledge.tables[t].entries, t).toHaveLength(lines.length);
      expect(r.knowledge.tables[t].header.entries.count, t).toBe(lines.length);
    }
    expect(r.knowledge.version.split(';')).toHaveLength(14);
    expect(r.knowledge.tables['b7-service-duplicate'].header.matching).toBe('service-code');
    expect(r.knowledge.tables['b1-drug-gender'].header.matching).toBe('exact');
  });

  it('refuses an entry file edited by hand: its hash no longer matches the header (reported at the header)', () => {
    const r = parseNational(edited(texts, 'b1-service-gender.ndjson', (t) => t.replace('"gend":"1"', '"gend":"2"')));
    const hash = genderHeader.split('\n').findLastIndex((l) => l.includes('sha256: '));
    const col = (genderHeader.split('\n')[hash] ?? '').indexOf('sha256: ') + 'sha256: '.length + 1;
    expect(where(r)).toEqual([`${rel(path.join(NATIONAL_DIR, 'b1-service-gender.yaml'))}:${hash + 1}:${col} content-mismatch`]);
  });

  it('locates a bad entry at file:line:col, at its field', () => {
    const bad = genderEntries.replace('"gend":"1"', '"gend":"3"');
    // The header records the new hash, so the entry itself is what is reported.
    const header = genderHeader.replace(sha256(genderEntries), sha256(bad));
    const r = parseNational(
      edited(
        edited(texts, 'b1-service-gender.ndjson', () => bad),
        'b1-service-gender.yaml',
        () => header,
      ),
    );
    expect(where(r)).toEqual([`${rel(path.join(NATIONAL_DIR, 'b1-service-gender.ndjson'))}:${positionOf(bad, '"gend":"3"')} invalid-enum`]);
  });

  it('checks the overlays against the tables: every age group bounded, every prose covered by its current text', () => {
    const noInfant = parseNational(edited(texts, 'age-groups.yaml', (t) => t.replace(/ {2}- id: infant[\s\S]*?(?= {2}- id: child)/, '')));
    expect(where(noInfant)).toEqual([
      `${texts.ageGroups.file}:${positionOf(texts.ageGroups.text ?? '', '- id: newborn').replace(/:\d+$/, ':3')} missing-overlay`,
    ]);
    const reworded = parseNational(
      edited(texts, 'prose-limits.yaml', (t) => t.replace('prose: 支付不超过30天。', 'prose: 支付不超过31天。')),
    );
    const prose = (texts.proseLimits.text ?? '').replace('prose: 支付不超过30天。', 'prose: 支付不超过31天。');
    expect(where(reworded)).toEqual(
      ['003402000210000', '003402000220000', '003402000230000'].map(
        () => `${texts.proseLimits.file}:${positionOf(prose, '支付不超过31天')} stale-overlay`,
      ),
    );
    const uncovered = parseNational(edited(texts, 'prose-limits.yaml', (t) => t.replace(", '003402000050200']", ']')));
    expect(where(uncovered).map((w) => w.split(' ').pop())).toEqual(['missing-overlay']);
    expect(uncovered.ok ? '' : uncovered.issues[0]?.message).toContain('003402000050200');
  });
});

describe('a changed workbook', () => {
  const inbox = path.join(dir, 'inbox');
  const out = path.join(dir, 'out');
  let real: (string | number | null)[][];

  beforeAll(async () => {
    mkdirSync(inbox, { recursive: true });
    cpSync(NATIONAL_DIR, out, { recursive: true });
    real = (await readXlsxFile(path.join(nationalDir(), CYCLE)))[0]?.data as (string | number | null)[][];
    // One period changed (row 2), the last row removed, a new item added.
    const rows = real.map((r) => [...r]);
    const period = rows[0]?.indexOf('疗程周期') ?? -1;
    if (rows[1]) rows[1][period] = 30;
    rows.pop();
    rows.push([99, '新增的测试项目', 1, 7, '测试', '003402000990000']);
    await writeXlsxFile(rows, { sheet: '“医疗服务项目周期超频次”规则对应知识点明细' }).toFile(path.join(inbox, CYCLE));
  });

  it('`knowledge diff` lists the entries added, removed and changed, and the bump, writing nothing', async () => {
    const before = snapshot(out);
    const r = await diffKnowledge([inbox], { out });
    const d = r.files[0]?.diff;
    const code = (row: number) => String(real[row]?.[5]);
    expect(d && { added: d.added, removed: d.removed, changed: d.changed, from: d.from, to: d.to, bump: d.bump }).toEqual({
      added: ['003402000990000'],
      removed: [code(real.length - 1)],
      changed: [code(1)],
      from: 1,
      to: 2,
      bump: true,
    });
    expect(snapshot(out)).toEqual(before);
  });

  it('bumps the table version on import, keeps it on a repeat, bumps again for the published file', async () => {
    const header = () => readFileSync(path.join(out, 'b8-4-service-cycle.yaml'), 'utf8');
    const changed = await importKnowledge([inbox], { out });
    expect([changed.files[0]?.status, changed.files[0]?.previous, changed.files[0]?.version]).toEqual(['changed', 1, 2]);
    expect(header()).toMatch(/^version: 2$/m);
    const again = await importKnowledge([inbox], { out });
    expect([again.files[0]?.status, again.files[0]?.version]).toEqual(['unchanged', 2]);
    const back = await importKnowledge([path.join(nationalDir(), CYCLE)], { out });
    expect([back.files[0]?.status, back.files[0]?.version]).toEqual(['changed', 3]);
    // The other tables were not touched.
    expect(readFileSync(path.join(out, 'b7-service-duplicate.yaml'), 'utf8')).toBe(
      readFileSync(path.join(NATIONAL_DIR, 'b7-service-duplicate.yaml'), 'utf8'),
    );
  });
});

describe('the lock covers the national tables', () => {
  // A copy of the shipped knowledge directory (hand-made tables and national/), linted against the shipped lock.
  const knowledge = path.join(dir, 'knowledge');
  beforeAll(() => cpSync(KNOWLEDGE_DIR, knowledge, { recursive: true }));
  const lint = () =>
    lintPaths([LIBRARY_DIR], knowledge).map((i) => `${path.basename(i.at.file ?? '')}:${i.at.line}:${i.at.col} ${i.code} ${i.severity}`);

  it('records every national table and overlay, and is clean on the shipped files', () => {
    const lock = JSON.parse(readFileSync(path.join(LIBRARY_DIR, 'rules.lock.json'), 'utf8')) as { knowledge: Record<string, unknown> };
    expect(
      Object.keys(lock.knowledge)
        .filter((k) => k.startsWith('national/'))
        .sort(),
    ).toEqual([...TABLE_NAMES.map((t) => `national/${t}`), 'national/overlays/age-groups', 'national/overlays/prose-limits'].sort());
    expect(lint()).toEqual([]);
  });

  it('fails an entry file changed without a version bump; asks for a lock after an import bumped it', async () => {
    const entries = path.join(knowledge, 'national', 'b8-2-service-age.ndjson');
    const original = readFileSync(entries, 'utf8');
    writeFileSync(entries, original.replace('法定就业年龄', '法定劳动年龄'));
    const header = readFileSync(path.join(knowledge, 'national', 'b8-2-service-age.yaml'), 'utf8');
    expect(lint()).toEqual([`b8-2-service-age.yaml:${positionOf(header, 'version: 1').replace(/:1$/, ':10')} version-not-bumped error`]);
    writeFileSync(entries, original);
    expect(lint()).toEqual([]);
    // A changed workbook, imported: the version is bumped, and the lock is only outdated.
    const inbox = path.join(dir, 'inbox-8-2');
    mkdirSync(inbox, { recursive: true });
    await writeXlsxFile([
      ['序号', '项目名称', '备注', '项目代码'],
      [1, '职业功能训练', '参保人年龄超出法定就业年龄限制', '003402000320000'],
      [2, '职业功能训练(测试)', '参保人年龄超出法定就业年龄限制', '003402000320100'],
    ]).toFile(path.join(inbox, '【第八批-2】项目规则库（限定年龄）.xlsx'));
    await importKnowledge([inbox], { out: path.join(knowledge, 'national') });
    expect(lint()).toEqual([`b8-2-service-age.yaml:${positionOf(header, 'version: 1').replace(/:1$/, ':10')} lock-outdated warning`]);
    expect(readdirSync(path.join(knowledge, 'national')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
