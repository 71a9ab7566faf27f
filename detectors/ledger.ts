import { z } from 'zod';
import { defineDetector, num, text, type DetectorContext, type DetectorHit, items } from './detector.js';

/**
 * The 进销存 ledger: per pharmacy × drug × day, in smallest units (the contract's quantities are per
 * smallest unit, so a 拆零 sale is a fraction of a box's `pac_cnt` and needs no conversion here),
 * what came in (3503 purchases less 3504 returns), what changed (3502), what went out (3505 sales
 * less 3506 returns), what was settled (insured fee lines, med_type 41), and the stock that implies:
 * the first stocktake (3501) plus every later movement, cumulatively. It is rebuilt on every run
 * into the `ledger` table, which the evidence bundle shows for a case's drugs and days.
 *
 * Two detectors read it: `ledger-stock` (进销存不符: sales beyond the stock, settled quantities
 * beyond sales, a later stocktake outside what the day's movements allow, whenever in the day it was
 * taken) and `ledger-billed` (串换药品: insured
 * lines of a drug billed beyond anything the pharmacy ever had of it — usually a dear drug billed
 * while a cheap one was handed over; the cheap items sold beyond their settlements the same days are
 * named in the explanation).
 */

export async function buildLedger(ctx: DetectorContext): Promise<void> {
  await ctx.once('ledger', async () => {
    await ctx.conn.run(`DELETE FROM ledger`);
    await ctx.conn.run(`
      INSERT INTO ledger
      WITH shops AS (SELECT fixmedins_code FROM institution WHERE fixmedins_type = '2'),
      mv AS (
        SELECT p.fixmedins_code, p.med_list_codg,
               CAST(coalesce(p.sel_retn_time, p.inv_chg_time, p.purc_retn_stoin_time, CAST(p.invdate AS TIMESTAMP)) AS DATE) AS day,
               sum(CASE p.infno WHEN '3503' THEN p.purc_retn_cnt WHEN '3504' THEN -p.purc_retn_cnt ELSE 0 END) AS purchased,
               sum(CASE WHEN p.infno = '3502' THEN p.cnt ELSE 0 END) AS changed,
               sum(CASE p.infno WHEN '3505' THEN p.sel_retn_cnt WHEN '3506' THEN -p.sel_retn_cnt ELSE 0 END) AS sold,
               max(CASE WHEN p.infno = '3501' THEN p.inv_cnt END) AS counted
        FROM psi_line p SEMI JOIN shops USING (fixmedins_code) GROUP BY ALL),
      st AS (SELECT fixmedins_code, med_list_codg, CAST(fee_ocur_time AS DATE) AS day, sum(cnt) AS settled
             FROM fee_line SEMI JOIN shops USING (fixmedins_code) WHERE med_type_class = '41' GROUP BY ALL),
      j AS (SELECT fixmedins_code, med_list_codg, day, coalesce(purchased, 0) AS purchased, coalesce(changed, 0) AS changed,
                   coalesce(sold, 0) AS sold, coalesce(settled, 0) AS settled, counted
            FROM mv FULL JOIN st USING (fixmedins_code, med_list_codg, day)),
      o AS (SELECT fixmedins_code, med_list_codg, arg_min(counted, day) AS opening, min(day) AS opening_day
            FROM j WHERE counted IS NOT NULL GROUP BY ALL)
      SELECT j.fixmedins_code, j.med_list_codg, j.day, o.opening, j.purchased, j.changed, j.sold, j.settled,
             coalesce(o.opening, 0) + sum(j.purchased + j.changed - j.sold) OVER w AS stock, j.counted, now()::TIMESTAMP
      FROM j LEFT JOIN o USING (fixmedins_code, med_list_codg)
      WINDOW w AS (PARTITION BY j.fixmedins_code, j.med_list_codg ORDER BY j.day ROWS UNBOUNDED PRECEDING)`);
  });
}

export const LedgerParams = z.strictObject({
  /** Units of tolerance before a difference counts (rounding of 拆零 parts). */
  tolerance: z.number().min(0).default(0.5),
});

