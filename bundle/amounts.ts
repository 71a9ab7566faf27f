import type { DuckDBConnection } from '@duckdb/node-api';
import { lineSharesSql, SHARE_SQL } from '../cases/index.js';
import { text } from '../store/index.js';

/** One hit's share of one of its 违规项 (offending lines). */
export interface ShareRow {
  readonly jr_id: string;
  readonly rule_id: string;
  readonly ref: string;
  /** The line's own amount as the hit names it (hit_detail.amount), '' when it names none. */
  readonly detail_amount: string;
  readonly vola_amt: string;
  /** This hit's share of the line, 4 decimals. */
  readonly share: string;
}

/** The amount worksheet: every hit's share of every line, the hits without lines, the total. */
export interface Worksheet {
  readonly shares: readonly ShareRow[];
  /** Live hits with no 违规项: each adds its whole vola_amt. */
  readonly unlined: readonly { readonly jr_id: string; readonly rule_id: string; readonly vola_amt: string }[];
  /** Per line the share it counts at (the largest any hit gives it), 4 decimals. */
  readonly counted: ReadonlyMap<string, string>;
  /** The case amount this worksheet adds up to, 2 decimals (as case_file.amount). */
  readonly total: string;
}

// The shares exactly as the case amount takes them (cases/shares.ts); test/bundle.test.ts checks
// the total against case_file.amount on every bundled case.
const SHARES = `
  WITH live AS (
    SELECT h.jr_id, h.rule_id, h.vola_amt FROM case_hit ch JOIN hit h USING (jr_id) WHERE ch.case_id = $id AND NOT h.withdrawn
  ), shares AS (
    ${lineSharesSql('live', ['rule_id'])}
  )
  SELECT jr_id, rule_id, ref, amount, vola_amt, ${SHARE_SQL} AS share
  FROM shares`;

/** The amount worksheet of one case, from its live hits. */
export async function amountWorksheet(conn: DuckDBConnection, caseId: string): Promise<Worksheet> {
  const shares = await conn.runAndReadAll(
    `SELECT jr_id, rule_id, ref, CAST(amount AS VARCHAR), CAST(vola_amt AS VARCHAR), CAST(share AS VARCHAR) FROM (${SHARES}) ORDER BY ref, jr_id`,
    { id: caseId },
  );
  const unlined = await conn.runAndReadAll(
    `SELECT h.jr_id, h.rule_id, CAST(h.vola_amt AS VARCHAR) FROM case_hit ch JOIN hit h USING (jr_id)
     WHERE ch.case_id = $id AND NOT h.withdrawn AND NOT EXISTS (SELECT 1 FROM hit_detail d WHERE d.jr_id = h.jr_id AND d.vola_item_type = 1)
     ORDER BY h.jr_id`,
    { id: caseId },
  );
  const total = await conn.runAndReadAll(
    `SELECT CAST(CAST(round(coalesce(sum(share), 0), 2) AS DECIMAL(16,2)) AS VARCHAR) FROM (
       SELECT max(share) AS share FROM (${SHARES}) GROUP BY ref
       UNION ALL
       SELECT h.vola_amt FROM case_hit ch JOIN hit h USING (jr_id)
       WHERE ch.case_id = $id AND NOT h.withdrawn AND NOT EXISTS (SELECT 1 FROM hit_detail d WHERE d.jr_id = h.jr_id AND d.vola_item_type = 1))`,
    { id: caseId },
  );
  const rows: ShareRow[] = shares.getRows().map((r) => ({
    jr_id: text(r[0]),
    rule_id: text(r[1]),
    ref: text(r[2]),
    detail_amount: text(r[3]),
    vola_amt: text(r[4]),
    share: text(r[5]),
  }));
  const counted = new Map<string, string>();
  for (const s of rows) {
    const was = counted.get(s.ref);
    if (was === undefined || Number(s.share) > Number(was)) counted.set(s.ref, s.share);
  }
  return {
    shares: rows,
    unlined: unlined.getRows().map((r) => ({ jr_id: text(r[0]), rule_id: text(r[1]), vola_amt: text(r[2]) })),
    counted,
    total: text(total.getRows()[0]?.[0]) || '0.00',
  };
}
