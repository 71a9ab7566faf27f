import { isDeepStrictEqual } from 'node:util';
import { byPosition, fromZod, locateFinding, parseYaml, type Finding, type Issue } from '../core/diagnostics/index.js';
import { parseAgeGroups, parseProseLimits, PROSE_TABLES, type AgeGroups, type OverlayParse, type ProseLimits } from './overlays.js';
import { entriesFile, sha256Hex } from './render.js';
import { Header, keyOf, TABLE_NAMES, TABLES, type AnyEntry, type NationalTables, type TableName } from './schema.js';
import { AGE_GROUPS } from './vocab.js';

/**
 * The shipped national tables and overlays, from their texts. Pure: texts in, the typed tables or
 * every issue located (`file:line:col`) out. The I/O (reading the directory) is in files.ts.
 */

/** A file's text, or undefined when the file is not there. */
export interface FileText {
  readonly file: string;
  readonly text: string | undefined;
}

export interface NationalTexts {
  readonly tables: readonly { readonly table: TableName; readonly header: FileText; readonly entries: FileText }[];
  readonly ageGroups: FileText;
  readonly proseLimits: FileText;
}

export interface NationalKnowledge {
  readonly tables: NationalTables;
  readonly ageGroups: AgeGroups;
  readonly proseLimits: ProseLimits;
  /** `national/<table>@<version>;…` in name order, as hits record knowledge versions. */
  readonly version: string;
}

export type LoadedNational =
  { readonly ok: true; readonly knowledge: NationalKnowledge } | { readonly ok: false; readonly issues: readonly Issue[] };

const missing = (file: string, what: string): Issue => ({
  code: 'missing-table',
  severity: 'error',
  message: `缺少${what}`,
  hint: '运行 fundwatch knowledge import <国家知识点目录>',
  at: { file },
});

/** The column of `"key":` in a JSON line (1-based), so an issue points at the field. */
function colOf(line: string, path: readonly (string | number)[]): number {
  const key = path[0];
  const at = typeof key === 'string' ? line.indexOf(`${JSON.stringify(key)}:`) : -1;
  return at >= 0 ? at + 1 : 1;
}

function parseEntries(table: TableName, f: FileText & { text: string }): { entries: AnyEntry[]; lines: number; issues: Issue[] } {
  const schema = TABLES[table].entry;
  const entries: AnyEntry[] = [];
  const issues: Issue[] = [];
  const first = new Map<string, number>();
  let lines = 0;
  f.text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    lines++;
    const at = { file: f.file, line: i + 1 };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      issues.push({ code: 'invalid-json', severity: 'error', message: '不是有效的 JSON', hint: '重新导入该表', at: { ...at, col: 1 } });
      return;
    }
    const r = schema.safeParse(value);
    if (!r.success) {
      for (const f2 of fromZod(r.error.issues, { input: value })) issues.push(locateFinding(f2, { ...at, col: colOf(line, f2.path) }));
      return;
    }
    const entry = r.data;
    const k = keyOf(table, entry);
    const seen = first.get(k);
    if (seen !== undefined)
      issues.push({
        code: 'duplicate-key',
        severity: 'error',
        message: `条目重复: 与第 ${seen} 行相同 (${k})`,
        at: { ...at, col: colOf(line, [TABLES[table].key[0] ?? '']) },
      });
    else first.set(k, i + 1);
    entries.push(entry);
  });
  return { entries, lines, issues };
}

/** One table: its header, its entries, and their agreement (count, hash, the definition's matching and key). */
export function parseNationalTable(
  table: TableName,
  header: FileText,
  entries: FileText,
):
  | { readonly ok: true; readonly header: Header; readonly entries: readonly AnyEntry[] }
  | { readonly ok: false; readonly issues: readonly Issue[] } {
  if (header.text === undefined) return { ok: false, issues: [missing(header.file, `国家知识库表头 ${table}.yaml`)] };
  if (entries.text === undefined) return { ok: false, issues: [missing(entries.file, `国家知识库条目文件 ${entriesFile(table)}`)] };
  const h = parseYaml(header.text, header.file, Header);
  if (!h.ok) return { ok: false, issues: h.issues };
  const def = TABLES[table];
  const findings: Finding[] = [];
  const expect = (path: string[], ok: boolean, expected: string, got: string) => {
    if (!ok)
      findings.push({
        code: 'invalid',
        severity: 'error',
        message: `表头与表定义不符: ${path.join('.')}`,
        expected,
        got,
        hint: '重新导入该表',
        path,
      });
  };
  expect(['table'], h.value.table === table, table, h.value.table);
  expect(['matching'], h.value.matching === def.matching, def.matching, h.value.matching);
  expect(['key'], isDeepStrictEqual(h.value.key, [...def.key]), def.key.join(','), h.value.key.join(','));
  expect(['entries', 'file'], h.value.entries.file === entriesFile(table), entriesFile(table), h.value.entries.file);
  const body = parseEntries(table, { file: entries.file, text: entries.text });
  const sha = sha256Hex(entries.text);
  if (sha !== h.value.entries.sha256)
    findings.push({
      code: 'content-mismatch',
      severity: 'error',
      message: `条目文件 ${entriesFile(table)} 的 SHA-256 与表头记录的不同: 条目被改过, 或导入中断`,
      expected: h.value.entries.sha256,
      got: sha,
      hint: '重新运行 fundwatch knowledge import',
      path: ['entries', 'sha256'],
    });
  else if (body.lines !== h.value.entries.count)
    findings.push({
      code: 'content-mismatch',
      severity: 'error',
      message: '条目数与表头记录的不同',
      expected: String(h.value.entries.count),
      got: String(body.lines),
      path: ['entries', 'count'],
    });
  const issues = [...findings.map((f) => h.yaml.locate(f)), ...body.issues];
  return issues.length ? { ok: false, issues } : { ok: true, header: h.value, entries: body.entries };
}

