import { REF_OF } from './columns.js';
import { columnsOf, NameEnv, rowRefs } from './env.js';
import { parseExpr, type Expr } from './expr.js';
import { LISTS, matchKey, type ListSpec } from './lists.js';
import type { Logic } from './schema.js';
import type { Typed } from './columns.js';
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

/** The archetypes over fee lines: per-line limits (`line`), co-occurrence (`pair`), quantity per period (`quantity`). */

/**
 * Lists the rule cannot hit without: `x in list L` lookups reached from `condition` through `and`
 * only, whose key names a fee line's item. They let the first step keep only the lines of listed
 * items (a semi-join) instead of totalling every line of the window: the one optimisation that
 * makes pair and quantity rules scale with the list, not with the data. Grouped by whose item the
 * key names: `''` the line's own (`item`), `'a'` / `'b'` one side of a pair (`a.item`).
 */
function requiredItemLists(logic: Logic): Map<string, { list: string; column: string }[]> {
  const out = new Map<string, { list: string; column: string }[]>();
  const seen = new Set<string>();
  const visit = (text: string | undefined): void => {
    if (text === undefined) return;
    const r = parseExpr(text);
    if (r.ok) conj(r.expr);
  };
  const conj = (e: Expr): void => {
    if (e.t === 'binary' && e.op === 'and') {
      conj(e.left);
      conj(e.right);
    } else if (e.t === 'ref' && e.path.length === 1 && !seen.has(e.path[0] as string)) {
      seen.add(e.path[0] as string);
      visit(logic.conditions[e.path[0] as string]);
    } else if (e.t === 'inlist' && !e.negated && LISTS[e.list]) {
      const parts = e.arg.t === 'tuple' ? e.arg.items : [e.arg];
      parts.forEach((part, i) => {
        if (part.t !== 'ref') return;
        const [first, second] = part.path;
        const side = part.path.length === 1 ? '' : part.path.length === 2 && (first === 'a' || first === 'b') ? first : undefined;
        const name = part.path.length === 1 ? first : second;
        const column = (LISTS[e.list] as { key: readonly string[] }).key[i];
        if (side === undefined || (name !== 'item' && name !== 'med_list_codg') || !column) return;
        out.set(side, [...(out.get(side) ?? []), { list: e.list, column }]);
      });
    }
  };
  visit(logic.condition);
  return out;
}

/**
 * Scope of a fee line. Reversal lines (negative cnt) are let through whatever their own med_type:
 * senders often leave it out on a reversal, and a reversal of an out-of-scope line only makes its
 * group's net quantity non-positive, which drops the group anyway.
 */
const feeScope = (scope: string) => (scope === 'true' ? scope : `(f."cnt" < 0 OR (${scope}))`);

/**
 * The fee lines a rule reads: all of them, or — when its condition requires list lookups keyed on
 * the item — only the lines of listed items, in a materialised CTE `fl`. Materialised because the
 * optimiser otherwise applies the semi-join after the joins to insured and catalog (measured on the
 * city: most of such a rule's time went into joining every line to insured before filtering; see
 * bench/README.md).
 */
function feeLines(p: Parts): { cte: string; from: string } {
  const where = listedWhere(p, 'fl0');
  return where
    ? { cte: `fl AS MATERIALIZED (\n  SELECT * FROM fee_line AS fl0 WHERE ${where}\n),\n`, from: 'fl' }
    : { cte: '', from: 'fee_line' };
}

/**
 * `a.med_list_codg IN (SELECT … FROM k_…)` for each required list keyed on the line's item ('' when
 * none). A pair's lines play either side, so a side's lists narrow them only when the other side's
 * do too: a line must be able to be an `a` or a `b`.
 */
const listedWhere = (p: Parts, a: string): string => {
  const required = requiredItemLists(p.rule.logic);
  const all = (side: string) =>
    (required.get(side) ?? [])
      .map(({ list, column }) => {
        const spec = LISTS[list] as ListSpec;
        return `${matchKey(spec.matching, `${a}."med_list_codg"`)} IN (SELECT "${column}" FROM ${spec.sqlName})`;
      })
      .join(' AND ');
  const own = all('');
  const sides = required.has('a') && required.has('b') ? `((${all('a')}) OR (${all('b')}))` : '';
  return [own, sides].filter(Boolean).join(' AND ');
};

