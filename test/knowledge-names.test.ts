import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../core/config.js';
import { formatIssue } from '../core/diagnostics/index.js';
import { buildCatalogue } from '../generator/catalogue.js';
import { TABLE_NAMES } from '../knowledge/schema.js';
import { loadKnowledge, type Knowledge } from '../rules/knowledge.js';

/**
 * One name per code across every knowledge table, hand-made and national: a code that the
 * hand-made tables call 急诊诊查费 while batch 8-1 calls it 住院诊查费 makes a rule on one table
 * fire on the other's item. Names are compared after NFKC (全角 parentheses and letters, the
 * Roman numeral Ⅰ → I) with whitespace removed: the batches themselves write 小儿复方氨基酸注射液
 * (18AA-I) in batch 1 and (18AA-Ⅰ) in batch 4 for the same 21 codes, which is one name written
 * two ways, not two names; no other disagreement exists, so nothing is whitelisted.
 */

const DIR = path.join(PACKAGE_ROOT, 'rules', 'knowledge');

/** The form two names are compared in. */
export const sameNameKey = (name: string): string => name.normalize('NFKC').replace(/\s+/g, '');

interface Named {
  readonly code: string;
  readonly name: string;
  readonly table: string;
}

/** Every (code, name) a table states, with the table it is in. */
function namedCodes(k: Knowledge): Named[] {
  const out: Named[] = [];
  const add = (table: string, code: string, name: string) => out.push({ code, name, table });
  for (const e of k['gender-restricted'].entries) add('gender-restricted', e.med_list_codg, e.name);
  for (const e of k['age-restricted'].entries) add('age-restricted', e.med_list_codg, e.name);
  for (const e of k['days-supply'].entries) add('days-supply', e.med_list_codg, e.name);
  for (const e of k['frequency-limits'].entries) add('frequency-limits', e.med_list_codg, e.name);
  for (const e of k['scope-restricted'].entries) add('scope-restricted', e.med_list_codg, e.name);
  for (const e of k['mutually-exclusive'].entries) for (const i of e.items) add('mutually-exclusive', i.med_list_codg, i.name);
  for (const e of k.bundles.entries) for (const i of [e, ...e.components]) add('bundles', i.med_list_codg, i.name);
  for (const t of TABLE_NAMES) {
    const table = `national/${t}`;
    for (const e of k.national.tables[t].entries as readonly Record<string, unknown>[]) {
      for (const [c, n] of [
        ['med_list_codg', 'name'],
        ['main_codg', 'main_name'],
        ['sub_codg', 'sub_name'],
      ] as const) {
        const code = e[c];
        const name = e[n];
        if (typeof code === 'string' && typeof name === 'string') add(table, code, name);
      }
    }
  }
  return out;
}

/** Codes named two ways: `code: name [tables] ≠ name [tables]`, in code order. */
export function conflicts(named: readonly Named[]): string[] {
  const byCode = new Map<string, Map<string, { name: string; tables: Set<string> }>>();
  for (const { code, name, table } of named) {
    const names = byCode.get(code) ?? new Map<string, { name: string; tables: Set<string> }>();
    byCode.set(code, names);
    const key = sameNameKey(name);
    const seen = names.get(key) ?? { name, tables: new Set<string>() };
    names.set(key, seen);
    seen.tables.add(table);
  }
  return [...byCode]
    .filter(([, names]) => names.size > 1)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, names]) => `${code}: ${[...names.values()].map((n) => `${n.name} [${[...n.tables].sort().join(', ')}]`).join(' ≠ ')}`);
}

describe('one name per code', () => {
  const loaded = loadKnowledge(DIR);
  if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  const named = namedCodes(loaded.knowledge);

  it('finds two names for one code, and not one name written two ways', () => {
    const made = [
      { code: '001102000050000', name: '急诊诊查费', table: 'frequency-limits' },
      { code: '001102000050000', name: '住院诊查费', table: 'national/b8-1-service-frequency' },
      { code: '001201000030000', name: 'Ⅰ级护理', table: 'frequency-limits' },
      { code: '001201000030000', name: 'I级护理', table: 'mutually-exclusive' },
      { code: '002503040010000', name: '钾测定（干化学法）', table: 'a' },
      { code: '002503040010000', name: '钾测定 (干化学法)', table: 'b' },
    ];
    expect(conflicts(made)).toEqual(['001102000050000: 急诊诊查费 [frequency-limits] ≠ 住院诊查费 [national/b8-1-service-frequency]']);
  });

  it('holds across the hand-made and the national tables', () => {
    expect(named.filter((n) => n.table.startsWith('national/')).length).toBeGreaterThan(15_000);
    expect(conflicts(named)).toEqual([]);
  });

  it('gives an item the national batches name one of its national codes, in the hand-made tables and the catalogue', () => {
    const nationalCodes = new Map<string, Set<string>>();
    for (const n of named.filter((x) => x.table.startsWith('national/'))) {
      const codes = nationalCodes.get(sameNameKey(n.name)) ?? new Set<string>();
      nationalCodes.set(sameNameKey(n.name), codes.add(n.code));
    }
    const handMade = named.filter((n) => !n.table.startsWith('national/'));
    const items = [...handMade, ...buildCatalogue().items.map((i) => ({ code: i.code, name: i.name, table: 'catalogue' }))];
    const elsewhere = items
      .filter((n) => nationalCodes.has(sameNameKey(n.name)) && !nationalCodes.get(sameNameKey(n.name))?.has(n.code))
      .map((n) => `${n.name} [${n.table}]: ${n.code}, national ${[...(nationalCodes.get(sameNameKey(n.name)) ?? [])][0] ?? ''}`);
    expect([...new Set(elsewhere)]).toEqual([]);
  });

  it('holds between the knowledge tables and the generator’s catalogue', () => {
    const catalogue = buildCatalogue();
    const mismatched = named
      .map((n) => ({ ...n, catalogue: catalogue.byCode(n.code)?.name }))
      .filter((n) => n.catalogue !== undefined && sameNameKey(n.catalogue) !== sameNameKey(n.name))
      .map((n) => `${n.code}: ${n.catalogue ?? ''} (catalogue) ≠ ${n.name} [${n.table}]`);
    expect([...new Set(mismatched)]).toEqual([]);
  });
});
