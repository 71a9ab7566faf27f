import { LIVE_ROWS, REF_OF, SETTING_CLASSES, SOURCES, TIME_OF, type SourceName } from './columns.js';
import { columnsOf, NameEnv, type RefKeys } from './env.js';
import type { Logic, Rule } from './schema.js';
import { parseExpr, type Expr } from './expr.js';
import { LISTS } from './lists.js';
import type { Ctx, Env, Typed, YamlPath } from './sql.js';
import { compileTemplate } from './template.js';

/**
 * The five archetypes, each one set-based query over the whole window. Every archetype ends in a
 * CTE `h` with one row per hit: h_inst, h_psn, h_mdtrt, h_dr (subject), h_amt, h_cont (vola_cont),
 * h_on (date of the earliest fact), h_evidence (JSON), h_details (list of {vola_item_type, ref,
 * amount}); `compile.ts` adds the jr_id and the final shape.
 */

type Kind<K extends Logic['kind']> = Extract<Logic, { kind: K }>;

/** Row-level values lifted to the group level by name (`any_value(m._x3)`). */
class Projector {
  readonly cols: string[] = [];
  add(sql: string): string {
    const name = `_x${this.cols.length}`;
    this.cols.push(`${sql} AS ${name}`);
    return name;
  }
  select(): string {
    return this.cols.map((c) => `,\n    ${c}`).join('');
  }
}

/** An env whose own names come first, then a row env's names lifted through `any_value`. */
class LiftedEnv implements Env {
  constructor(
    private readonly own: ReadonlyMap<string, Typed>,
    private readonly row: Env,
    private readonly proj: Projector,
    private readonly from: string,
  ) {}
  known = () => [...this.own.keys(), ...this.row.known()];
  resolve(path: readonly string[]): Typed | undefined {
    if (path.length === 1) {
      const o = this.own.get(path[0] as string);
      if (o) return o;
    }
    const r = this.row.resolve(path);
    return r && this.lift(r);
  }
  lift = (r: Typed): Typed => ({ sql: `any_value(${this.from}.${this.proj.add(r.sql)})`, type: r.type });
}

export interface Parts {
  readonly ctx: Ctx;
  readonly rule: Rule;
}

/** `--since` / `--until` (inclusive days), both optional. */
export const windowSql = (t: string) =>
  `(CAST($since AS DATE) IS NULL OR ${t} >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR ${t} < CAST($until AS DATE) + INTERVAL 1 DAY)`;

/** The rule's scope as SQL over a row env (which joins the reference views it names). */
function scopeSql({ ctx, rule }: Parts, env: Env, source: SourceName): string {
  const s = rule.scope;
  const out: string[] = [];
  const list = (vals: readonly string[]) => vals.map((v) => `CAST(${ctx.params.add(v)} AS VARCHAR)`).join(', ');
  const col = (p: string[]) => env.resolve(p)?.sql;
  const hasClass = SOURCES[source].has('med_type_class');
  if (s.settings) {
    if (!hasClass)
      ctx.issue('scope-not-applicable', ['scope', 'settings'], undefined, `来源 ${source} 没有医疗类别, 应用场景不起作用`, '删除 scope.settings', 'warning');
    else {
      const classes = s.settings.flatMap((x) => (x === 'remote' ? [] : SETTING_CLASSES[x]));
      const ors = classes.length ? [`${col(['med_type_class'])} IN (${list(classes)})`] : [];
      if (s.settings.includes('remote')) ors.push(col(['remote']) as string);
      out.push(`(${ors.join(' OR ')})`);
    }
  }
  if (s.med_type_classes) {
    if (hasClass) out.push(`${col(['med_type_class'])} IN (${list(s.med_type_classes)})`);
    else ctx.issue('scope-not-applicable', ['scope', 'med_type_classes'], undefined, `来源 ${source} 没有医疗类别`, '删除 scope.med_type_classes', 'warning');
  }
  if (s.hosp_levels) {
    const lv = col(['inst', 'hosp_lv']);
    if (lv) out.push(`${lv} IN (${list(s.hosp_levels)})`);
  }
  if (s.insutypes) {
    const it = col(['person', 'insutype']);
    if (it) out.push(`${it} IN (${list(s.insutypes)})`);
  }
  return out.length ? out.join(' AND ') : 'true';
}

