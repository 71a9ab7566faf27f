import { z } from 'zod';
import { defineDetector, items, num, pct, text, windowSql, type DetectorContext, type DetectorHit } from './detector.js';
import { INPATIENT } from './events.js';

/**
 * Loads (负荷, after MediModel's 负荷装载 analyses) and the 挂床 score.
 *
 * Loads, rebuilt into `detector_load` on every run: patients in bed per institution-day against the
 * beds of `institutions.csv`; a doctor's distinct outpatients per day (inpatient lines are billed
 * under the ward's doctors for every patient, so they measure no load); a pharmacist's insured sales per
 * hour. The `loads` detector reports the institution-days with more patients in bed than beds allow
 * (虚假住院: the stays cannot all be real); the 挂床 score uses the load of each stay's days.
 *
 * The 挂床 score (`phantom-bed-score`) per stay: the days from the third on with no treatment, drug
 * or examination line (only bed, nursing, 诊查费), care recorded at other institutions during the
 * stay, and the bed load of the stay's days; a stay is reported when enough days are empty
 * (`min_empty_days`: one waiting day is honest) and either most of its days are, or care elsewhere
 * shows the patient was not in bed. Hits are ranked per institution in their evidence.
 */

const BED_ONLY = `('01', '02', '07')`;

export const LoadParams = z.strictObject({
  /** Patients in bed over beds beyond which a day is impossible (加床 is common; twice the beds is not). */
  max_bed_ratio: z.number().min(1).default(2),
  /** A doctor's distinct patients in a day, at most plausible. */
  max_doctor_patients: z.int().positive().default(200),
  /** A pharmacist's insured sales in an hour, at most plausible. */
  max_pharmacist_sales: z.int().positive().default(40),
});

async function buildLoads(ctx: DetectorContext, p: z.output<typeof LoadParams>): Promise<void> {
  await ctx.once('detector_load', async () => {
    await ctx.conn.run(`DELETE FROM detector_load`);
    await ctx.conn.run(`
      INSERT INTO detector_load
      WITH stays AS (SELECT fixmedins_code, mdtrt_id, CAST(begntime AS DATE) AS a,
                            CAST(coalesce(endtime, (SELECT max(fee_ocur_time) FROM fee_line)) AS DATE) AS b
                     FROM visit WHERE med_type_class IN ${INPATIENT}),
           days AS (SELECT fixmedins_code, CAST(unnest(generate_series(a, greatest(a, b - INTERVAL 1 DAY), INTERVAL 1 DAY)) AS DATE) AS day FROM stays)
      SELECT 'beds', d.fixmedins_code, d.fixmedins_code, d.day, count(*), i.beds, now()::TIMESTAMP
      FROM days d JOIN institution i USING (fixmedins_code) WHERE i.beds > 0 GROUP BY d.fixmedins_code, d.day, i.beds
      UNION ALL
      SELECT 'doctor', fixmedins_code, atddr_no, CAST(CAST(begntime AS DATE) AS TIMESTAMP), count(DISTINCT psn_no), ${p.max_doctor_patients}, now()::TIMESTAMP
      FROM visit WHERE atddr_no IS NOT NULL AND atddr_no <> '' AND med_type_class NOT IN ${INPATIENT} AND med_type_class <> '41'
        AND ${windowSql('begntime', ctx.window)}
      GROUP BY ALL HAVING count(DISTINCT psn_no) >= ${p.max_doctor_patients} / 2
      UNION ALL
      SELECT 'pharmacist', fixmedins_code, bilg_dr_codg, date_trunc('hour', fee_ocur_time), count(DISTINCT mdtrt_id), ${p.max_pharmacist_sales}, now()::TIMESTAMP
      FROM fee_line WHERE bilg_dr_codg IS NOT NULL AND bilg_dr_codg <> '' AND med_type_class = '41' AND ${windowSql('fee_ocur_time', ctx.window)}
      GROUP BY ALL HAVING count(DISTINCT mdtrt_id) >= ${p.max_pharmacist_sales} / 2`);
  });
}

