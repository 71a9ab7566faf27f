import { isDeepStrictEqual } from 'node:util';
import type { Plan } from './render.js';
import { keyOf, type AnyEntry, type TableName } from './schema.js';

/**
 * What an import would change in a table: entries added, removed, changed (a field other than the
 * provenance differs) and moved (only the provenance differs: the same fact on another row), by
 * key; and whether the version would bump. Pure.
 */

export interface TableDiff {
  readonly table: TableName;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly moved: readonly string[];
  /** Version on disk (absent for a new table) and the version the import would write. */
  readonly from?: number;
  readonly to: number;
  readonly bump: boolean;
}

type Raw = Readonly<Record<string, unknown>>;

/** The entries of an entry file as far as they parse (a line that does not parse counts as no entry). */
function entriesOf(text: string | undefined): Raw[] {
  const out: Raw[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Raw);
    } catch {
      // A broken line on disk is what the import replaces; the loader reports it at its line.
    }
  }
  return out;
}

const withoutSrc = ({ src: _src, ...rest }: Raw): Raw => rest;

export function diffTable(table: TableName, next: readonly AnyEntry[], existingEntries: string | undefined, p: Plan): TableDiff {
  const before = new Map(entriesOf(existingEntries).map((e) => [keyOf(table, e), e]));
  const after = new Map(next.map((e) => [keyOf(table, e), e as unknown as Raw]));
  const added: string[] = [];
  const changed: string[] = [];
  const moved: string[] = [];
  for (const [k, e] of after) {
    const old = before.get(k);
    if (!old) added.push(k);
    else if (!isDeepStrictEqual(withoutSrc(old), withoutSrc(e))) changed.push(k);
    else if (!isDeepStrictEqual(old['src'], e['src'])) moved.push(k);
  }
  const removed = [...before.keys()].filter((k) => !after.has(k));
  return {
    table,
    added,
    removed,
    changed,
    moved,
    ...(p.previous === undefined ? {} : { from: p.previous }),
    to: p.version,
    bump: p.status !== 'unchanged',
  };
}