function conditionSql(p: Parts, env: Env): string {
  const logic = p.rule.logic;
  p.ctx.registerLists(
    Object.entries(logic.conditions).map(([name, text]) => ({ text, path: ['logic', 'conditions', name] })),
    env,
  );
  const e = p.ctx.parse(logic.condition, ['logic', 'condition']);
  const sql = e ? p.ctx.bool(e, env, ['logic', 'condition']) : 'false';
  for (const name of Object.keys(logic.conditions))
    if (!p.ctx.usedConditions.has(name))
      p.ctx.issue('unused-condition', ['logic', 'conditions', name], undefined, `命名条件 ${name} 没有被 condition 用到`, '在 condition 中引用它, 或删除', 'warning');
  return sql;
}

function exprOr(p: Parts, text: string | undefined, path: YamlPath, env: Env, fallback: string): string {
  if (text === undefined) return fallback;
  const e = p.ctx.parse(text, path);
  if (!e) return 'NULL';
  const t = p.ctx.expr(e, env, path);
  if (t.type !== 'number' && t.type !== 'any')
    p.ctx.issue('type-mismatch', path, e.at, '违规金额必须是数值', '例如 coalesce(inscp_amt, det_item_fee_sumamt)');
  return t.sql;
}

function evidenceSql(p: Parts, env: Env, place: (t: Typed) => string): string {
  if (!p.rule.evidence.length) return 'CAST(NULL AS JSON)';
  const args = p.rule.evidence.flatMap((text, i) => {
    const e = p.ctx.parse(text, ['evidence', i]);
    if (!e) return [];
    return [`CAST(${p.ctx.params.add(text)} AS VARCHAR)`, place(p.ctx.expr(e, env, ['evidence', i]))];
  });
  return args.length ? `json_object(${args.join(', ')})` : 'CAST(NULL AS JSON)';
}

const template = (p: Parts, env: Env, place: (t: Typed) => string) => compileTemplate(p.ctx, p.rule.vola_cont, ['vola_cont'], env, place);

const FEE_AMOUNT = (a: string) => `coalesce(${a}."inscp_amt", ${a}."det_item_fee_sumamt")`;
const feeRefs = (a: string): RefKeys => ({
  person: `${a}."psn_no"`,
  inst: `${a}."fixmedins_code"`,
  catalog: `${a}."med_list_codg"`,
  visit: [`${a}."fixmedins_code"`, `${a}."mdtrt_id"`],
});
const detail = (type: 1 | 2, ref: string, amount: string) => `{'vola_item_type': ${type}, 'ref': ${ref}, 'amount': CAST(${amount} AS DECIMAL(16,2))}`;

/**
 * Lists the rule cannot hit without: `x in list L` lookups reached from `condition` through `and`
 * only. Their key columns that name the fee line's item let the first step keep only the lines of
 * listed items (a semi-join) instead of totalling every line of the window: the one optimisation
 * that makes pair and quantity rules scale with the list, not with the data.
 */
function requiredItemLists(logic: Logic): { list: string; column: string }[] {
  const out: { list: string; column: string }[] = [];
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
        const name = part.t === 'ref' ? part.path[part.path.length - 1] : undefined;
        const column = (LISTS[e.list] as { key: readonly string[] }).key[i];
        if ((name === 'item' || name === 'med_list_codg') && column) out.push({ list: e.list, column });
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
 * city: 4 s of a 7 s rule went into joining every line to insured before filtering).
 */
function feeLines(p: Parts): { cte: string; from: string } {
  const where = listedWhere(p, 'fl0');
  return where ? { cte: `fl AS MATERIALIZED (\n  SELECT * FROM fee_line AS fl0 WHERE ${where}\n),\n`, from: 'fl' } : { cte: '', from: 'fee_line' };
}

/** `a.med_list_codg IN (SELECT … FROM k_…)` for each required list keyed on the item ('' when none). */
const listedWhere = (p: Parts, a: string): string =>
  requiredItemLists(p.rule.logic)
    .map(({ list, column }) => `${a}."med_list_codg" IN (SELECT "${column}" FROM ${(LISTS[list] as { sqlName: string }).sqlName})`)
    .join(' AND ');

