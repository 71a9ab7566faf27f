import { REFERENCES, SOURCES, type Column, type ReferenceName, type SourceName } from './columns.js';
import type { Typed } from './columns.js';
import { matchKey } from './lists.js';
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
  readonly doctor?: string;
  /** fixmedins_code and mdtrt_id of the visit a fee line belongs to. */
  readonly visit?: readonly [string, string];
  /** The day of a fee line, for `day_items`. */
  readonly day?: string;
}

const ALIAS: Readonly<Record<ReferenceName | 'visit', string>> = {
  person: 'r_person',
  inst: 'r_inst',
  catalog: 'r_catalog',
  doctor: 'r_doctor',
  visit: 'r_visit',
};

/**
 * `stock.<column>`: what an institution's 进销存 uploads (all of them, not deleted by 3507) say of
 * an item — bought, returned to the supplier, counted at the first stocktake, sold, taken back,
 * changed — and `stock.inst_lines`, how many 进销存 lines the institution sent at all (0: it does
 * not upload, so missing purchases prove nothing).
 */
export const STOCK: Readonly<Record<string, string>> = {
  purchased: `sum("purc_retn_cnt") FILTER (WHERE "infno" = '3503')`,
  purchase_returned: `sum("purc_retn_cnt") FILTER (WHERE "infno" = '3504')`,
  opening: `arg_min("inv_cnt", "invdate") FILTER (WHERE "infno" = '3501')`,
  sold: `sum("sel_retn_cnt") FILTER (WHERE "infno" = '3505')`,
  sale_returned: `sum("sel_retn_cnt") FILTER (WHERE "infno" = '3506')`,
  changed: `sum("cnt") FILTER (WHERE "infno" = '3502')`,
  lines: 'count(*)',
};

/** The items still charged (after reversals) in a visit, or in one day of it: lists a rule reads with has(). */
export const ITEMS = {
  visit_items: { alias: 'r_vitems', gloss: '本次就诊收费的全部项目' },
  day_items: { alias: 'r_ditems', gloss: '本次就诊同一日收费的全部项目' },
} as const;

/** Which references a row of a source joins: its person, institution, item, practitioner and visit. */
export function rowRefs(source: SourceName, alias: string, columns: ReadonlyMap<string, Typed> = columnsOf(source, alias)): RefKeys {
  const sql = (name: string) => columns.get(name)?.sql;
  const out: { -readonly [K in keyof RefKeys]: RefKeys[K] } = {};
  const set = (ref: 'person' | 'inst' | 'catalog' | 'doctor' | 'day', ...names: string[]) => {
    const found = names.map(sql).find((s) => s !== undefined);
    if (found !== undefined) out[ref] = found;
  };
  set('person', 'psn_no');
  set('inst', 'fixmedins_code');
  set('catalog', 'med_list_codg');
  set('doctor', 'bilg_dr_codg', 'atddr_no');
  set('day', 'fee_day');
  const inst = sql('fixmedins_code');
  const mdtrt = sql('mdtrt_id');
  if (source !== 'visit' && inst && mdtrt) out.visit = [inst, mdtrt];
  return out;
}

export const columnsOf = (source: SourceName, alias: string): Map<string, Typed> =>
  new Map([...SOURCES[source].values()].map((c: Column) => [c.name, { sql: c.sql(alias), type: c.type }]));

/**
 * The columns of a reference view reached through another alias's key (`b_inst.admdvs`: the
 * institution of a related row), joined only when a column is read.
 */
export class RefSpace extends Map<string, Typed> {
  private used = false;

  constructor(
    private readonly ref: ReferenceName,
    private readonly alias: string,
    private readonly key: string,
  ) {
    super();
  }

  override get(name: string): Typed | undefined {
    const c = REFERENCES[this.ref].columns.get(name);
    if (!c) return undefined;
    this.used = true;
    return { sql: c.sql(this.alias), type: c.type };
  }

  override has(name: string): boolean {
    return REFERENCES[this.ref].columns.has(name);
  }

  /** `LEFT JOIN <view> AS <alias> ON …` when a column was read, else ''. */
  join(): string {
    const ref = REFERENCES[this.ref];
    const on = 'matching' in ref ? matchKey(ref.matching, this.key) : this.key;
    return this.used ? `LEFT JOIN ${ref.view} AS ${this.alias} ON ${this.alias}."${ref.key}" = ${on}` : '';
  }
}

export class NameEnv implements Env {
  private readonly used = new Set<ReferenceName | 'visit' | 'stock' | keyof typeof ITEMS>();

