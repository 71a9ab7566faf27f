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

/** The archetype over single fee lines (`line`), and the list semi-join the fee-line archetypes share (`totals.ts` has `pair` and `quantity`). */

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
export const feeScope = (scope: string) => (scope === 'true' ? scope : `(f."cnt" < 0 OR (${scope}))`);

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
export const listedWhere = (p: Parts, a: string): string => {
  const required = requiredItemLists(p.rule.logic);
  const all = (side: string) => listedSide(required, side, a);
  const own = all('');
  const sides = required.has('a') && required.has('b') ? `((${all('a')}) OR (${all('b')}))` : '';
  return [own, sides].filter(Boolean).join(' AND ');
};

/**
 * A shared scan: a rule of the fee-line archetypes whose condition requires listed items starts
 * from `FROM fee_line AS <alias>` filtered by `where` (its list semi-join). `detect` reads the lines
 * of every such rule's lists once into a temporary table and points each rule's `from` at it; each
 * rule still applies its own `where`, so its hits are the same.
 */
export interface SharedScan {
  /** The rule's list semi-join over alias `fl0`. */
  readonly where: string;
  /** The text in the rule's SQL that reads the fee lines (it occurs exactly once). */
  readonly from: string;
}

export const SCAN_SOURCE = 'fee_line';

export function sharedScan(p: Parts, sql: string): SharedScan | undefined {
  const kind = p.rule.logic.kind;
  if (kind !== 'line' && kind !== 'pair' && kind !== 'quantity') return undefined;
  const where = listedWhere(p, 'fl0');
  if (!where) return undefined;
  const from = kind === 'line' ? `FROM ${SCAN_SOURCE} AS fl0 WHERE` : `FROM ${SCAN_SOURCE} AS f\n`;
  return sql.split(from).length === 2 ? { where, from } : undefined;
}

function listedSide(required: Map<string, { list: string; column: string }[]>, side: string, a: string): string {
  return (required.get(side) ?? [])
    .map(({ list, column }) => {
      const spec = LISTS[list] as ListSpec;
      return `${matchKey(spec.matching, `${a}."med_list_codg"`)} IN (SELECT "${column}" FROM ${spec.sqlName})`;
    })
    .join(' AND ');
}

/**
 * For a `related` rule over fee lines: the lists its condition requires of the `a` row's item
 * (`a.med_list_codg in list L`, through `and`), as a semi-join on `a` ('' when none). Without it
 * every fee line of the window would meet every other line of its person within the window.
 */
export const listedA = (p: Parts, a: string): string => listedSide(requiredItemLists(p.rule.logic), 'a', a);

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
