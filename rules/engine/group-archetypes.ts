import type { FieldPath } from '../../core/diagnostics/index.js';
import { LIVE_ROWS, REF_OF, SOURCES, TIME_OF } from './columns.js';
import { columnsOf, NameEnv, rowRefs } from './env.js';
import { listedWhere } from './fee-archetypes.js';
import type { Typed } from './columns.js';
import {
  conditionSql,
  detail,
  evidenceSql,
  exprOr,
  measureSql,
  Projector,
  scopeSql,
  template,
  windowSql,
  type Kind,
  type Parts,
} from './archetype-parts.js';

/** The archetypes over visits and groups: `interval` (since the previous row) and `aggregate` (group, window, threshold). */

/** Interval since the previous row of the same partition (rolling, over all history; hits only in the window). */
export function interval(p: Parts & { logic: Kind<'interval'> }): string {
  const { ctx, logic } = p;
  const base = new NameEnv(columnsOf('visit', 'v'), { person: 'v."psn_no"', inst: 'v."fixmedins_code"' }, {}, 'v."begntime"');
  const scope = scopeSql(p, base, 'visit');
  const plainCol = (name: string, path: FieldPath): string => {
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
  const refs = rowRefs(source, 'src', cols);
  const time = cols.get(TIME_OF[source])?.sql as string;
  const row = new NameEnv(cols, refs, {}, time);
  const scope = scopeSql(p, row, source);
  const groupOut = new Map<string, Typed>();
  const groupSel: string[] = [];
  logic.group_by.forEach((name, i) => {
    const c = cols.get(name);
    if (!c) {
      ctx.issue(
        'unknown-column',
        ['logic', 'group_by', i],
        0,
        `未知的列 ${name}`,
        `${source} 的列: ${[...cols.keys()].slice(0, 16).join(', ')} …`,
      );
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
    measures.push(`${measureSql(ctx, m, row, (c) => cols.get(c)?.sql, path)} AS "m_${name}"`);
    groupOut.set(name, { sql: `g."m_${name}"`, type: 'number' });
  }
  const itemsE = logic.items ? ctx.parse(logic.items, ['logic', 'items']) : undefined;
  const items = itemsE ? ` FILTER (WHERE ${ctx.bool(itemsE, row, ['logic', 'items'])})` : '';
  const gRefs = rowRefs(source, 'g', groupOut);
  const env = new NameEnv(groupOut, gRefs);
  const cond = conditionSql(p, env);
  const amount = exprOr(p, p.rule.amount, ['amount'], env, '0');
  const cont = template(p, env, (t) => t.sql);
  const evidence = evidenceSql(p, env, (t) => t.sql);
  const subject = (name: string) => groupOut.get(name)?.sql ?? `''`;
  // A group of one trace code names the box itself (contract §6 `trace:<code>`) before its lines.
  const trace = groupOut.get('drug_trac_codg')?.sql;
  const details = trace ? `list_concat([${detail(1, `'trace:' || ${trace}`, 'NULL')}], g.g_details)` : 'g.g_details';
  const live = LIVE_ROWS[source];
  // Groups of one item of fee lines: the lists the condition requires of that item narrow the lines
  // read (a group's item is each of its lines' item), as the fee-line archetypes do.
  const perItem = logic.group_by.includes('med_list_codg') || logic.group_by.includes('item');
  const listed = source === 'fee_line' && perItem ? listedWhere(p, 'src') : '';
  return `g AS (
  SELECT ${[...groupSel, ...measures].join(', ')}, min(${time}) AS g_t,
    list(${detail(1, REF_OF[source]('src'), 'NULL')})${items} AS g_details
  FROM ${source} AS src
  ${row.joins()}
  WHERE ${live ? `${live('src')} AND ` : ''}${windowSql(time)} AND ${scope}${listed ? ` AND ${listed}` : ''}
  GROUP BY ALL
),
h AS (
  SELECT ${subject('fixmedins_code')} AS h_inst, ${subject('psn_no')} AS h_psn, ${subject('mdtrt_id')} AS h_mdtrt, '' AS h_dr, ${amount} AS h_amt,
    ${cont} AS h_cont, CAST(g.g_t AS DATE) AS h_on, ${evidence} AS h_evidence, ${details} AS h_details
  FROM g
  ${env.joins()}
  ${ctx.listJoins()}
  WHERE ${cond}
)`;
}