export const ledgerStock = defineDetector({
  id: 'ledger-stock',
  pattern: 'inventory-mismatch',
  params: LedgerParams,
  async run(ctx, p) {
    await buildLedger(ctx);
    const r = await ctx.conn.runAndReadAll(
      `WITH l AS (SELECT *, sum(sold) OVER w AS sold_cum, sum(settled) OVER w AS settled_cum,
                         lag(stock) OVER w AS stock_before FROM ledger
                  WINDOW w AS (PARTITION BY fixmedins_code, med_list_codg ORDER BY day ROWS UNBOUNDED PRECEDING)),
            bad AS (SELECT fixmedins_code, med_list_codg,
                           min(day) FILTER (WHERE stock < -$tol) AS short_day, min(stock) AS min_stock,
                           max(settled_cum - sold_cum) AS settled_over,
                           min(day) FILTER (WHERE settled_cum > sold_cum + $tol) AS over_day,
                           min(day) FILTER (WHERE counted IS NOT NULL AND day > (SELECT min(day) FROM ledger x WHERE x.fixmedins_code = l.fixmedins_code AND x.med_list_codg = l.med_list_codg AND x.counted IS NOT NULL)
                                             -- The count was taken at some moment of its day: anywhere from every outgoing movement
                                             -- of the day done and no incoming one yet, to the reverse.
                                             AND (counted < coalesce(stock_before, opening, 0) + least(purchased, 0) + least(changed, 0) - greatest(sold, 0) - $tol
                                                  OR counted > coalesce(stock_before, opening, 0) + greatest(purchased, 0) + greatest(changed, 0) + greatest(-sold, 0) + $tol))
                                               AS count_day,
                           any_value(opening) AS opening, sum(purchased) AS purchased, sum(sold) AS sold, sum(settled) AS settled
                    FROM l GROUP BY ALL)
       SELECT b.fixmedins_code, b.med_list_codg, coalesce(c.name, b.med_list_codg), strftime(b.short_day, '%Y-%m-%d'), b.min_stock,
              strftime(b.over_day, '%Y-%m-%d'), b.settled_over, strftime(b.count_day, '%Y-%m-%d'),
              b.opening, b.purchased, b.sold, b.settled,
              (SELECT list('psi:' || s.fixmedins_code || ':' || s.kind || ':' || s.fixmedins_bchno ORDER BY s.fixmedins_bchno)
               FROM psi_line s WHERE s.fixmedins_code = b.fixmedins_code AND s.med_list_codg = b.med_list_codg AND s.infno = '3505'
                 AND CAST(s.sel_retn_time AS DATE) >= least(b.short_day, b.over_day, b.count_day)),
              (SELECT sum(s.sel_retn_cnt * s.finl_trns_pric) FROM psi_line s WHERE s.fixmedins_code = b.fixmedins_code AND s.med_list_codg = b.med_list_codg
                 AND s.infno = '3505' AND CAST(s.sel_retn_time AS DATE) >= least(b.short_day, b.over_day, b.count_day)),
              (SELECT list('fee:' || f.fixmedins_code || ':' || f.mdtrt_id || ':' || f.feedetl_sn ORDER BY f.mdtrt_id, f.feedetl_sn)
               FROM fee_line f WHERE f.fixmedins_code = b.fixmedins_code AND f.med_list_codg = b.med_list_codg AND f.med_type_class = '41'
                 AND CAST(f.fee_ocur_time AS DATE) >= b.over_day)
       FROM bad b LEFT JOIN catalog c USING (med_list_codg)
       WHERE b.short_day IS NOT NULL OR b.over_day IS NOT NULL OR b.count_day IS NOT NULL`,
      { tol: p.tolerance },
    );
    const hits: DetectorHit[] = [];
    for (const x of r.getRows()) {
      const [inst, code, name] = [text(x[0]), text(x[1]), text(x[2])];
      const reasons: string[] = [];
      if (x[3] !== null) reasons.push(`${text(x[3])} 起账面库存为负 (最低 ${num(Number(x[4]), 1)})`);
      if (x[5] !== null) reasons.push(`${text(x[5])} 起医保结算数量超过销售 ${num(Number(x[6]), 1)}`);
      if (x[7] !== null) reasons.push(`${text(x[7])} 盘存与账面不符`);
      const first = [x[3], x[5], x[7]]
        .filter((d) => d !== null)
        .map(text)
        .sort()[0] as string;
      const refs = [...items(x[12]), ...items(x[14])].map(text);
      const amount = Number(x[13] ?? 0);
      hits.push({
        vola_cont: `${ctx.institution(inst)} ${name}: ${reasons.join('; ')} (期初盘存 ${x[8] === null ? '无' : num(Number(x[8]), 1)}、净购进 ${num(Number(x[9]), 1)}、净销售 ${num(Number(x[10]), 1)}、医保结算 ${num(Number(x[11]), 1)}, 单位: 最小包装单位)`,
        vola_amt: amount,
        score: Math.max(0, -Number(x[4] ?? 0)) + Math.max(0, Number(x[6] ?? 0)),
        occurred_on: first,
        fixmedins_code: inst,
        details: [
          ...(refs.length ? refs.map((ref) => ({ type: 1 as const, ref })) : [{ type: 1 as const, ref: `inst:${inst}` }]),
          { type: 2 as const, ref: `inst:${inst}` },
        ],
        evidence: { med_list_codg: code, reasons, ledger: 'ledger' },
      });
    }
    return hits;
  },
});

