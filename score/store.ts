import type { DuckDBConnection } from '@duckdb/node-api';
import { text as str } from '../store/index.js';
import type { Hit } from './hits.js';

/**
 * Hits in the store (tables `hit` and `hit_detail`, migration 0002): the scorecard's thin I/O.
 * Amounts are read as decimal text and turned into numbers only for ranking and display.
 */

/** Every hit not withdrawn, with its details, in jr_id order. */
export async function readHits(conn: DuckDBConnection): Promise<Hit[]> {
  const head = await conn.runAndReadAll(
    `SELECT jr_id, rule_id, rule_version, rule_name, knowledge_version, pattern, sev_deg, vola_cont, vola_evid,
            CAST(vola_amt AS VARCHAR), fixmedins_code, psn_no, mdtrt_id, dr_codg, score
     FROM hit WHERE NOT withdrawn ORDER BY jr_id`,
  );
  const details = await conn.runAndReadAll(
    `SELECT d.jr_id, d.vola_item_type, d.ref, CAST(d.amount AS VARCHAR)
     FROM hit_detail d JOIN hit h USING (jr_id) WHERE NOT h.withdrawn ORDER BY d.jr_id, d.vola_item_type, d.ref`,
  );
  const byId = new Map<string, Hit['details'][number][]>();
  for (const [id, type, ref, amount] of details.getRows()) {
    const list = byId.get(String(id)) ?? [];
    list.push({ vola_item_type: Number(type) === 2 ? 2 : 1, ref: String(ref), amount: amount === null ? null : Number(amount) });
    byId.set(String(id), list);
  }
  return head.getRows().map((r) => ({
    jr_id: str(r[0]),
    rule_id: str(r[1]),
    rule_version: str(r[2]),
    rule_name: str(r[3]),
    knowledge_version: r[4] === null ? null : str(r[4]),
    pattern: str(r[5]),
    sev_deg: r[6] === 'definite' ? 'definite' : 'suspect',
    vola_cont: str(r[7]),
    vola_evid: str(r[8]),
    vola_amt: Number(r[9] ?? 0),
    fixmedins_code: str(r[10]),
    psn_no: str(r[11]),
    mdtrt_id: str(r[12]),
    dr_codg: str(r[13]),
    score: r[14] === null ? null : Number(r[14]),
    details: byId.get(str(r[0])) ?? [],
  }));
}

/**
 * Writes hits (replacing those with the same jr_id, and their details), in one transaction. For
 * tests and for callers that produce hits outside the rule engine.
 */
export async function writeHits(conn: DuckDBConnection, hits: readonly Hit[], detectedAt = '1970-01-01 00:00:00'): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const h of hits) {
      await conn.run('DELETE FROM hit_detail WHERE jr_id = $1', [h.jr_id]);
      await conn.run('DELETE FROM hit WHERE jr_id = $1', [h.jr_id]);
      await conn.run(
        `INSERT INTO hit (jr_id, rule_id, rule_version, rule_name, knowledge_version, pattern, sev_deg, vola_cont, vola_evid, vola_amt,
                          fixmedins_code, psn_no, mdtrt_id, dr_codg, score, detected_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS DECIMAL(16,2)), $11, $12, $13, $14, $15, CAST($16 AS TIMESTAMP))`,
        [
          h.jr_id,
          h.rule_id,
          h.rule_version,
          h.rule_name,
          h.knowledge_version,
          h.pattern,
          h.sev_deg,
          h.vola_cont,
          h.vola_evid,
          h.vola_amt.toFixed(2),
          h.fixmedins_code,
          h.psn_no,
          h.mdtrt_id,
          h.dr_codg,
          h.score,
          detectedAt,
        ],
      );
      for (const d of h.details)
        await conn.run('INSERT INTO hit_detail VALUES ($1, $2, $3, CAST($4 AS DECIMAL(16,2)))', [
          h.jr_id,
          d.vola_item_type,
          d.ref,
          d.amount === null ? null : d.amount.toFixed(2),
        ]);
    }
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}