/** Every age group once; every prose entry of batches 8-2 / 8-3 covered once, by its current prose. */
function checkOverlays(tables: Partial<NationalTables>, ages: OverlayParse<AgeGroups>, prose: OverlayParse<ProseLimits>): Issue[] {
  const issues: Issue[] = [];
  if (ages.ok) {
    const seen = new Set<string>();
    ages.value.groups.forEach((g, i) => {
      if (seen.has(g.id))
        issues.push(
          ages.yaml.locate({ code: 'duplicate-key', severity: 'error', message: `年龄组 ${g.id} 重复`, path: ['groups', i, 'id'] }),
        );
      seen.add(g.id);
    });
    for (const id of AGE_GROUPS.filter((x) => !seen.has(x)))
      issues.push(ages.yaml.locate({ code: 'missing-overlay', severity: 'error', message: `缺少年龄组 ${id} 的上下限`, path: ['groups'] }));
  }
  if (prose.ok) {
    const covered = new Map<string, number>();
    prose.value.limits.forEach((l, i) => {
      const byCode = new Map((tables[l.table]?.entries ?? []).map((e) => [e.med_list_codg, e]));
      l.codes.forEach((c, j) => {
        const k = `${l.table}|${c}`;
        const entry = byCode.get(c);
        if (!tables[l.table]) return;
        if (!entry)
          issues.push(
            prose.yaml.locate({
              code: 'stale-overlay',
              severity: 'error',
              message: `${l.table} 中没有编码 ${c}`,
              path: ['limits', i, 'codes', j],
            }),
          );
        else if (entry.note !== l.prose)
          issues.push(
            prose.yaml.locate({
              code: 'stale-overlay',
              severity: 'error',
              message: `${c} ${entry.name} 的备注已变: 按新的原文重新填写参数`,
              expected: entry.note,
              got: l.prose,
              path: ['limits', i, 'prose'],
            }),
          );
        if (covered.has(k))
          issues.push(
            prose.yaml.locate({
              code: 'duplicate-key',
              severity: 'error',
              message: `编码 ${c} 已在第 ${(covered.get(k) ?? 0) + 1} 项中`,
              path: ['limits', i, 'codes', j],
            }),
          );
        else covered.set(k, i);
      });
    });
    for (const t of PROSE_TABLES)
      for (const e of tables[t]?.entries ?? [])
        if (!covered.has(`${t}|${e.med_list_codg}`))
          issues.push(
            prose.yaml.locate({
              code: 'missing-overlay',
              severity: 'error',
              message: `${t} 的 ${e.med_list_codg} ${e.name} 只有文字限定 (${e.note}): 缺少结构化参数`,
              path: ['limits'],
            }),
          );
  }
  return issues;
}

/** The national knowledge from its files' texts: every table, both overlays, and their agreement. */
export function parseNational(texts: NationalTexts): LoadedNational {
  const issues: Issue[] = [];
  const tables: Partial<Record<TableName, { header: Header; entries: readonly AnyEntry[] }>> = {};
  for (const name of TABLE_NAMES) {
    const t = texts.tables.find((x) => x.table === name);
    if (!t) {
      issues.push(missing(name, `国家知识库表 ${name}`));
      continue;
    }
    const r = parseNationalTable(name, t.header, t.entries);
    if (r.ok) tables[name] = { header: r.header, entries: r.entries };
    else issues.push(...r.issues);
  }
  const overlay = <T>(f: FileText, parse: (text: string, file: string) => OverlayParse<T>): OverlayParse<T> =>
    f.text === undefined ? { ok: false, issues: [missing(f.file, `补充表 ${f.file}`)] } : parse(f.text, f.file);
  const ages = overlay(texts.ageGroups, parseAgeGroups);
  const prose = overlay(texts.proseLimits, parseProseLimits);
  for (const o of [ages, prose]) if (!o.ok) issues.push(...o.issues);
  issues.push(...checkOverlays(tables as Partial<NationalTables>, ages, prose));
  if (issues.length || !ages.ok || !prose.ok) return { ok: false, issues: issues.sort(byPosition) };
  const all = tables as NationalTables;
  const version = TABLE_NAMES.map((n) => `national/${n}@${all[n].header.version}`).join(';');
  return { ok: true, knowledge: { tables: all, ageGroups: ages.value, proseLimits: prose.value, version } };
}