export const ledgerBilled = defineDetector({
  id: 'ledger-billed',
  pattern: 'drug-substitution',
  params: LedgerParams,
  async run(ctx, p) {
    await buildLedger(ctx);
    // Per pharmacy × drug: what it ever had (first stocktake + purchases + changes, cumulative) against
    // what insured lines billed, cumulative; the lines billed once the billed exceeds the available.
    const r = await ctx.conn.runAndReadAll(
      `WITH l AS (SELECT fixmedins_code, med_list_codg, day,
                         coalesce(max(opening) OVER (PARTITION BY fixmedins_code, med_list_codg), 0)
                           + sum(purchased + greatest(changed, 0)) OVER w AS available,
                         sum(settled) OVER w AS billed
                  FROM ledger WINDOW w AS (PARTITION BY fixmedins_code, med_list_codg ORDER BY day ROWS UNBOUNDED PRECEDING)),
            over AS (SELECT fixmedins_code, med_list_codg, min(day) AS from_day, max(billed - available) AS excess
                     FROM l WHERE billed > available + $tol GROUP BY ALL)
       SELECT f.fixmedins_code, f.mdtrt_id, any_value(f.psn_no), o.med_list_codg, coalesce(any_value(c.name), o.med_list_codg), strftime(o.from_day, '%Y-%m-%d'), o.excess,
              list('fee:' || f.fixmedins_code || ':' || f.mdtrt_id || ':' || f.feedetl_sn ORDER BY f.feedetl_sn), list(f.det_item_fee_sumamt ORDER BY f.feedetl_sn),
              sum(f.det_item_fee_sumamt), strftime(min(f.fee_ocur_time), '%Y-%m-%d'),
              (SELECT string_agg(DISTINCT coalesce(c2.name, s.med_list_codg), '、') FROM psi_line s LEFT JOIN catalog c2 ON c2.med_list_codg = s.med_list_codg
                WHERE s.fixmedins_code = f.fixmedins_code AND s.infno = '3505' AND s.setl_id IN (SELECT setl_id FROM settlement t WHERE t.fixmedins_code = f.fixmedins_code AND t.mdtrt_id = f.mdtrt_id))
       FROM over o JOIN fee_line f ON f.fixmedins_code = o.fixmedins_code AND f.med_list_codg = o.med_list_codg
         AND f.med_type_class = '41' AND CAST(f.fee_ocur_time AS DATE) >= o.from_day AND f.cnt > 0
       LEFT JOIN catalog c ON c.med_list_codg = o.med_list_codg
       GROUP BY f.fixmedins_code, f.mdtrt_id, o.med_list_codg, o.from_day, o.excess`,
      { tol: p.tolerance },
    );
    return r.getRows().map((x): DetectorHit => {
      const refs = items(x[7]).map(text);
      const amounts = items(x[8]).map(Number);
      const handed = text(x[11]);
      return {
        vola_cont:
          `${ctx.institution(text(x[0]))} 医保结算 ${text(x[4])}, 但自 ${text(x[5])} 起该药累计结算量已超过期初盘存与购进之和 (超出 ${num(Number(x[6]), 1)} 个单位)` +
          (handed ? `; 同次销售记录实际售出: ${handed}` : ''),
        vola_amt: Number(x[9]),
        score: Number(x[6]),
        occurred_on: text(x[10]),
        fixmedins_code: text(x[0]),
        mdtrt_id: text(x[1]),
        psn_no: text(x[2]),
        details: refs.map((ref, i) => ({ type: 1 as const, ref, amount: amounts[i] ?? 0 })),
        evidence: { med_list_codg: text(x[3]), from_day: text(x[5]), excess_units: Number(x[6]), sold_instead: handed, ledger: 'ledger' },
      };
    });
  },
});