/** Per-line limit: matching fee lines, one hit per visit and item, net of reversals. */
export function line(p: Parts & { logic: Kind<'line'> }): string {
  const env = new NameEnv(columnsOf('fee_line', 'f'), rowRefs('fee_line', 'f'), {}, `f."fee_ocur_time"`);
  const cond = conditionSql(p, env);
  const scope = scopeSql(p, env, 'fee_line');
  const amount = exprOr(p, p.rule.amount, ['amount'], env, FEE_AMOUNT('f'));
  const proj = new Projector();
  const own = new Map<string, Typed>([
    ['qty', { sql: 'sum(m.k_cnt)', type: 'number' }],
    ['lines', { sql: 'count(*) FILTER (WHERE m.k_cnt > 0)', type: 'number' }],
    ['amount', { sql: 'sum(m.k_amt)', type: 'number' }],
  ]);
  const lifted = new LiftedEnv(own, env, proj, 'm');
  const cont = template(p, lifted, (t) => t.sql);
  const evidence = evidenceSql(p, lifted, (t) => t.sql);
  const lines = feeLines(p);
  return `${lines.cte}m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, ${amount} AS k_amt${proj.select()}
  FROM ${lines.from} AS f
  ${env.joins()}
  ${p.ctx.listJoins()}
  WHERE ${windowSql('f."fee_ocur_time"')} AND ${feeScope(scope)} AND ${cond}
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, ${cont} AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, ${evidence} AS h_evidence,
    list(${detail(1, `'fee:' || m.k_inst || ':' || m.k_mdtrt || ':' || m.k_sn`, 'm.k_amt')}) FILTER (WHERE m.k_cnt > 0) AS h_details
  FROM m
  GROUP BY m.k_inst, m.k_mdtrt, m.k_item
  HAVING sum(m.k_cnt) > 0
)`;
}

/**
 * Net quantities per visit, item (and day): the shared first step of `pair` and `quantity`. Only
 * items still charged after reversals count. Details (the refs of the lines) are not collected
 * here but only for the hits, by `withDetails`: building a list for each of millions of groups
 * was most of a rule's time on the city.
 */
function itemTotals(p: Parts, byDay: boolean): string {
  const { env, where } = feeWhere(p);
  const day = byDay ? `, CAST(f."fee_ocur_time" AS DATE)` : '';
  // Totalling reads few columns: an inline semi-join is cheaper here than materialising whole lines.
  const listed = listedWhere(p, 'f');
  return `d AS (
  SELECT f."fixmedins_code" AS d_inst, f."mdtrt_id" AS d_mdtrt, f."med_list_codg" AS d_item, ${byDay ? 'CAST(f."fee_ocur_time" AS DATE)' : 'CAST(NULL AS DATE)'} AS d_day,
    any_value(f."psn_no") AS d_psn, any_value(f."med_type_class") AS d_class, any_value(d_cat."name") AS d_name,
    sum(f."cnt") AS d_cnt, sum(${FEE_AMOUNT('f')}) AS d_amt, count(*) FILTER (WHERE f."cnt" > 0) AS d_lines,
    min(f."fee_ocur_time") AS d_t, min(f."bilg_dr_codg") FILTER (WHERE f."cnt" > 0) AS d_dr
  FROM fee_line AS f
  LEFT JOIN catalog AS d_cat ON d_cat."med_list_codg" = f."med_list_codg"
  ${env.joins()}
  WHERE ${where}${listed ? ` AND ${listed}` : ''}
  GROUP BY f."fixmedins_code", f."mdtrt_id", f."med_list_codg"${day}
  HAVING sum(f."cnt") > 0
)`;
}

/** The window and scope of the fee lines a totalling rule reads (compiled afresh for each use). */
function feeWhere(p: Parts): { env: NameEnv; where: string } {
  const env = new NameEnv(columnsOf('fee_line', 'f'), rowRefs('fee_line', 'f'), {}, `f."fee_ocur_time"`);
  return { env, where: `${windowSql('f."fee_ocur_time"')} AND ${feeScope(scopeSql(p, env, 'fee_line'))}` };
}

/**
 * From `h0` (hits without details: a key hk, h_items, h_day or NULL, and the subject) to `h`: the
 * charged lines of each hit's items (in its day, or its visit), through the net-positive groups of
 * `d`, as 违规项.
 */
function withDetails(p: Parts): string {
  const { env, where } = feeWhere(p);
  return `hd AS (
  SELECT h0.hk, list(${detail(1, REF_OF.fee_line('f'), FEE_AMOUNT('f'))}) AS h_details
  FROM h0
  JOIN d ON d.d_inst = h0.h_inst AND d.d_mdtrt = h0.h_mdtrt AND list_contains(h0.h_items, d.d_item) AND (h0.h_day IS NULL OR d.d_day = h0.h_day)
  JOIN fee_line AS f ON f."fixmedins_code" = d.d_inst AND f."mdtrt_id" = d.d_mdtrt AND f."med_list_codg" = d.d_item
    AND (d.d_day IS NULL OR CAST(f."fee_ocur_time" AS DATE) = d.d_day)
  ${env.joins()}
  WHERE f."cnt" > 0 AND ${where}
  GROUP BY h0.hk
),
h AS (
  SELECT h0.* EXCLUDE (hk, h_items, h_day), hd.h_details FROM h0 JOIN hd USING (hk)
)`;
}

