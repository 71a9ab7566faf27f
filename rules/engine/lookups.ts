import type { ValueType } from './columns.js';
import type { Expr } from './expr.js';
import { isCodeKey, LISTS, matchKey, type ListSpec } from './lists.js';

/**
 * The knowledge-list lookups (`x in list L`) of one rule, as the LEFT JOINs that carry them: one
 * join per list and key expression, so the same list looked up under two keys is two lookups, each
 * reading its own join (`k_x`, then `k_x_2` …). Pure bookkeeping; the compiler (sql.ts) reports the
 * problems.
 */

export interface ListJoin {
  readonly name: string;
  readonly spec: ListSpec;
  /** The join's alias: the list's table name for its first lookup key, `<table>_2` … for others. */
  readonly alias: string;
  /** The key expressions, compiled, in the order of the list's key columns. */
  readonly keys: readonly string[];
  /** The name the rule gave this lookup (`in list bundles as ba`), if any. */
  readonly named?: string;
  /** When the looked-up fact happened, for lists whose entries carry validity dates. */
  readonly time?: string;
}

/** A lookup's identity: its list and its key expression without positions (`a.item` is `a.item` wherever it is written). */
const lookupKey = (list: string, arg: Expr, named?: string): string =>
  `${list} ${named ?? ''} ${JSON.stringify(arg, (k, v: unknown) => (k === 'at' || k === 'listAt' ? undefined : v))}`;

/** An entry in force on the fact's day: `valid_from` ≤ day ≤ `valid_until`, either bound open when empty. */
const validity = (l: ListJoin): string => {
  if (l.spec.columns['valid_from'] !== 'date' || l.time === undefined) return '';
  const day = `CAST(${l.time} AS DATE)`;
  return ` AND (${l.alias}."valid_from" IS NULL OR ${day} >= ${l.alias}."valid_from") AND (${l.alias}."valid_until" IS NULL OR ${day} <= ${l.alias}."valid_until")`;
};

export class Lookups {
  private readonly joins = new Map<string, ListJoin>();

  /** The join of this lookup, if registered. */
  get(list: string, arg: Expr, named?: string): ListJoin | undefined {
    return this.joins.get(lookupKey(list, arg, named));
  }

  /**
   * Registers a lookup of `list` keyed on `arg` (compiled to `keys`), under the rule's name for it
   * if any; a second registration of the same lookup is a no-op. Returns whether the rule's name
   * was already taken by another lookup.
   */
  add(list: string, spec: ListSpec, arg: Expr, keys: () => readonly string[], named?: string, time?: string): { clash: boolean } {
    const id = lookupKey(list, arg, named);
    if (this.joins.has(id)) return { clash: false };
    const clash = named !== undefined && [...this.joins.values()].some((j) => j.named === named);
    const earlier = this.of(list).length;
    const join: ListJoin = {
      name: list,
      spec,
      alias: earlier ? `${spec.sqlName}_${earlier + 1}` : spec.sqlName,
      keys: keys(),
      ...(named === undefined ? {} : { named }),
      ...(time === undefined ? {} : { time }),
    };
    this.joins.set(id, join);
    return { clash };
  }

  /** Whether `name` is a lookup the rule named. */
  isNamed(name: string): boolean {
    return [...this.joins.values()].some((j) => j.named === name);
  }

  private of(list: string): ListJoin[] {
    return [...this.joins.values()].filter((l) => l.name === list);
  }

  /** `LEFT JOIN k_x AS k_x ON …` for each lookup. */
  sql(): string {
    return [...this.joins.values()]
      .map(
        (l) =>
          `LEFT JOIN ${l.spec.sqlName} AS ${l.alias} ON ${l.spec.key
            .map((k, i) => `${l.alias}."${k}" = ${isCodeKey(k) ? matchKey(l.spec.matching, l.keys[i] as string) : l.keys[i]}`)
            .join(' AND ')}${validity(l)}`,
      )
      .join('\n  ');
  }

  /** The knowledge tables looked up. */
  tables(): string[] {
    return [...new Set([...this.joins.values()].map((l) => l.spec.table))].sort();
  }

  /**
   * A list column: `list.x` when exactly one lookup is made, or `<list name>.x` when that list is
   * looked up once; `no-lookup` when there is none, `ambiguous` when the name could mean several;
   * undefined when the path is not a list column at all.
   */
  column(path: readonly string[]): { sql: string; type: ValueType } | undefined | 'no-lookup' | { ambiguous: number } {
    if (path.length !== 2) return undefined;
    const [q, col] = path as [string, string];
    const named = [...this.joins.values()].filter((j) => j.named === q);
    if (q !== 'list' && !LISTS[q] && !named.length) return undefined;
    const joins = named.length ? named : q === 'list' ? [...this.joins.values()] : this.of(q);
    if (joins.length === 0) return 'no-lookup';
    if (joins.length > 1) return { ambiguous: joins.length };
    const join = joins[0] as ListJoin;
    const type = join.spec.columns[col];
    return type === undefined ? undefined : { sql: `${join.alias}."${col}"`, type };
  }
}
