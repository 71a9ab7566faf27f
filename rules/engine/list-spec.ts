import type { ListTable } from '../knowledge.js';
import type { Knowledge } from '../knowledge.js';
import type { ValueType } from './columns.js';

/** What a knowledge list is to the compiler: its table, key, columns, matching and rows. */

export type ListValue = string | number | null | readonly string[];

export interface ListSpec {
  /** The knowledge file it comes from (its version is recorded on every hit). */
  readonly table: ListTable;
  readonly sqlName: string;
  /** Columns matched, in order, by `x in list L` or `(x, y) in list L`. */
  readonly key: readonly string[];
  readonly columns: Readonly<Record<string, ValueType>>;
  readonly gloss: string;
  /** How a fee line's code meets the list's code keys (every key but `med_type_class`); default `exact`. */
  readonly matching?: Matching;
  readonly rows: (k: Knowledge) => ListValue[][];
}

/**
 * How a code on a fee line meets a code of a table (a knowledge list or the catalogue):
 * - `exact`: the whole code (drug codes);
 * - `service-code`: a national 15-digit service code also meets a code carrying a local price-item
 *   suffix (`001102000010000-110200001`, common in real uploads): the line is read up to its first `-`;
 * - `prefix`: the table names classes by a code prefix of `prefixLength` characters.
 * Always an equality on a function of the line's code, so the join stays a hash join.
 */
export type Matching = 'exact' | 'service-code' | { readonly prefixLength: number };

export const matchKey = (matching: Matching | undefined, code: string): string =>
  matching === undefined || matching === 'exact'
    ? code
    : matching === 'service-code'
      ? `split_part(${code}, '-', 1)`
      : `left(${code}, ${matching.prefixLength})`;

/** The key columns of a list that hold codes (and so follow its matching). */
export const isCodeKey = (column: string): boolean => column !== 'med_type_class';