const itemSpace = (a: string): Map<string, Typed> =>
  new Map<string, Typed>([
    ['item', { sql: `${a}.d_item`, type: 'text' }],
    ['med_list_codg', { sql: `${a}.d_item`, type: 'text' }],
    ['item_name', { sql: `${a}.d_name`, type: 'text' }],
    ['fee_day', { sql: `${a}.d_day`, type: 'date' }],
    ['cnt', { sql: `${a}.d_cnt`, type: 'number' }],
    ['amount', { sql: `${a}.d_amt`, type: 'number' }],
  ]);

/** Co-occurrence: items `a` and `b` in the same visit (and day); one hit per visit, pair (and day). */
export function pair(p: Parts & { logic: Kind<'pair'> }): string {
  const byDay = p.logic.within === 'day';
  const totals = itemTotals(p, true);
  const top = new Map<string, Typed>([
    ['fixmedins_code', { sql: 'a.d_inst', type: 'text' }],
    ['mdtrt_id', { sql: 'a.d_mdtrt', type: 'text' }],
    ['psn_no', { sql: 'a.d_psn', type: 'text' }],
    ['med_type_class', { sql: 'a.d_class', type: 'text' }],
  ]);
  const env = new NameEnv(
    top,
    { person: 'a.d_psn', inst: 'a.d_inst', visit: ['a.d_inst', 'a.d_mdtrt'] },
    { a: itemSpace('a'), b: itemSpace('b') },
  );
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, 'least(a.d_amt, b.d_amt)');
  const proj = new Projector();
  const lifted = new LiftedEnv(new Map([['amount', { sql: 'sum(m.k_amt)', type: 'number' }]]), env, proj, 'm');
  const cont = template(p, lifted, (t) => t.sql);
  const evidence = evidenceSql(p, lifted, (t) => t.sql);
  return `${totals},
m AS (
  SELECT a.d_inst AS k_inst, a.d_mdtrt AS k_mdtrt, a.d_psn AS k_psn, a.d_item AS k_a, b.d_item AS k_b, a.d_day AS k_day,
    least(a.d_t, b.d_t) AS k_t, coalesce(a.d_dr, b.d_dr) AS k_dr, ${amount} AS k_amt${proj.select()}
  FROM d AS a
  JOIN d AS b ON b.d_inst = a.d_inst AND b.d_mdtrt = a.d_mdtrt AND a.d_item < b.d_item${byDay ? ' AND b.d_day = a.d_day' : ''}
  ${env.joins()}
  ${p.ctx.listJoins()}
  WHERE ${cond}
),
h0 AS (
  SELECT row_number() OVER () AS hk, [m.k_a, m.k_b] AS h_items, ${byDay ? 'm.k_day' : 'CAST(NULL AS DATE)'} AS h_day,
    m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) AS h_dr, sum(m.k_amt) AS h_amt,
    ${cont} AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, ${evidence} AS h_evidence
  FROM m
  GROUP BY m.k_inst, m.k_mdtrt, m.k_a, m.k_b${byDay ? ', m.k_day' : ''}
),
${withDetails(p)}`;
}

/** Quantity per period: the net quantity of an item in a visit (or one day of it) against a limit. */
export function quantity(p: Parts & { logic: Kind<'quantity'> }): string {
  const byDay = p.logic.per === 'day';
  const own = itemSpace('d');
  own.delete('cnt');
  own.set('quantity', { sql: 'd.d_cnt', type: 'number' });
  own.set('lines', { sql: 'd.d_lines', type: 'number' });
  own.set('fixmedins_code', { sql: 'd.d_inst', type: 'text' });
  own.set('mdtrt_id', { sql: 'd.d_mdtrt', type: 'text' });
  own.set('psn_no', { sql: 'd.d_psn', type: 'text' });
  own.set('med_type_class', { sql: 'd.d_class', type: 'text' });
  if (!byDay) own.delete('fee_day');
  const env = new NameEnv(own, { person: 'd.d_psn', inst: 'd.d_inst', visit: ['d.d_inst', 'd.d_mdtrt'] });
  const totals = itemTotals(p, byDay);
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, 'd.d_amt');
  const cont = template(p, env, (t) => t.sql);
  const evidence = evidenceSql(p, env, (t) => t.sql);
  return `${totals},
h0 AS (
  SELECT row_number() OVER () AS hk, [d.d_item] AS h_items, d.d_day AS h_day,
    d.d_inst AS h_inst, d.d_psn AS h_psn, d.d_mdtrt AS h_mdtrt, d.d_dr AS h_dr, ${amount} AS h_amt, ${cont} AS h_cont,
    CAST(d.d_t AS DATE) AS h_on, ${evidence} AS h_evidence
  FROM d
  ${env.joins()}
  ${p.ctx.listJoins()}
  WHERE ${cond}
),
${withDetails(p)}`;
}
