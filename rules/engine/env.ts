import { REFERENCES, SOURCES, type Column, type ReferenceName, type SourceName } from './columns.js';
import type { Typed } from './columns.js';
import type { Env } from './sql.js';

/**
 * Name resolution for one level of a compiled query: the columns of that level, the reference
 * views reachable from it (`person.`, `inst.`, `catalog.`, and `visit.` from a fee line), and named
 * sub-spaces (`prev.`, `a.`, `b.`). A reference view is joined only when a rule names one of its
 * columns.
 */

export interface RefKeys {
  readonly person?: string;
  readonly inst?: string;
  readonly catalog?: string;
  /** fixmedins_code and mdtrt_id of the visit a fee line belongs to. */
  readonly visit?: readonly [string, string];
}

const ALIAS: Readonly<Record<ReferenceName | 'visit', string>> = {
  person: 'r_person',
  inst: 'r_inst',
  catalog: 'r_catalog',
  visit: 'r_visit',
};

export const columnsOf = (source: SourceName, alias: string): Map<string, Typed> =>
  new Map([...SOURCES[source].values()].map((c: Column) => [c.name, { sql: c.sql(alias), type: c.type }]));

export class NameEnv implements Env {
  private readonly used = new Set<ReferenceName | 'visit'>();

  constructor(
    private readonly columns: ReadonlyMap<string, Typed>,
    private readonly refs: RefKeys = {},
    private readonly spaces: Readonly<Record<string, ReadonlyMap<string, Typed>>> = {},
    /** The time a row happened at, for `age_years` / `age_days` (age on that day). */
    private readonly time?: string,
  ) {}

  known = (): readonly string[] => [
    ...this.columns.keys(),
    ...(this.time && this.refs.person ? ['age_years', 'age_days'] : []),
    ...(this.refs.catalog ? ['item_name'] : []),
    ...(Object.keys(this.refs) as (keyof RefKeys)[]).map((r) => `${r}.*`),
    ...Object.keys(this.spaces).map((s) => `${s}.*`),
  ];

  resolve(path: readonly string[]): Typed | undefined {
    if (path.length === 1) {
      const name = path[0] as string;
      const own = this.columns.get(name);
      if (own) return own;
      if (name === 'item_name' && this.refs.catalog) return this.resolve(['catalog', 'name']);
      if ((name === 'age_years' || name === 'age_days') && this.time && this.refs.person) {
        const brdy = this.resolve(['person', 'brdy']) as Typed;
        const day = `CAST(${this.time} AS DATE)`;
        // Completed years (周岁) or days of life on the day of the charge.
        const sql = name === 'age_years' ? `date_sub('year', ${brdy.sql}, ${day})` : `date_diff('day', ${brdy.sql}, ${day})`;
        return { sql, type: 'number' };
      }
      return undefined;
    }
    if (path.length !== 2) return undefined;
    const [q, col] = path as [string, string];
    const space = this.spaces[q];
    if (space) return space.get(col);
    if (q === 'visit' && this.refs.visit) {
      const c = SOURCES.visit.get(col);
      if (!c) return undefined;
      this.used.add('visit');
      return { sql: c.sql(ALIAS.visit), type: c.type };
    }
    if (q in REFERENCES && this.refs[q as ReferenceName] !== undefined) {
      const c = REFERENCES[q as ReferenceName].columns.get(col);
      if (!c) return undefined;
      this.used.add(q as ReferenceName);
      return { sql: c.sql(ALIAS[q as ReferenceName]), type: c.type };
    }
    return undefined;
  }

  /** The LEFT JOINs of the reference views named so far. */
  joins(): string {
    const out: string[] = [];
    for (const r of ['person', 'inst', 'catalog'] as const) {
      const key = this.refs[r];
      if (this.used.has(r) && key !== undefined) {
        const ref = REFERENCES[r];
        out.push(`LEFT JOIN ${ref.view} AS ${ALIAS[r]} ON ${ALIAS[r]}."${ref.key}" = ${key}`);
      }
    }
    if (this.used.has('visit') && this.refs.visit)
      out.push(
        `LEFT JOIN visit AS ${ALIAS.visit} ON ${ALIAS.visit}."fixmedins_code" = ${this.refs.visit[0]} AND ${ALIAS.visit}."mdtrt_id" = ${this.refs.visit[1]}`,
      );
    return out.join('\n  ');
  }
}
