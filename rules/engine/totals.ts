import { REF_OF, REFERENCES } from './columns.js';
import type { Typed } from './columns.js';
import { columnsOf, NameEnv, rowRefs } from './env.js';
import { feeScope, listedWhere } from './fee-archetypes.js';
import { matchKey } from './lists.js';
import {
  conditionSql,
  detail,
  evidenceSql,
  exprOr,
  FEE_AMOUNT,
  LiftedEnv,
  Projector,
  scopeSql,
  template,
  windowSql,
  type Kind,
  type Parts,
} from './archetype-parts.js';

/**
 * The archetypes over net item totals: co-occurrence of two items (`pair`) and an item's quantity
 * per period (`quantity`). Both first total each item of a visit per slot — a calendar day, a clock
 * hour, or the whole visit — keeping only items still charged after reversals.
 */

/**
 * How lines are grouped before they are compared: per calendar day, per clock hour (同一小时), or per
 * hour compared across a 6-hour window (6小时). Sub-day slots skip lines whose time was sent as a
 * bare date (contract §8, `fee_ocur_time_date_only`): their hour is unknown, not midnight.
 */
type Slot = 'day' | 'hour' | 'none';

const slotOf = (slot: Slot, f: string): string =>
  slot === 'day'
    ? `date_trunc('day', ${f}."fee_ocur_time")`
    : slot === 'hour'
      ? `date_trunc('hour', ${f}."fee_ocur_time")`
      : 'CAST(NULL AS TIMESTAMP)';

/** The window and scope of the fee lines a totalling rule reads (compiled afresh for each use). */
function feeWhere(p: Parts, slot: Slot): { env: NameEnv; where: string } {
  const env = new NameEnv(columnsOf('fee_line', 'f'), rowRefs('fee_line', 'f'), {}, `f."fee_ocur_time"`);
  const timed = slot === 'hour' ? ` AND NOT coalesce(f."fee_ocur_time_date_only", false)` : '';
  return { env, where: `${windowSql('f."fee_ocur_time"')} AND ${feeScope(scopeSql(p, env, 'fee_line'))}${timed}` };
}

/**
 * A pair side or a quantity's item, with the catalogue columns of its item on demand (`a.list_type`,
 * `b.pric_uplmt_amt`): the names read are remembered, and only they are totalled.
 */
class ItemSpace extends Map<string, Typed> {
  constructor(
    private readonly alias: string,
    private readonly catalog: Set<string>,
  ) {
    super([
      ['item', { sql: `${alias}.d_item`, type: 'text' }],
      ['med_list_codg', { sql: `${alias}.d_item`, type: 'text' }],
      ['item_name', { sql: `${alias}.d_name`, type: 'text' }],
      ['fee_day', { sql: `CAST(${alias}.d_slot AS DATE)`, type: 'date' }],
      ['cnt', { sql: `${alias}.d_cnt`, type: 'number' }],
      ['amount', { sql: `${alias}.d_amt`, type: 'number' }],
    ]);
  }

  override get(name: string): Typed | undefined {
    const own = super.get(name);
    if (own) return own;
    const c = REFERENCES.catalog.columns.get(name);
    if (!c) return undefined;
    this.catalog.add(name);
    return { sql: `${this.alias}."d_cat_${name}"`, type: c.type };
  }
}

/**
 * Net quantities per visit, item and slot: the shared first step of `pair` and `quantity`. Only
 * items still charged after reversals count. Details (the refs of the lines) are not collected
 * here but only for the hits, by `withDetails`: building a list for each of millions of groups
 * was most of a rule's time on the city.
 */
