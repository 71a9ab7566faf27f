import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../core/config.js';
import { buildCatalogue } from '../generator/catalogue.js';
import { formatIssue } from '../core/diagnostics/index.js';
import { KNOWLEDGE_NAMES, knowledgeVersion, loadKnowledge, parseKnowledge } from '../rules/knowledge.js';

/**
 * The knowledge tables (rules/knowledge/*.yaml): every table valid, every code known to the
 * catalogue the generator writes (so rules and data speak the same codes), and bad tables
 * reported as located issues, all of them, never a throw.
 */

const DIR = path.join(PACKAGE_ROOT, 'rules', 'knowledge');
const tmp = mkdtempSync(path.join(tmpdir(), 'fundwatch-knowledge-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('knowledge tables', () => {
  const loaded = loadKnowledge(DIR);

  it('load, every table, with versions', () => {
    if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
    expect(KNOWLEDGE_NAMES).toEqual([
      'age-restricted',
      'bundles',
      'calendar',
      'days-supply',
      'frequency-limits',
      'gender-restricted',
      'mutually-exclusive',
      'scope-restricted',
    ]);
    for (const name of KNOWLEDGE_NAMES) {
      expect(loaded.knowledge[name].entries.length, name).toBeGreaterThan(5);
      expect(loaded.knowledge[name].description, name).toMatch(/[\u4e00-\u9fff]/);
    }
    // calendar is unchanged since it was entered; the other tables took the national codes (version 2).
    expect(loaded.version).toBe(KNOWLEDGE_NAMES.map((n) => `${n}@${n === 'calendar' ? 1 : 2}`).join(';'));
    expect(knowledgeVersion(loaded.knowledge, ['gender-restricted', 'bundles'])).toBe('bundles@2;gender-restricted@2');
  });

  it('name only codes of the catalogue, under the catalogue’s names', () => {
    if (!loaded.ok) throw new Error('not loaded');
    const catalogue = buildCatalogue();
    const k = loaded.knowledge;
    const items = [
      ...k['gender-restricted'].entries,
      ...k['age-restricted'].entries,
      ...k['days-supply'].entries,
      ...k['frequency-limits'].entries,
      ...k['scope-restricted'].entries,
      ...k['mutually-exclusive'].entries.flatMap((e) => e.items),
      ...k.bundles.entries.flatMap((e) => [e, ...e.components]),
    ];
    for (const e of items) expect(catalogue.byCode(e.med_list_codg)?.name, e.med_list_codg).toBe(e.name);
  });

  it('carry real clinical logic: prostate items for men, child-only drugs under 14, quinolones from 18', () => {
    if (!loaded.ok) throw new Error('not loaded');
    const k = loaded.knowledge;
    expect(k['gender-restricted'].entries.find((e) => e.name === '非那雄胺片')?.gend).toBe('1');
    expect(k['gender-restricted'].entries.find((e) => e.name === '剖宫产术')?.gend).toBe('2');
    expect(k['age-restricted'].entries.find((e) => e.name === '小儿豉翘清热颗粒')).toMatchObject({ max_age: 14, unit: 'year' });
    expect(k['age-restricted'].entries.find((e) => e.name === '左氧氟沙星片')).toMatchObject({ min_age: 18, unit: 'year' });
    expect(k['age-restricted'].entries.find((e) => e.name === '新生儿蓝光治疗')).toMatchObject({ max_age: 28, unit: 'day' });
    expect(k.bundles.entries.find((e) => e.name.startsWith('肝功能'))?.components.length).toBe(8);
  });
});

