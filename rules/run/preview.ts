import type { DuckDBConnection } from '@duckdb/node-api';
import type { CompiledRule } from '../engine/compile.js';
import type { Knowledge } from '../knowledge.js';
import { evaluate, type Window } from './detect.js';
import { loadLists } from './knowledge.js';

/** `rules preview`: what a rule would find on the current data, without writing hits. */
export interface Preview {
  readonly hits: number;
  readonly amount: string;
  readonly byMonth: readonly { month: string; hits: number; amount: string }[];
  readonly topSubjects: readonly { fixmedins_code: string; hits: number; amount: string }[];
}

export async function preview(
  conn: DuckDBConnection,
  c: CompiledRule,
  knowledge: Knowledge,
  window: Window = {},
  top = 10,
): Promise<Preview> {
  await loadLists(conn, knowledge, c.knowledge);
  const hits = await evaluate(conn, c, window, 'rule_preview');
  const total = await conn.runAndReadAll(`SELECT CAST(coalesce(sum(vola_amt), 0) AS VARCHAR) FROM rule_preview`);
  const months = await conn.runAndReadAll(
    `SELECT strftime(occurred_on, '%Y-%m') AS m, count(*), CAST(sum(vola_amt) AS VARCHAR) FROM rule_preview GROUP BY m ORDER BY m`,
  );
  const subjects = await conn.runAndReadAll(
    `SELECT fixmedins_code, count(*) AS n, CAST(sum(vola_amt) AS VARCHAR) FROM rule_preview GROUP BY fixmedins_code
     ORDER BY n DESC, sum(vola_amt) DESC, fixmedins_code LIMIT $top`,
    { top },
  );
  await conn.run('DROP TABLE rule_preview');
  return {
    hits,
    amount: String(total.getRows()[0]?.[0] ?? '0'),
    byMonth: months.getRows().map((r) => ({ month: String(r[0]), hits: Number(r[1]), amount: String(r[2]) })),
    topSubjects: subjects.getRows().map((r) => ({ fixmedins_code: String(r[0]), hits: Number(r[1]), amount: String(r[2]) })),
  };
}