function itemTotals(p: Parts, slot: Slot, catalog: ReadonlySet<string>): string {
  const { env, where } = feeWhere(p, slot);
  const by = slot === 'none' ? '' : `, ${slotOf(slot, 'f')}`;
  // Totalling reads few columns: an inline semi-join is cheaper here than materialising whole lines.
  const listed = listedWhere(p, 'f');
  const cat = [...catalog].map((c) => `, any_value(d_cat."${c}") AS "d_cat_${c}"`).join('');
  return `d AS (
  SELECT f."fixmedins_code" AS d_inst, f."mdtrt_id" AS d_mdtrt, f."med_list_codg" AS d_item, ${slotOf(slot, 'f')} AS d_slot,
    any_value(f."psn_no") AS d_psn, any_value(f."med_type_class") AS d_class, any_value(d_cat."name") AS d_name${cat},
    sum(f."cnt") AS d_cnt, sum(${FEE_AMOUNT('f')}) AS d_amt, count(*) FILTER (WHERE f."cnt" > 0) AS d_lines,
    min(f."fee_ocur_time") AS d_t, max(f."fee_ocur_time") FILTER (WHERE f."cnt" > 0) AS d_tmax, min(f."bilg_dr_codg") FILTER (WHERE f."cnt" > 0) AS d_dr
  FROM fee_line AS f
  LEFT JOIN catalog AS d_cat ON d_cat."med_list_codg" = ${matchKey(REFERENCES.catalog.matching, 'f."med_list_codg"')}
  ${env.joins()}
  WHERE ${where}${listed ? ` AND ${listed}` : ''}
  GROUP BY f."fixmedins_code", f."mdtrt_id", f."med_list_codg"${by}
  HAVING sum(f."cnt") > 0
)`;
}

/**
 * From `h0` (hits without details: a key hk, h_keys — the items and slots the hit is about, a NULL
 * slot meaning all of them — and the subject) to `h`: the charged lines of those items and slots,
 * through the net-positive groups of `d`, as 违规项.
 */
function withDetails(p: Parts, slot: Slot): string {
  const { env, where } = feeWhere(p, slot);
  return `hd AS (
  SELECT h0.hk, list(${detail(1, REF_OF.fee_line('f'), FEE_AMOUNT('f'))}) AS h_details
  FROM h0
  JOIN d ON d.d_inst = h0.h_inst AND d.d_mdtrt = h0.h_mdtrt
    AND len(list_filter(h0.h_keys, k -> k.item = d.d_item AND (k.slot IS NULL OR k.slot = d.d_slot))) > 0
  JOIN fee_line AS f ON f."fixmedins_code" = d.d_inst AND f."mdtrt_id" = d.d_mdtrt AND f."med_list_codg" = d.d_item
    AND (d.d_slot IS NULL OR ${slotOf(slot, 'f')} = d.d_slot)
  ${env.joins()}
  WHERE f."cnt" > 0 AND ${where}
  GROUP BY h0.hk
),
h AS (
  SELECT h0.* EXCLUDE (hk, h_keys), hd.h_details FROM h0 JOIN hd USING (hk)
)`;
}

const key = (item: string, slot: string) => `{'item': ${item}, 'slot': ${slot}}`;

/**
 * Co-occurrence: items `a` and `b` in the same visit, and the same day, the same clock hour, or
 * within 6 hours of each other; one hit per visit and pair (and day, or hour).
 */