describe('parseKnowledge on bad tables', () => {
  it('reports every problem of a table with its line and column, not only the first, in line order', () => {
    const text = [
      'version: 1',
      'description: 测试',
      'entries:',
      '  - { med_list_codg: XG04CBF022A001010100649, name: 非那雄胺片, gend: "1", reason: 仅用于男性 }',
      '  - { med_list_codg: XG04CBF022A001010100649, name: 非那雄胺片, gend: "1", reason: 重复一条 }',
      '  - { med_list_codg: XG04CAT041A010010100581, name: 坦索罗辛, gend: "3", reason: 性别码错误 }',
      '  - { med_list_codg: 002504040150000, name: PSA, gend: "1", reason: 数字而非文本 }',
      '  - { med_list_codg: X1234567, name: 多余字段, gend: "2", reason: 有未知字段, colour: red }',
    ].join('\n');
    const r = parseKnowledge('gender-restricted', text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (code: string) => r.issues.filter((i) => i.code === code).map((i) => [i.at.path, i.at.line]);
    expect(at('duplicate-key')).toEqual([['entries[1].med_list_codg', 5]]);
    expect(at('invalid-enum')).toEqual([['entries[2].gend', 6]]);
    expect(at('invalid-type')).toEqual([['entries[3].med_list_codg', 7]]);
    expect(at('unknown-field')).toEqual([['entries[4].colour', 8]]);
    expect(r.issues.every((i) => (i.at.col ?? 0) >= 1 && i.at.file === 'gender-restricted.yaml')).toBe(true);
    expect(formatIssue(r.issues.find((i) => i.code === 'duplicate-key') as (typeof r.issues)[number])).toMatch(
      /^gender-restricted\.yaml:5:\d+ 错误 \[duplicate-key\] entries\[1\]\.med_list_codg: 重复的条目, 与第 1 条相同$/,
    );
  });

  it('checks the logic of entries: empty age ranges, bundles with too few parts, a pair of one item', () => {
    const age = parseKnowledge(
      'age-restricted',
      'version: 1\ndescription: 测试\nentries:\n  - { med_list_codg: X1234567, name: 甲, category: 限年龄, min_age: 18, max_age: 6, unit: year, reason: 区间为空 }\n',
    );
    expect(age.ok ? [] : age.issues.map((i) => i.code)).toEqual(['empty-range']);
    const bundle = parseKnowledge(
      'bundles',
      'version: 1\ndescription: 测试\nentries:\n  - med_list_codg: B1234567\n    name: 组合\n    components: [{ med_list_codg: C1234567, name: 一 }, { med_list_codg: C1234567, name: 一 }]\n    min_components: 3\n    scope: day\n    reason: 最少项数超过组成项目数\n',
    );
    expect(bundle.ok ? [] : bundle.issues.map((i) => [i.code, i.at.line])).toEqual([
      ['duplicate-key', 6],
      ['too-many', 7],
    ]);
    const pair = parseKnowledge(
      'mutually-exclusive',
      'version: 1\ndescription: 测试\nentries:\n  - { items: [{ med_list_codg: A1234567, name: 甲 }, { med_list_codg: A1234567, name: 甲 }], scope: day, reason: 同一项 }\n',
    );
    expect(pair.ok ? [] : pair.issues.map((i) => i.code)).toEqual(['same-item']);
  });

  it('reports YAML syntax errors and a missing version or description as issues, never a throw', () => {
    const syntax = parseKnowledge('bundles', 'version: 1\ndescription: [unclosed\nentries: []\n');
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.issues[0]).toMatchObject({ code: 'yaml-syntax' });
    const missing = parseKnowledge('days-supply', 'entries: []\n');
    expect(missing.ok ? [] : missing.issues.map((i) => i.at.path).sort()).toEqual(['description', 'entries', 'version']);
  });

  it('loadKnowledge collects the issues of every file, and reports a missing table', () => {
    const dir = path.join(tmp, 'broken');
    cpSync(DIR, dir, { recursive: true });
    rmSync(path.join(dir, 'bundles.yaml'));
    writeFileSync(path.join(dir, 'days-supply.yaml'), 'version: 0\ndescription: 测试\nentries: []\n');
    const r = loadKnowledge(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [path.basename(i.at.file ?? ''), i.code])).toEqual([
      ['bundles.yaml', 'missing-table'],
      ['days-supply.yaml', 'too-small'],
      ['days-supply.yaml', 'too-small'],
    ]);
  });
});
