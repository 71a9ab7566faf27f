/**
 * One side of bench/detectors in its own process (so each peak RSS is its own); prints JSON:
 * `detectors` runs every detector over the city (their hits merged, as `fundwatch detect --only
 * detectors` does); `baseline` computes the same metrics by one plain SQL GROUP BY per metric.
 */
import { runDetectors, runnableDetectors } from '../detectors/index.js';
import { openStore } from '../store/index.js';
import { INPATIENT } from '../detectors/events.js';

const [side, db] = process.argv.slice(2) as [string, string];
const store = await openStore(db, { walAutocheckpoint: '1GB' });
const conn = await store.connect();
const detectors = runnableDetectors();
const ids = detectors.map((d) => `'${d.detector.id}'`).join(', ');

/** The detectors' metrics, each as one plain GROUP BY (no peers, no statistics, nothing written). */
const BASELINE: Record<string, string> = {
  'cost per settlement (institution × month × setting)': `SELECT fixmedins_code, strftime(setl_time, '%Y-%m'), med_type_class, avg(medfee_sumamt) FROM settlement WHERE NOT cancelled GROUP BY ALL`,
  'cost per settlement (doctor × month)': `SELECT s.fixmedins_code, v.atddr_no, strftime(s.setl_time, '%Y-%m'), avg(s.medfee_sumamt) FROM settlement s JOIN visit v USING (fixmedins_code, mdtrt_id) WHERE NOT s.cancelled GROUP BY ALL`,
  'drug share (institution × month)': `SELECT f.fixmedins_code, strftime(f.fee_ocur_time, '%Y-%m'), sum(f.det_item_fee_sumamt) FILTER (WHERE c.list_type IN ('101', '102')) / sum(f.det_item_fee_sumamt)
     FROM fee_line f LEFT JOIN catalog c ON c.med_list_codg = split_part(f.med_list_codg, '-', 1) GROUP BY ALL`,
  'exam share (institution × month)': `SELECT f.fixmedins_code, strftime(f.fee_ocur_time, '%Y-%m'), sum(f.det_item_fee_sumamt) FILTER (WHERE c.med_chrgitm_type IN ('03', '04')) / sum(f.det_item_fee_sumamt)
     FROM fee_line f LEFT JOIN catalog c ON c.med_list_codg = split_part(f.med_list_codg, '-', 1) GROUP BY ALL`,
  'self-paid share': `SELECT fixmedins_code, strftime(setl_time, '%Y-%m'), avg(psn_cash_pay / medfee_sumamt) FROM settlement WHERE NOT cancelled AND medfee_sumamt > 0 GROUP BY ALL`,
  'average stay': `SELECT fixmedins_code, strftime(setl_time, '%Y-%m'), avg(date_diff('day', begndate, enddate)) FROM settlement WHERE NOT cancelled AND med_type_class IN ${INPATIENT} GROUP BY ALL`,
  'night and holiday share': `SELECT fixmedins_code, strftime(setl_time, '%Y-%m'), avg(CASE WHEN hour(setl_time) >= 22 OR hour(setl_time) < 6 THEN 1 ELSE 0 END) FROM settlement WHERE NOT cancelled GROUP BY ALL`,
  'daily outpatient visits': `SELECT fixmedins_code, CAST(setl_time AS DATE), count(*) FROM settlement WHERE NOT cancelled AND med_type_class IN ('11', '13', '14') GROUP BY ALL`,
  'co-purchases (pharmacy × day × person)': `SELECT fixmedins_code, CAST(setl_time AS DATE), psn_no, count(*) FROM settlement WHERE NOT cancelled AND med_type_class = '41' GROUP BY ALL`,
  'ledger movements (pharmacy × drug × day)': `SELECT fixmedins_code, med_list_codg, CAST(coalesce(sel_retn_time, inv_chg_time, purc_retn_stoin_time) AS DATE), sum(coalesce(sel_retn_cnt, 0)), sum(coalesce(purc_retn_cnt, 0)) FROM psi_line GROUP BY ALL`,
  'patients admitted (institution × day)': `SELECT fixmedins_code, CAST(begntime AS DATE), count(*) FROM visit WHERE med_type_class IN ${INPATIENT} GROUP BY ALL`,
  'stay days with charges (stay × day)': `SELECT fixmedins_code, mdtrt_id, CAST(fee_ocur_time AS DATE), count(*) FROM fee_line WHERE med_type_class IN ${INPATIENT} GROUP BY ALL`,
  'amounts per institution (Benford)': `SELECT fixmedins_code, count(*), min(det_item_fee_sumamt), max(det_item_fee_sumamt) FROM fee_line WHERE det_item_fee_sumamt >= 10 GROUP BY ALL`,
};

const t0 = performance.now();
const parts: Record<string, number> = {};
let hits = 0;
if (side === 'detectors') {
  await conn.run(`DELETE FROM hit_detail WHERE jr_id IN (SELECT jr_id FROM hit WHERE rule_id IN (${ids}))`);
  await conn.run(`DELETE FROM hit WHERE rule_id IN (${ids})`);
  const t = performance.now();
  const runs = await runDetectors(conn, detectors);
  for (const r of runs) {
    parts[r.rule_id] = r.seconds;
    hits += r.hits;
  }
  parts['(shared facts, calendar, Benford, commit)'] = (performance.now() - t) / 1000 - runs.reduce((a, r) => a + r.seconds, 0);
} else {
  for (const [name, sql] of Object.entries(BASELINE)) {
    const t = performance.now();
    await conn.run(`CREATE OR REPLACE TEMP TABLE baseline AS ${sql}`);
    parts[name] = (performance.now() - t) / 1000;
  }
}
const seconds = (performance.now() - t0) / 1000;
conn.closeSync();
await store.close();
process.stdout.write(`${JSON.stringify({ side, seconds, hits, parts, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