export function pair(p: Parts & { logic: Kind<'pair'> }): string {
  const within = p.logic.within;
  const slot: Slot = within === 'clock_hour' || within === '6_hours' ? 'hour' : 'day';
  const catalog = new Set<string>();
  const top = new Map<string, Typed>([
    ['fixmedins_code', { sql: 'a.d_inst', type: 'text' }],
    ['mdtrt_id', { sql: 'a.d_mdtrt', type: 'text' }],
    ['psn_no', { sql: 'a.d_psn', type: 'text' }],
    ['med_type_class', { sql: 'a.d_class', type: 'text' }],
  ]);
  const env = new NameEnv(
    top,
    { person: 'a.d_psn', inst: 'a.d_inst', visit: ['a.d_inst', 'a.d_mdtrt'] },
    { a: new ItemSpace('a', catalog), b: new ItemSpace('b', catalog) },
    'least(a.d_t, b.d_t)',
  );
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, 'least(a.d_amt, b.d_amt)');
  const proj = new Projector();
  const lifted = new LiftedEnv(new Map([['amount', { sql: 'sum(m.k_amt)', type: 'number' }]]), env, proj, 'm');
  const cont = template(p, lifted, (t) => t.sql);
  const evidence = evidenceSql(p, lifted, (t) => t.sql);
  // 6 hours: two hour-slots hold lines within 6 hours of each other iff the later slot's first line
  // is at most 6 hours after the earlier slot's last one.
  const together = {
    day: ' AND b.d_slot = a.d_slot',
    clock_hour: ' AND b.d_slot = a.d_slot',
    '6_hours': ` AND b.d_t - a.d_tmax <= INTERVAL 6 HOUR AND a.d_t - b.d_tmax <= INTERVAL 6 HOUR`,
    visit: '',
  }[within];
  // The hit's period: its slot (day, hour), the day of the earlier line (6 hours), none (visit).
  const period = { day: 'm.k_slot', clock_hour: 'm.k_slot', '6_hours': `date_trunc('day', m.k_slot)`, visit: 'CAST(NULL AS TIMESTAMP)' }[
    within
  ];
  const keys =
    within === 'visit'
      ? `[${key('m.k_a', 'CAST(NULL AS TIMESTAMP)')}, ${key('m.k_b', 'CAST(NULL AS TIMESTAMP)')}]`
      : `list_distinct(flatten(list([${key('m.k_a', 'm.k_slot_a')}, ${key('m.k_b', 'm.k_slot_b')}])))`;
  return `${itemTotals(p, slot, catalog)},
m AS (
  SELECT a.d_inst AS k_inst, a.d_mdtrt AS k_mdtrt, a.d_psn AS k_psn, a.d_item AS k_a, b.d_item AS k_b,
    least(a.d_slot, b.d_slot) AS k_slot, a.d_slot AS k_slot_a, b.d_slot AS k_slot_b,
    least(a.d_t, b.d_t) AS k_t, coalesce(a.d_dr, b.d_dr) AS k_dr, ${amount} AS k_amt${proj.select()}
  FROM d AS a
  JOIN d AS b ON b.d_inst = a.d_inst AND b.d_mdtrt = a.d_mdtrt AND a.d_item < b.d_item${together}
  ${env.joins()}
  ${p.ctx.listJoins()}
  WHERE ${cond}
),
h0 AS (
  SELECT row_number() OVER () AS hk, ${keys} AS h_keys,
    m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) AS h_dr, sum(m.k_amt) AS h_amt,
    ${cont} AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, ${evidence} AS h_evidence
  FROM m
  GROUP BY m.k_inst, m.k_mdtrt, m.k_a, m.k_b, ${period}
),
${withDetails(p, slot)}`;
}

/** Quantity per period: the net quantity of an item in a visit (or one day of it) against a limit. */
export function quantity(p: Parts & { logic: Kind<'quantity'> }): string {
  const slot: Slot = p.logic.per === 'day' ? 'day' : 'none';
  const catalog = new Set<string>();
  const own = new ItemSpace('d', catalog);
  own.delete('cnt');
  own.set('quantity', { sql: 'd.d_cnt', type: 'number' });
  own.set('lines', { sql: 'd.d_lines', type: 'number' });
  own.set('fixmedins_code', { sql: 'd.d_inst', type: 'text' });
  own.set('mdtrt_id', { sql: 'd.d_mdtrt', type: 'text' });
  own.set('psn_no', { sql: 'd.d_psn', type: 'text' });
  own.set('med_type_class', { sql: 'd.d_class', type: 'text' });
  if (slot === 'none') own.delete('fee_day');
  const env = new NameEnv(own, { person: 'd.d_psn', inst: 'd.d_inst', visit: ['d.d_inst', 'd.d_mdtrt'] }, {}, 'd.d_t');
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, 'd.d_amt');
  const cont = template(p, env, (t) => t.sql);
  const evidence = evidenceSql(p, env, (t) => t.sql);
  return `${itemTotals(p, slot, catalog)},
h0 AS (
  SELECT row_number() OVER () AS hk, [${key('d.d_item', 'd.d_slot')}] AS h_keys,
    d.d_inst AS h_inst, d.d_psn AS h_psn, d.d_mdtrt AS h_mdtrt, d.d_dr AS h_dr, ${amount} AS h_amt, ${cont} AS h_cont,
    CAST(d.d_t AS DATE) AS h_on, ${evidence} AS h_evidence
  FROM d
  ${env.joins()}
  ${p.ctx.listJoins()}
  WHERE ${cond}
),
${withDetails(p, slot)}`;
}
