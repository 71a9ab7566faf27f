import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { text, items } from './detector.js';
import { benfordOfCounts } from './stats.js';

/**
 * Benford's first-two-digit test on each institution's fee-line amounts, only where there are
 * enough of them (`min_lines`) spanning enough orders of magnitude (`min_span`). A supporting
 * signal, never a hit of its own: after the detectors run, the result is stored in the evidence of
 * that institution's open hits (key `benford`), so its cases can show it. Nigrini's first-two-digit
 * MAD thresholds: ≤ 0.0022 conforming.
 */

export const BenfordParams = z.strictObject({
  min_lines: z.int().min(100).default(1000),
  min_span: z.number().min(1).default(2),
  max_mad: z.number().positive().default(0.0022),
});

export { benfordOfCounts };

export async function benfordEvidence(
  conn: DuckDBConnection,
  p: z.output<typeof BenfordParams> = BenfordParams.parse({}),
): Promise<number> {
  const r = await conn.runAndReadAll(`
    WITH a AS (SELECT fixmedins_code, CAST(det_item_fee_sumamt AS DOUBLE) AS x FROM fee_line WHERE det_item_fee_sumamt >= 10),
         d AS (SELECT fixmedins_code, CAST(floor(x / pow(10, floor(log10(x)) - 1)) AS INTEGER) AS digits FROM a),
         s AS (SELECT fixmedins_code, count(*) AS n, log10(max(x) / min(x)) AS span FROM a GROUP BY ALL)
    SELECT d.fixmedins_code, any_value(s.span), list(c ORDER BY digits), list(digits ORDER BY digits)
    FROM (SELECT fixmedins_code, digits, count(*) AS c FROM d WHERE digits BETWEEN 10 AND 99 GROUP BY ALL) d JOIN s USING (fixmedins_code)
    WHERE s.n >= ${p.min_lines} AND s.span >= ${p.min_span} GROUP BY d.fixmedins_code`);
  const rows = r.getRows().map((x) => {
    const counts = new Array<number>(90).fill(0);
    const cs = items(x[2]).map(Number);
    items(x[3])
      .map(Number)
      .forEach((dg, i) => (counts[dg - 10] = cs[i] ?? 0));
    const b = benfordOfCounts(counts);
    return { fixmedins_code: text(x[0]), benford: { ...b, span: Number(x[1]), conforming: b.mad <= p.max_mad } };
  });
  await conn.run(
    `UPDATE hit SET evidence = json_merge_patch(coalesce(evidence, '{}'), json_object('benford', b.benford))
     FROM (SELECT unnest(from_json($doc, '[{"fixmedins_code":"VARCHAR","benford":"JSON"}]'), recursive := true)) b
     WHERE hit.fixmedins_code = b.fixmedins_code AND NOT hit.withdrawn`,
    { doc: JSON.stringify(rows) },
  );
  return rows.filter((x) => !x.benford.conforming).length;
}