/** Per-line limit: matching fee lines, one hit per visit and item, net of reversals. */
export function line(p: Parts & { logic: Kind<'line'> }): string {
  const env = new NameEnv(columnsOf('fee_line', 'f'), feeRefs('f'), {}, `f."fee_ocur_time"`);
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
 * items still charged after reversals count.
 */
function itemTotals(p: Parts, byDay: boolean): string {
  const env = new NameEnv(columnsOf('fee_line', 'f'), feeRefs('f'), {}, `f."fee_ocur_time"`);
  const scope = scopeSql(p, env, 'fee_line');
  // Totalling reads few columns: an inline semi-join is cheaper here than materialising whole lines.
  const listed = listedWhere(p, 'f');
  const day = byDay ? `, CAST(f."fee_ocur_time" AS DATE)` : '';
  return `d AS (
  SELECT f."fixmedins_code" AS d_inst, f."mdtrt_id" AS d_mdtrt, f."med_list_codg" AS d_item, ${byDay ? 'CAST(f."fee_ocur_time" AS DATE)' : 'CAST(NULL AS DATE)'} AS d_day,
    any_value(f."psn_no") AS d_psn, any_value(f."med_type_class") AS d_class, any_value(d_cat."name") AS d_name,
    sum(f."cnt") AS d_cnt, sum(${FEE_AMOUNT('f')}) AS d_amt, count(*) FILTER (WHERE f."cnt" > 0) AS d_lines,
    min(f."fee_ocur_time") AS d_t, min(f."bilg_dr_codg") FILTER (WHERE f."cnt" > 0) AS d_dr,
    list(${detail(1, REF_OF.fee_line('f'), FEE_AMOUNT('f'))}) FILTER (WHERE f."cnt" > 0) AS d_details
  FROM fee_line AS f
  LEFT JOIN catalog AS d_cat ON d_cat."med_list_codg" = f."med_list_codg"
  ${env.joins()}
  WHERE ${windowSql('f."fee_ocur_time"')} AND ${feeScope(scope)}${listed ? ` AND ${listed}` : ''}
  GROUP BY f."fixmedins_code", f."mdtrt_id", f."med_list_codg"${day}
  HAVING sum(f."cnt") > 0
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
  const env = new NameEnv(top, { person: 'a.d_psn', inst: 'a.d_inst', visit: ['a.d_inst', 'a.d_mdtrt'] }, { a: itemSpace('a'), b: itemSpace('b') });
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, 'least(a.d_amt, b.d_amt)');
  const proj = new Projector();
  const lifted = new LiftedEnv(new Map([['amount', { sql: 'sum(m.k_amt)', type: 'number' }]]), env, proj, 'm');
  const cont = template(p, lifted, (t) => t.sql);
  const evidence = evidenceSql(p, lifted, (t) => t.sql);
  return `${totals},
m AS (
  SELECT a.d_inst AS k_inst, a.d_mdtrt AS k_mdtrt, a.d_psn AS k_psn, a.d_item AS k_a, b.d_item AS k_b, a.d_day AS k_day,
    least(a.d_t, b.d_t) AS k_t, coalesce(a.d_dr, b.d_dr) AS k_dr, ${amount} AS k_amt,
    list_concat(a.d_details, b.d_details) AS k_details${proj.select()}
  FROM d AS a
  JOIN d AS b ON b.d_inst = a.d_inst AND b.d_mdtrt = a.d_mdtrt AND a.d_item < b.d_item${byDay ? ' AND b.d_day = a.d_day' : ''}
  ${env.joins()}
  ${p.ctx.listJoins()}
  WHERE ${cond}
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) AS h_dr, sum(m.k_amt) AS h_amt,
    ${cont} AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, ${evidence} AS h_evidence, list_distinct(flatten(list(m.k_details))) AS h_details
  FROM m
  GROUP BY m.k_inst, m.k_mdtrt, m.k_a, m.k_b${byDay ? ', m.k_day' : ''}
)`;
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
h AS (
  SELECT d.d_inst AS h_inst, d.d_psn AS h_psn, d.d_mdtrt AS h_mdtrt, d.d_dr AS h_dr, ${amount} AS h_amt, ${cont} AS h_cont,
    CAST(d.d_t AS DATE) AS h_on, ${evidence} AS h_evidence, d.d_details AS h_details
  FROM d
  ${env.joins()}
  ${p.ctx.listJoins()}
  WHERE ${cond}
)`;
}

