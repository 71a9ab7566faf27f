import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { readYaml } from '../core/diagnostics/index.js';
import type { ParsedTable } from './parse.js';
import { TABLES, type Header, type TableName } from './schema.js';

/**
 * A parsed table → the two files it is kept in: `<table>.ndjson` (one entry a line, keys in schema
 * order, rows in sheet order: a changed entry is a changed line) and `<table>.yaml` (the header).
 * Pure and deterministic: the same workbook gives the same bytes, so a second import is a no-op.
 */

export const PUBLISHER = '国家医疗保障局';

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export const entriesFile = (table: TableName): string => `${table}.ndjson`;
export const headerFile = (table: TableName): string => `${table}.yaml`;

/** The source workbook as the header records it. */
export interface SourceFile {
  readonly name: string;
  readonly sha256: string;
}

export interface RenderedTable {
  readonly table: TableName;
  readonly version: number;
  readonly header: string;
  readonly entries: string;
}

export function renderEntries(t: ParsedTable): string {
  return t.entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

export function renderHeader(t: ParsedTable, source: SourceFile, version: number, entries: string): string {
  const def = TABLES[t.table];
  const header: Header = {
    table: t.table,
    title: `${def.batch} ${def.title}`,
    version,
    matching: def.matching,
    key: [...def.key],
    validity: { from: null, to: null },
    source: { publisher: PUBLISHER, batch: def.batch, file: source.name, sha256: source.sha256, sheets: [...t.sheets] },
    entries: { file: entriesFile(t.table), count: t.entries.length, sha256: sha256Hex(entries) },
  };
  return `# 由 fundwatch knowledge import 从国家知识点文件生成; 不要手改 (重新导入即可)。\n${stringify(header, { lineWidth: 0 })}`;
}

/** What is on disk for a table now (either file may be absent). */
export interface Existing {
  readonly header?: string | undefined;
  readonly entries?: string | undefined;
}

export type PlanStatus = 'new' | 'changed' | 'unchanged';

export interface Plan extends RenderedTable {
  readonly status: PlanStatus;
  /** The version on disk, when there is one. */
  readonly previous?: number;
}

/** The version the header on disk states, if it states one. */
export function versionOf(headerText: string | undefined): number | undefined {
  if (headerText === undefined) return undefined;
  const read = readYaml(headerText, '');
  const v = read.ok ? (read.yaml.value as { version?: unknown } | null)?.version : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * The files of `t` against what is there: byte-identical at the version on disk → unchanged (nothing
 * written); any other difference → the next version; nothing there → version 1.
 */
export function plan(t: ParsedTable, source: SourceFile, existing: Existing): Plan {
  const entries = renderEntries(t);
  const previous = versionOf(existing.header);
  const base = { table: t.table, entries, ...(previous === undefined ? {} : { previous }) };
  if (previous !== undefined) {
    const same = renderHeader(t, source, previous, entries);
    if (same === existing.header && entries === existing.entries) return { ...base, status: 'unchanged', version: previous, header: same };
  }
  const version = (previous ?? 0) + 1;
  return { ...base, status: existing.header === undefined ? 'new' : 'changed', version, header: renderHeader(t, source, version, entries) };
}
