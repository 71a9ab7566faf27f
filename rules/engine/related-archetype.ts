import {
  FEE_AMOUNT,
  conditionSql,
  detail,
  evidenceSql,
  exprOr,
  measureSql,
  scopeSql,
  template,
  windowSql,
  type Kind,
  type Parts,
} from './archetype-parts.js';
import { LIVE_ROWS, REF_OF, SOURCES, TIME_OF, type SourceName, type Typed } from './columns.js';
import { columnsOf, NameEnv, RefSpace, rowRefs } from './env.js';
import { walk, type Expr } from './expr.js';
import { listedA } from './fee-archetypes.js';

/**
 * The `related` archetype: per-person history across visits and institutions. Each row `a` of the
 * rule's source meets the rows `b` of `with` that share its person (or institution) and lie within
 * `within_days` of it; for a visit the span is its stay (admission to discharge). `relate` filters
 * the pairs, the measures total the related rows, and the condition reads `a.`, the measures and
 * `related`. One set-based query: a and b are joined on the key and the widened time span, so
 * a person's rows far apart in time are never paired.
 */

/**
 * The time span of a source row: a stay from admission to discharge, any other row its own time. A
 * stay not yet discharged is still going on: its span is open (it meets every later row).
 */
function span(source: SourceName, alias: string): { start: string; end: string } {
  const time = SOURCES[source].get(TIME_OF[source])?.sql(alias) as string;
  if (source === 'visit') return { start: `${alias}."begntime"`, end: `coalesce(${alias}."endtime", TIMESTAMP '9999-12-31')` };
  return { start: time, end: time };
}

/**
 * How `relate` runs: its top-level conjuncts `a.x = b.y` between two plain columns become join keys
 * (a hash join on person and item, not a person's every row), those that read only `b.` filter the
 * `with` rows before the join, and the rest is checked on the joined pairs. The same rows relate.
 */
function planRelate(e: Expr | undefined, a: SourceName, b: SourceName): { keys: [string, string][]; bOnly: Expr[]; rest: Expr[] } {
  const out = { keys: [] as [string, string][], bOnly: [] as Expr[], rest: [] as Expr[] };
  const conjuncts = (x: Expr): Expr[] => (x.t === 'binary' && x.op === 'and' ? [...conjuncts(x.left), ...conjuncts(x.right)] : [x]);
  const column = (x: Expr, side: 'a' | 'b'): string | undefined => {
    const src = side === 'a' ? a : b;
    return x.t === 'ref' && x.path.length === 2 && x.path[0] === side && PLAIN[src].has(x.path[1] as string) ? x.path[1] : undefined;
  };
  for (const c of e ? conjuncts(e) : []) {
    if (c.t === 'binary' && c.op === '=') {
      const ab = [column(c.left, 'a'), column(c.right, 'b')];
      const ba = [column(c.right, 'a'), column(c.left, 'b')];
      const pair = ab[0] && ab[1] ? ab : ba[0] && ba[1] ? ba : undefined;
      if (pair) {
        out.keys.push([pair[0] as string, pair[1] as string]);
        continue;
      }
    }
    const heads = new Set<string>();
    walk(c, (n) => {
      if (n.t === 'ref' && n.path.length > 1) heads.add(n.path[0] as string);
    });
    (heads.size === 1 && heads.has('b') ? out.bOnly : out.rest).push(c);
  }
  return out;
}

/** The stored (not derived) columns of each source: only these can be join keys. */
const PLAIN: Readonly<Record<SourceName, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(SOURCES).map(([name, cols]) => [
    name,
    new Set(
      [...(cols as ReadonlyMap<string, { sql: (a: string) => string; name: string }>).values()]
        .filter((c) => c.sql('x') === `x."${c.name}"`)
        .map((c) => c.name),
    ),
  ]),
) as unknown as Record<SourceName, ReadonlySet<string>>;

/** What a related row's amount is when the rule does not say: a visit's fee, a fee line's, else nothing. */
function defaultAmount(source: SourceName): string {
  if (source === 'visit') return SOURCES.visit.get('fee_amt')?.sql('a0') as string;
  if (source === 'fee_line') return FEE_AMOUNT('a0');
  if (source === 'settlement') return 'a0."medfee_sumamt"';
  return '0';
}

