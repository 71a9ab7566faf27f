import type { DuckDBConnection } from '@duckdb/node-api';
import { mergeResult, type HitSource, type Window } from '../rules/index.js';
import type { DetectorHit } from './detector.js';

/**
 * Writes a detector's hits through the same merge as the rules' (rules/run/detect.ts): the hits
 * are staged as one JSON document into `rule_result`, where jr_id is derived exactly as a rule's is
 * (SHA-256 of the id, a newline and the sorted distinct 违规项 refs), then upserted.
 */

const SHAPE = JSON.stringify([
  {
    vola_cont: 'VARCHAR',
    vola_amt: 'DECIMAL(16,2)',
    score: 'DOUBLE',
    occurred_on: 'DATE',
    fixmedins_code: 'VARCHAR',
    psn_no: 'VARCHAR',
    mdtrt_id: 'VARCHAR',
    dr_codg: 'VARCHAR',
    evidence: 'JSON',
    details: [{ vola_item_type: 'TINYINT', ref: 'VARCHAR', amount: 'DECIMAL(16,2)' }],
  },
]);

export async function writeHits(
  conn: DuckDBConnection,
  source: HitSource,
  hits: readonly DetectorHit[],
  window: Window,
  now: string,
): Promise<{ added: number; withdrawn: number }> {
  const doc = JSON.stringify(
    hits.map((h) => ({
      vola_cont: h.vola_cont,
      vola_amt: Math.round(h.vola_amt * 100) / 100,
      score: Number.isFinite(h.score) ? h.score : null,
      occurred_on: h.occurred_on,
      fixmedins_code: h.fixmedins_code ?? '',
      psn_no: h.psn_no ?? '',
      mdtrt_id: h.mdtrt_id ?? '',
      dr_codg: h.dr_codg ?? '',
      evidence: h.evidence,
      details: h.details.map((d) => ({
        vola_item_type: d.type,
        ref: d.ref,
        amount: d.amount === undefined ? null : Math.round(d.amount * 100) / 100,
      })),
    })),
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE rule_result AS
     WITH s AS (SELECT unnest(from_json($doc, '${SHAPE}')) AS h)
     -- Two hits with the same 违规项 are the same facts: keep the higher score.
     SELECT DISTINCT ON (jr_id) *
     FROM (SELECT sha256($id || chr(10) || array_to_string(list_sort(list_distinct([x.ref FOR x IN h.details IF x.vola_item_type = 1])), chr(10))) AS jr_id,
                  h.vola_cont, h.vola_amt, h.score, h.occurred_on, h.fixmedins_code, h.psn_no, h.mdtrt_id, h.dr_codg, h.evidence, h.details
           FROM s)
     ORDER BY jr_id, score DESC NULLS LAST`,
    { doc, id: source.id },
  );
  return mergeResult(conn, source, null, window, now, true);
}