export const loads = defineDetector({
  id: 'loads',
  pattern: 'phantom-admission',
  params: LoadParams,
  async run(ctx, p) {
    await buildLoads(ctx, p);
    // One hit per institution, doctor or pharmacist: its worst period, with how many were impossible.
    const r = await ctx.conn.runAndReadAll(
      `SELECT kind, fixmedins_code, subject, strftime(arg_max(period, load / ceiling), '%Y-%m-%d %H:%M'), max(load), any_value(ceiling), count(*)
       FROM detector_load WHERE (kind = 'beds' AND load > ceiling * $ratio) OR (kind <> 'beds' AND load > ceiling)
       GROUP BY ALL ORDER BY ALL`,
      { ratio: p.max_bed_ratio },
    );
    const zh: Record<string, string> = { beds: '在床患者', doctor: '医师接诊患者', pharmacist: '药师每小时销售' };
    return r.getRows().map((x): DetectorHit => {
      const [kind, inst, subject, period] = [text(x[0]), text(x[1]), text(x[2]), text(x[3])];
      return {
        vola_cont: `${ctx.institution(inst)}${kind === 'beds' ? '' : ` ${subject}`} ${kind === 'pharmacist' ? period : period.slice(0, 10)} ${zh[kind] ?? kind} ${num(Number(x[4]), 0)}, 超过可能上限 ${num(Number(x[5]) * (kind === 'beds' ? p.max_bed_ratio : 1), 0)}${kind === 'beds' ? ` (床位 ${num(Number(x[5]), 0)} 张)` : ''}; 共 ${text(x[6])} ${kind === 'pharmacist' ? '小时' : '天'}超出`,
        vola_amt: 0,
        score: Number(x[4]) / Math.max(1, Number(x[5])),
        occurred_on: period.slice(0, 10),
        fixmedins_code: inst,
        ...(kind === 'beds' ? {} : { dr_codg: subject }),
        details: [{ type: 1, ref: `inst:${inst}` }, ...(kind === 'beds' ? [] : [{ type: 1 as const, ref: `person:${subject}` }])],
        evidence: {
          kind,
          subject,
          worst: period,
          load: Number(x[4]),
          ceiling: Number(x[5]),
          periods_over: Number(x[6]),
          table: 'detector_load',
        },
      };
    });
  },
});

export const PhantomBedParams = z.strictObject({
  /** Days (from the third on) with only bed, nursing and 诊查费 lines, at least. */
  min_empty_days: z.int().min(1).default(2),
  /** Share of the stay's days from the third on that are empty, at least (unless care elsewhere). */
  min_empty_share: z.number().min(0).max(1).default(0.5),
  /** The bed-load ratio counted as evidence. */
  load_ratio: z.number().min(0).default(1),
});