export function related(p: Parts & { logic: Kind<'related'> }): string {
  const { ctx, logic } = p;
  const a = logic.source;
  const b = logic.with;
  const key = logic.match === 'person' ? 'psn_no' : 'fixmedins_code';
  for (const [side, src] of [
    ['source', a],
    ['with', b],
  ] as const)
    if (!SOURCES[src].has(key))
      ctx.issue(
        'unknown-column',
        ['logic', side],
        undefined,
        `${src} 没有 ${key}, 不能按${logic.match === 'person' ? '参保人' : '机构'}关联`,
        '换一个来源',
      );
  // The a rows: the rule's window and scope, as every archetype reads its source, and for fee
  // lines only those of the items the condition requires a list entry for.
  const base = new NameEnv(columnsOf(a, 'a0'), rowRefs(a, 'a0'), {}, span(a, 'a0').start);
  const scope = scopeSql(p, base, a);
  const listed = a === 'fee_line' ? listedA(p, 'a0') : '';
  const liveA = LIVE_ROWS[a];
  const liveB = LIVE_ROWS[b];
  const sa = span(a, 'ra');
  const sb = span(b, 'rb');
  // Pairs: a and b with their columns under a. and b.; the rows compared are never the same row.
  // The institution of each side (`a_inst.admdvs`, `b_inst.hosp_lv`), joined when read.
  const insts = {
    a_inst: new RefSpace('inst', 'ra_inst', 'ra."fixmedins_code"'),
    b_inst: new RefSpace('inst', 'rb_inst', 'rb."fixmedins_code"'),
  };
  const pairEnv = new NameEnv(new Map(), {}, { a: columnsOf(a, 'ra'), b: columnsOf(b, 'rb'), ...insts });
  const relE = logic.relate ? ctx.parse(logic.relate, ['logic', 'relate']) : undefined;
  const plan = planRelate(relE, a, b);
  const relPath = ['logic', 'relate'];
  const joinKeys = plan.keys.map(([ca, cb]) => ` AND rb."${cb}" = ra."${ca}"`).join('');
  const bFilter = plan.bOnly.map((e) => ctx.bool(e, pairEnv, relPath));
  const rest = plan.rest.map((e) => ctx.bool(e, pairEnv, relPath));
  const relate = rest.length ? rest.join(' AND ') : 'true';
  const bRows = [liveB ? liveB('rb') : undefined, ...bFilter].filter((x) => x !== undefined);
  const measures: string[] = [];
  const own = new Map<string, Typed>([['related', { sql: 'coalesce(g.m_related, 0)', type: 'number' }]]);
  for (const [name, m] of Object.entries(logic.measures)) {
    const path = ['logic', 'measures', name];
    measures.push(`${measureSql(ctx, m, pairEnv, (c) => SOURCES[b].get(c)?.sql('rb'), path)} AS "m_${name}"`);
    // A measure of no related row is what its aggregate gives for none: a count 0, a sum 0, a min NULL.
    const none = m.agg === 'count' || m.agg === 'count_distinct' || m.agg === 'sum' ? '0' : 'NULL';
    own.set(name, { sql: `coalesce(g."m_${name}", ${none})`, type: 'number' });
  }
  const env = new NameEnv(own, rowRefs(a, 'a0'), { a: columnsOf(a, 'a0') }, span(a, 'a0').start);
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, defaultAmount(a));
  const cont = template(p, env, (t) => t.sql);
  const evidence = evidenceSql(p, env, (t) => t.sql);
  // Whole calendar days: 0 is the same day (a stay: any day of it), 1 the day before or after too.
  const days = `to_days(${ctx.params.add(logic.within_days)}::INTEGER)`;
  const day = (t: string) => `CAST(${t} AS DATE)`;
  const subject = (col: string) => (SOURCES[a].has(col) ? `a0."${col}"` : `''`);
  // The pairs, built twice: once to measure every a row, once to list the related rows of the hits
  // only (listing them for every a row would build a reference for each of millions of pairs).
  const join = (ra: string) => `FROM ${ra} AS ra
  JOIN ${bRows.length ? `(SELECT * FROM ${b} AS rb WHERE ${bRows.join(' AND ')})` : b} AS rb ON rb."${key}" = ra."${key}"${joinKeys}
    AND ${day(sb.start)} <= ${day(sa.end)} + ${days} AND ${day(sb.end)} >= ${day(sa.start)} - ${days}
  ${insts.a_inst.join()}
  ${insts.b_inst.join()}
  WHERE ${a === b ? `${REF_OF[b]('rb')} <> ra.a_ref AND ` : ''}${relate}
  GROUP BY ra.a_ref`;
  return `a0 AS MATERIALIZED (
  SELECT a0.*, ${REF_OF[a]('a0')} AS a_ref
  FROM ${a} AS a0
  ${base.joins()}
  WHERE ${liveA ? `${liveA('a0')} AND ` : ''}${windowSql(span(a, 'a0').start)} AND ${scope}${listed ? ` AND ${listed}` : ''}
),
g AS (
  SELECT ra.a_ref, count(*) AS m_related${measures.map((m) => `, ${m}`).join('')}
  ${join('a0')}
),
h0 AS MATERIALIZED (
  SELECT a0.a_ref AS h_ref, ${subject('fixmedins_code')} AS h_inst, ${subject('psn_no')} AS h_psn, ${subject('mdtrt_id')} AS h_mdtrt, '' AS h_dr,
    ${amount} AS h_amt, ${cont} AS h_cont, CAST(${span(a, 'a0').start} AS DATE) AS h_on, ${evidence} AS h_evidence
  FROM a0
  LEFT JOIN g ON g.a_ref = a0.a_ref
  ${env.joins()}
  ${ctx.listJoins()}
  WHERE ${cond}
),
r AS (
  SELECT ra.a_ref, list(${REF_OF[b]('rb')}) AS g_refs
  ${join('(SELECT * FROM a0 WHERE a_ref IN (SELECT h_ref FROM h0))')}
),
h AS (
  SELECT h0.* EXCLUDE (h_ref),
    list_concat([${detail(1, 'h0.h_ref', 'h0.h_amt')}], list_transform(list_sort(coalesce(r.g_refs, [])), x -> ${detail(2, 'x', 'NULL')})) AS h_details
  FROM h0
  LEFT JOIN r ON r.a_ref = h0.h_ref
)`;
}