  constructor(
    private readonly columns: ReadonlyMap<string, Typed>,
    private readonly refs: RefKeys = {},
    private readonly spaces: Readonly<Record<string, ReadonlyMap<string, Typed>>> = {},
    /** The time a row happened at, for `age_years` / `age_days` (age on that day) and knowledge in force then. */
    private readonly time?: string,
  ) {}

  get factTime(): string | undefined {
    return this.time;
  }

  known = (): readonly string[] => [
    ...this.columns.keys(),
    ...(this.time && this.refs.person ? ['age_years', 'age_days'] : []),
    ...(this.refs.catalog ? ['item_name'] : []),
    ...(this.refs.visit ? ['visit_items'] : []),
    ...(this.refs.inst && this.refs.catalog ? ['stock.*'] : []),
    ...(this.refs.visit && this.refs.day ? ['day_items'] : []),
    ...(Object.keys(this.refs) as (keyof RefKeys)[]).map((r) => `${r}.*`),
    ...Object.keys(this.spaces).map((s) => `${s}.*`),
  ];

  resolve(path: readonly string[]): Typed | undefined {
    if (path.length === 1) {
      const name = path[0] as string;
      const own = this.columns.get(name);
      if (own) return own;
      if (name === 'item_name' && this.refs.catalog) return this.resolve(['catalog', 'name']);
      if ((name === 'visit_items' && this.refs.visit) || (name === 'day_items' && this.refs.visit && this.refs.day)) {
        this.used.add(name);
        return { sql: `coalesce(${ITEMS[name].alias}.items, [])`, type: 'list' };
      }
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
    if (q === 'stock' && this.refs.inst && this.refs.catalog && (col in STOCK || col === 'inst_lines')) {
      this.used.add('stock');
      // Absent from the uploads is none of it: 0, not unknown.
      return { sql: col === 'inst_lines' ? `coalesce(r_psi.inst_lines, 0)` : `coalesce(r_stock."${col}", 0)`, type: 'number' };
    }
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
    for (const r of ['person', 'inst', 'catalog', 'doctor'] as const) {
      const key = this.refs[r];
      if (this.used.has(r) && key !== undefined) {
        const ref = REFERENCES[r];
        const on = 'matching' in ref ? matchKey(ref.matching, key) : key;
        out.push(`LEFT JOIN ${ref.view} AS ${ALIAS[r]} ON ${ALIAS[r]}."${ref.key}" = ${on}`);
      }
    }
    if (this.used.has('stock') && this.refs.inst && this.refs.catalog) {
      const cols = Object.entries(STOCK)
        .map(([name, agg]) => `${agg} AS "${name}"`)
        .join(', ');
      out.push(
        `LEFT JOIN (SELECT "fixmedins_code" AS s_inst, "med_list_codg" AS s_item, ${cols} FROM psi_line WHERE NOT "deleted" GROUP BY ALL) AS r_stock ON r_stock.s_inst = ${this.refs.inst} AND r_stock.s_item = ${matchKey('service-code', this.refs.catalog)}`,
        `LEFT JOIN (SELECT "fixmedins_code" AS s_inst, count(*) AS inst_lines FROM psi_line WHERE NOT "deleted" GROUP BY ALL) AS r_psi ON r_psi.s_inst = ${this.refs.inst}`,
      );
    }
    const v = this.refs.visit;
    if (this.used.has('visit') && v)
      out.push(`LEFT JOIN visit AS ${ALIAS.visit} ON ${ALIAS.visit}."fixmedins_code" = ${v[0]} AND ${ALIAS.visit}."mdtrt_id" = ${v[1]}`);
    // The items of the visit (or its day) whose net quantity is still positive after reversals.
    const items = (day: boolean) =>
      `(SELECT i_inst, i_mdtrt${day ? ', i_day' : ''}, list(i_item) AS items FROM (
          SELECT "fixmedins_code" AS i_inst, "mdtrt_id" AS i_mdtrt${day ? ', CAST("fee_ocur_time" AS DATE) AS i_day' : ''}, split_part("med_list_codg", '-', 1) AS i_item
          FROM fee_line GROUP BY ALL HAVING sum("cnt") > 0) GROUP BY ALL)`;
    if (this.used.has('visit_items') && v)
      out.push(`LEFT JOIN ${items(false)} AS r_vitems ON r_vitems.i_inst = ${v[0]} AND r_vitems.i_mdtrt = ${v[1]}`);
    if (this.used.has('day_items') && v && this.refs.day)
      out.push(
        `LEFT JOIN ${items(true)} AS r_ditems ON r_ditems.i_inst = ${v[0]} AND r_ditems.i_mdtrt = ${v[1]} AND r_ditems.i_day = ${this.refs.day}`,
      );
    return out.join('\n  ');
  }
}