/** Interval since the previous row of the same partition (rolling, over all history; hits only in the window). */
export function interval(p: Parts & { logic: Kind<'interval'> }): string {
  const { ctx, logic } = p;
  const base = new NameEnv(columnsOf('visit', 'v'), { person: 'v."psn_no"', inst: 'v."fixmedins_code"' }, {}, 'v."begntime"');
  const scope = scopeSql(p, base, 'visit');
  const plainCol = (name: string, path: YamlPath): string => {
    const c = SOURCES.visit.get(name);
    if (!c) {
      ctx.issue('unknown-column', path, 0, `未知的列 ${name}`, `就诊 (visit) 的列: ${[...SOURCES.visit.keys()].slice(0, 16).join(', ')} …`);
      return 'NULL';
    }
    return c.sql('v');
  };
  const part = logic.partition_by.map((c, i) => plainCol(c, ['logic', 'partition_by', i])).join(', ');
  const order = plainCol(logic.order_by, ['logic', 'order_by']);
  const lag = new Projector();
  // `prev.<column>` is resolved lazily: only the previous columns a rule names are computed (lag).
  const prevSpace: ReadonlyMap<string, Typed> = {
    get: (name: string) => {
      const c = SOURCES.visit.get(name);
      return c && { sql: `s.${lag.add(`lag(${c.sql('v')}) OVER w`)}`, type: c.type };
    },
    has: (name: string) => SOURCES.visit.has(name),
  } as unknown as ReadonlyMap<string, Typed>;
  const own = columnsOf('visit', 's');
  own.set('gap_hours', { sql: `(epoch(s."begntime") - epoch(s._prev_end)) / 3600.0`, type: 'number' });
  own.set('gap_days', { sql: `(epoch(s."begntime") - epoch(s._prev_end)) / 86400.0`, type: 'number' });
  const env = new NameEnv(own, { person: 's."psn_no"', inst: 's."fixmedins_code"' }, { prev: prevSpace }, 's."begntime"');
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, SOURCES.visit.get('fee_amt')?.sql('s') as string);
  const cont = template(p, env, (t) => t.sql);
  const evidence = evidenceSql(p, env, (t) => t.sql);
  return `s AS (
  SELECT v.*, lag(v."endtime") OVER w AS _prev_end, lag(v."fixmedins_code") OVER w AS _prev_inst, lag(v."mdtrt_id") OVER w AS _prev_mdtrt${lag.select()}
  FROM visit AS v
  ${base.joins()}
  WHERE ${scope}
  WINDOW w AS (PARTITION BY ${part} ORDER BY ${order}, v."fixmedins_code", v."mdtrt_id")
),
h AS (
  SELECT s."fixmedins_code" AS h_inst, s."psn_no" AS h_psn, s."mdtrt_id" AS h_mdtrt, s."atddr_no" AS h_dr, ${amount} AS h_amt,
    ${cont} AS h_cont, CAST(s."begntime" AS DATE) AS h_on, ${evidence} AS h_evidence,
    list_concat([${detail(1, REF_OF.visit('s'), amount)}],
      CASE WHEN s._prev_inst IS NULL THEN [] ELSE [${detail(2, `'visit:' || s._prev_inst || ':' || s._prev_mdtrt`, 'NULL')}] END) AS h_details
  FROM s
  ${env.joins()}
  ${ctx.listJoins()}
  WHERE ${windowSql('s."begntime"')} AND ${cond}
)`;
}

