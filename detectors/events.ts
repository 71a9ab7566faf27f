import type { DetectorContext } from './detector.js';
import { windowSql } from './detector.js';

/**
 * The per-settlement facts the peer detectors share (`dx_settlement`, a temporary table built once
 * per run): who (institution, its type, level, specialty and region; department; doctor), when
 * (month, day), the setting (门诊 op, 住院 ip, 药店 ph) and the settlement's numbers: its amount, the
 * drug and examination shares of its fee lines, the self-paid share, the length of stay, whether
 * it was settled at night or on a holiday (the shared calendar), and whether the stay was followed
 * by a readmission at the same institution within 15 days.
 */

export const INPATIENT = `('21', '22', '24', '25', '52')`;

export async function settlementFacts(ctx: DetectorContext): Promise<void> {
  await ctx.once('dx_settlement', async () => {
    const { conn, window } = ctx;
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE dx_settlement AS
      WITH fee AS (
        SELECT f.fixmedins_code, f.mdtrt_id,
               sum(f.det_item_fee_sumamt) FILTER (WHERE c.list_type IN ('101', '102')) AS drug,
               sum(f.det_item_fee_sumamt) FILTER (WHERE c.med_chrgitm_type IN ('03', '04')) AS exam,
               sum(f.det_item_fee_sumamt) AS total
        FROM fee_line f LEFT JOIN catalog c ON c.med_list_codg = split_part(f.med_list_codg, '-', 1)
        WHERE ${windowSql('f.fee_ocur_time', { ...window, since: shiftDays(window.since, -90) })}
        GROUP BY ALL),
      s AS (
        SELECT s.*, CASE WHEN s.med_type_class = '41' THEN 'ph' WHEN s.med_type_class IN ${INPATIENT} THEN 'ip' ELSE 'op' END AS setting
        FROM settlement s WHERE NOT s.cancelled AND s.medfee_sumamt > 0 AND ${windowSql('s.setl_time', window)})
      SELECT s.fixmedins_code, i.fixmedins_type AS itype, coalesce(i.hosp_lv, '9') AS hosp_lv, coalesce(i.specialty, '') AS specialty,
             coalesce(i.admdvs, '') AS admdvs, coalesce(i.beds, 0) AS beds,
             s.setl_id, s.mdtrt_id, s.psn_no, s.setl_time, strftime(s.setl_time, '%Y-%m') AS month, CAST(s.setl_time AS DATE) AS day, s.setting,
             coalesce(v.adm_dept_codg, '') AS dept, coalesce(v.atddr_no, '') AS dr,
             CAST(s.medfee_sumamt AS DOUBLE) AS fee, CAST(s.psn_cash_pay AS DOUBLE) / CAST(s.medfee_sumamt AS DOUBLE) AS cash_share,
             coalesce(CAST(fee.drug AS DOUBLE) / nullif(CAST(fee.total AS DOUBLE), 0), 0) AS drug_share,
             coalesce(CAST(fee.exam AS DOUBLE) / nullif(CAST(fee.total AS DOUBLE), 0), 0) AS exam_share,
             CASE WHEN s.setting = 'ip' THEN greatest(1, date_diff('day', s.begndate, s.enddate)) END AS stay_days,
             (hour(s.setl_time) >= 22 OR hour(s.setl_time) < 6 OR coalesce(cal.holiday, false)) AS off_hours,
             CASE WHEN s.setting = 'ip' THEN coalesce(date_diff('day', s.enddate,
                    lead(s.begndate) OVER (PARTITION BY s.fixmedins_code, s.psn_no, s.setting ORDER BY s.begndate, s.setl_id)) <= 15, false) END AS readmit
      FROM s JOIN institution i USING (fixmedins_code)
      LEFT JOIN visit v USING (fixmedins_code, mdtrt_id)
      LEFT JOIN fee USING (fixmedins_code, mdtrt_id)
      LEFT JOIN calendar cal ON cal.day = CAST(s.setl_time AS DATE)`);
  });
}

/** `day` moved by `n` days (undefined stays undefined). */
export function shiftDays(day: string | undefined, n: number): string | undefined {
  if (day === undefined) return undefined;
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