export const phantomBedScore = defineDetector({
  id: 'phantom-bed-score',
  pattern: 'phantom-bed',
  params: PhantomBedParams,
  async run(ctx, p) {
    await buildLoads(ctx, LoadParams.parse({}));
    const r = await ctx.conn.runAndReadAll(
      `WITH st AS (SELECT fixmedins_code, mdtrt_id, psn_no, CAST(begntime AS DATE) AS a, CAST(endtime AS DATE) AS b FROM visit
                   WHERE med_type_class IN ${INPATIENT} AND endtime IS NOT NULL AND date_diff('day', begntime, endtime) >= 3),
            d AS (SELECT f.fixmedins_code, f.mdtrt_id, CAST(f.fee_ocur_time AS DATE) AS day,
                         bool_or(coalesce(c.med_chrgitm_type, '14') NOT IN ${BED_ONLY}) AS treated, sum(f.det_item_fee_sumamt) AS amount
                  FROM fee_line f SEMI JOIN st USING (fixmedins_code, mdtrt_id)
                  LEFT JOIN catalog c ON c.med_list_codg = split_part(f.med_list_codg, '-', 1)
                  GROUP BY ALL),
            s AS (SELECT st.fixmedins_code, st.mdtrt_id, st.psn_no, st.a, st.b,
                         count(*) FILTER (WHERE d.day >= st.a + 2) AS days,
                         count(*) FILTER (WHERE d.day >= st.a + 2 AND NOT d.treated) AS empty,
                         sum(d.amount) FILTER (WHERE d.day >= st.a + 2 AND NOT d.treated) AS empty_amount,
                         list(strftime(d.day, '%Y-%m-%d') ORDER BY d.day) FILTER (WHERE d.day >= st.a + 2 AND NOT d.treated) AS empty_days
                  FROM st JOIN d USING (fixmedins_code, mdtrt_id) GROUP BY ALL),
            elsewhere AS (SELECT s.fixmedins_code, s.mdtrt_id, count(*) AS n, list(DISTINCT v.fixmedins_code) AS places
                          FROM s JOIN visit v ON v.psn_no = s.psn_no AND v.fixmedins_code <> s.fixmedins_code
                            AND CAST(v.begntime AS DATE) > s.a AND CAST(v.begntime AS DATE) < s.b GROUP BY ALL),
            ld AS (SELECT s.fixmedins_code, s.mdtrt_id, max(l.load / l.ceiling) AS peak
                   FROM s JOIN detector_load l ON l.kind = 'beds' AND l.fixmedins_code = s.fixmedins_code
                     AND CAST(l.period AS DATE) >= s.a AND CAST(l.period AS DATE) < s.b GROUP BY ALL)
       SELECT s.fixmedins_code, s.mdtrt_id, s.psn_no, strftime(s.a, '%Y-%m-%d'), strftime(s.b, '%Y-%m-%d'), s.days, s.empty, coalesce(s.empty_amount, 0),
              s.empty_days, coalesce(e.n, 0), e.places, coalesce(ld.peak, 0)
       FROM s LEFT JOIN elsewhere e USING (fixmedins_code, mdtrt_id) LEFT JOIN ld USING (fixmedins_code, mdtrt_id)
       WHERE s.empty >= $min_empty AND (s.empty >= $share * s.days OR coalesce(e.n, 0) > 0)
       ORDER BY s.fixmedins_code, s.mdtrt_id`,
      { min_empty: p.min_empty_days, share: p.min_empty_share },
    );
    const hits = r.getRows().map((x) => {
      const [inst, mdtrt, psn, a, b] = [text(x[0]), text(x[1]), text(x[2]), text(x[3]), text(x[4])];
      const days = Number(x[5]);
      const empty = Number(x[6]);
      const elsewhere = Number(x[9]);
      const peak = Number(x[11]);
      const score = empty / Math.max(1, days) + (elsewhere > 0 ? 1 : 0) + (peak > p.load_ratio ? 0.5 : 0);
      const places = items(x[10]).map(text);
      return {
        inst,
        score,
        hit: {
          vola_cont:
            `${ctx.institution(inst)} 住院 ${mdtrt} (${a} 至 ${b}) 第三天起 ${days} 天中 ${empty} 天只有床位、护理、诊查费, 无任何治疗、用药或检查 (${pct(empty / Math.max(1, days), 0)})` +
            (elsewhere ? `; 住院期间在 ${places.join('、')} 有 ${elsewhere} 次就诊记录` : '') +
            (peak > p.load_ratio ? `; 期间床位负荷最高 ${pct(peak, 0)}` : ''),
          vola_amt: Number(x[7]),
          score,
          occurred_on: a,
          fixmedins_code: inst,
          mdtrt_id: mdtrt,
          psn_no: psn,
          details: [
            { type: 1 as const, ref: `visit:${inst}:${mdtrt}`, amount: Number(x[7]) },
            ...places.map((pl) => ({ type: 2 as const, ref: `inst:${pl}` })),
          ],
          evidence: {
            stay_days_from_third: days,
            empty_days: items(x[8]).map(text) ?? [],
            elsewhere,
            places,
            bed_load_peak: peak,
          },
        },
      };
    });
    // Ranked per institution: the reviewer of one hospital sees its stays in order.
    const byInst = new Map<string, typeof hits>();
    for (const h of hits) byInst.set(h.inst, [...(byInst.get(h.inst) ?? []), h]);
    return [...byInst.values()].flatMap((hs) =>
      hs
        .sort((u, v) => v.score - u.score)
        .map((h, i): DetectorHit => ({ ...h.hit, evidence: { ...h.hit.evidence, rank_in_institution: i + 1, of: hs.length } })),
    );
  },
});