/** Aggregates over groups of source rows (per calendar window), against a threshold. */
export function aggregate(p: Parts & { logic: Kind<'aggregate'> }): string {
  const { ctx, logic } = p;
  const source = logic.source;
  const cols = columnsOf(source, 'src');
  const refs: RefKeys = {
    ...(cols.has('psn_no') ? { person: 'src."psn_no"' } : {}),
    inst: 'src."fixmedins_code"',
    ...(cols.has('med_list_codg') ? { catalog: 'src."med_list_codg"' } : {}),
  };
  const time = cols.get(TIME_OF[source])?.sql as string;
  const row = new NameEnv(cols, refs, {}, time);
  const scope = scopeSql(p, row, source);
  const groupOut = new Map<string, Typed>();
  const groupSel: string[] = [];
  logic.group_by.forEach((name, i) => {
    const c = cols.get(name);
    if (!c) {
      ctx.issue('unknown-column', ['logic', 'group_by', i], 0, `未知的列 ${name}`, `${source} 的列: ${[...cols.keys()].slice(0, 16).join(', ')} …`);
      return;
    }
    groupSel.push(`${c.sql} AS g_${i}`);
    groupOut.set(name, { sql: `g.g_${i}`, type: c.type });
  });
  if (logic.window !== 'all') {
    groupSel.push(`date_trunc('${logic.window === 'day' ? 'day' : 'month'}', ${time}) AS g_period`);
    groupOut.set('period', { sql: 'g.g_period', type: 'time' });
  }
  const measures: string[] = [];
  for (const [name, m] of Object.entries(logic.measures)) {
    const path = ['logic', 'measures', name];
    if (groupOut.has(name)) ctx.issue('duplicate-name', path, undefined, `度量 ${name} 与分组列同名`, '给度量换个名字');
    const where = m.where ? ctx.parse(m.where, [...path, 'where']) : undefined;
    const filter = where ? ` FILTER (WHERE ${ctx.bool(where, row, [...path, 'where'])})` : '';
    const ofE = m.of ? ctx.parse(m.of, [...path, 'of']) : undefined;
    const of = ofE ? ctx.expr(ofE, row, [...path, 'of']).sql : undefined;
    if (m.agg !== 'count' && of === undefined) ctx.issue('missing-field', path, undefined, `度量 ${name} (${m.agg}) 需要 of`, '写明被汇总的列, 如 of: sel_retn_cnt');
    const by = m.by ? cols.get(m.by)?.sql : undefined;
    if ((m.agg === 'earliest' || m.agg === 'latest') && by === undefined)
      ctx.issue('missing-field', path, undefined, `度量 ${name} (${m.agg}) 需要 by: 排序的列`, '如 by: invdate');
    const sql =
      m.agg === 'sum'
        ? `coalesce(sum(${of})${filter}, 0)`
        : m.agg === 'count'
          ? `count(*)${filter}`
          : m.agg === 'count_distinct'
            ? `count(DISTINCT ${of})${filter}`
            : m.agg === 'earliest'
              ? `arg_min(${of}, ${by})${filter}`
              : m.agg === 'latest'
                ? `arg_max(${of}, ${by})${filter}`
                : `${m.agg}(${of})${filter}`;
    measures.push(`${sql} AS "m_${name}"`);
    groupOut.set(name, { sql: `g."m_${name}"`, type: 'number' });
  }
  const itemsE = logic.items ? ctx.parse(logic.items, ['logic', 'items']) : undefined;
  const items = itemsE ? ` FILTER (WHERE ${ctx.bool(itemsE, row, ['logic', 'items'])})` : '';
  const gRefs: RefKeys = {
    ...(groupOut.has('psn_no') ? { person: (groupOut.get('psn_no') as Typed).sql } : {}),
    ...(groupOut.has('fixmedins_code') ? { inst: (groupOut.get('fixmedins_code') as Typed).sql } : {}),
    ...(groupOut.has('med_list_codg') ? { catalog: (groupOut.get('med_list_codg') as Typed).sql } : {}),
  };
  const env = new NameEnv(groupOut, gRefs);
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, '0');
  const cont = template(p, env, (t) => t.sql);
  const evidence = evidenceSql(p, env, (t) => t.sql);
  const subject = (name: string) => groupOut.get(name)?.sql ?? `''`;
  const live = LIVE_ROWS[source];
  return `g AS (
  SELECT ${[...groupSel, ...measures].join(', ')}, min(${time}) AS g_t,
    list(${detail(1, REF_OF[source]('src'), 'NULL')})${items} AS g_details
  FROM ${source} AS src
  ${row.joins()}
  WHERE ${live ? `${live('src')} AND ` : ''}${windowSql(time)} AND ${scope}
  GROUP BY ALL
),
h AS (
  SELECT ${subject('fixmedins_code')} AS h_inst, ${subject('psn_no')} AS h_psn, ${subject('mdtrt_id')} AS h_mdtrt, '' AS h_dr, ${amount} AS h_amt,
    ${cont} AS h_cont, CAST(g.g_t AS DATE) AS h_on, ${evidence} AS h_evidence, g.g_details AS h_details
  FROM g
  ${env.joins()}
  ${ctx.listJoins()}
  WHERE ${cond}
)`;
}
