import { z } from 'zod';
import { defineDetector, num, text, yuan, type DetectorHit } from './detector.js';
import { settlementFacts } from './events.js';
import { chiSquareSf, contributions, mad, mahalanobisSquared, median, robustCovariance } from './stats.js';

/**
 * Multivariate outliers (综合画像异常): each hospital's outpatient profile (cost per visit, drug,
 * examination and self-paid shares, night/holiday share) against its peers' (same type, level and
 * specialty, at least `min_peers` of them) by Mahalanobis distance under a robust
 * covariance estimate (MCD-style C-steps in `stats.ts`), after scaling each metric by its peers'
 * median and MAD. The squared distance is held against the chi-square distribution with one degree
 * of freedom per metric; the explanation names the three metrics that contribute most. A profile
 * is reported only when the metric contributing most is above the peers' median (every metric here
 * is suspicious when high, none when low).
 */

const METRICS = [
  ['fee', '次均费用'],
  ['drug_share', '药占比'],
  ['exam_share', '检查化验费占比'],
  ['cash_share', '个人自付比例'],
  ['off', '夜间及节假日结算占比'],
] as const;

export const ProfileParams = z.strictObject({
  /** Fewest peers a group needs (more than twice the metrics, for a covariance to mean anything). */
  min_peers: z.int().min(8).default(12),
  /** Fewest outpatient settlements of a hospital in the window. */
  min_volume: z.int().min(2).default(100),
  /** Chi-square upper-tail probability of the squared distance, at most. */
  max_p: z.number().gt(0).lt(1).default(1e-6),
  /** Share of the peers the robust covariance keeps (MCD support). */
  support: z.number().min(0.5).max(1).default(0.75),
});

export const peerProfile = defineDetector({
  id: 'peer-profile',
  pattern: 'peer-outlier',
  params: ProfileParams,
  async run(ctx, p) {
    await settlementFacts(ctx);
    const r = await ctx.conn.runAndReadAll(`
      SELECT fixmedins_code, hosp_lv, specialty, count(*) AS n, sum(fee) AS total, avg(fee), avg(drug_share), avg(exam_share), avg(cash_share),
             avg(CASE WHEN off_hours THEN 1 ELSE 0 END), min(day)
      FROM dx_settlement WHERE setting = 'op' AND itype = '1' GROUP BY ALL HAVING count(*) >= ${p.min_volume} ORDER BY fixmedins_code`);
    const units = r.getRows().map((x) => ({
      inst: text(x[0]),
      lv: text(x[1]),
      specialty: text(x[2]),
      n: Number(x[3]),
      total: Number(x[4]),
      v: [5, 6, 7, 8, 9].map((i) => Number(x[i])),
      first: text(x[10]),
    }));
    const hits: DetectorHit[] = [];
    // Peers: the same level and specialty only (a 三级 hospital's profile is not a clinic's).
    const groups = new Map<string, typeof units>();
    for (const u of units) groups.set(`${u.lv}|${u.specialty}`, [...(groups.get(`${u.lv}|${u.specialty}`) ?? []), u]);
    for (const u of units) {
      const peers = groups.get(`${u.lv}|${u.specialty}`);
      if (!peers || peers.length < p.min_peers) continue;
      const centre = METRICS.map((_, j) => median(peers.map((x) => x.v[j] as number)));
      const scale = METRICS.map((_, j) => mad(peers.map((x) => x.v[j] as number)) * 1.4826 || 1e-9);
      const scaled = (x: (typeof units)[number]) => x.v.map((y, j) => (y - (centre[j] as number)) / (scale[j] as number));
      const est = robustCovariance(peers.map(scaled), { support: p.support });
      const x = scaled(u);
      const d2 = mahalanobisSquared(x, est.mean, est.cov);
      const pValue = chiSquareSf(d2, METRICS.length);
      if (!(pValue <= p.max_p)) continue;
      const parts = contributions(x, est.mean, est.cov)
        .map((c, j) => ({ c, j }))
        .sort((a, b) => b.c - a.c)
        .slice(0, 3);
      // Every metric here is suspicious when high: a profile far off because it is cheaper or leaner
      // than its peers' is not a finding.
      const lead = parts[0];
      if (!lead || (u.v[lead.j] as number) <= (centre[lead.j] as number)) continue;
      const feeMedian = centre[0] as number;
      const excess = u.total * Math.max(0, 1 - feeMedian / (u.v[0] as number));
      const show = (j: number, v: number) => (j === 0 ? yuan(v) : `${num(v * 100, 1)}%`);
      hits.push({
        vola_cont:
          `${ctx.institution(u.inst)} 门诊综合画像偏离同类机构 (马氏距离 ${num(Math.sqrt(d2), 1)}, p = ${pValue.toExponential(1)}, 同类 ${peers.length} 家); 贡献最大: ` +
          parts
            .map(
              ({ c, j }) =>
                `${METRICS[j]?.[1] ?? ''} ${show(j, u.v[j] as number)} (中位数 ${show(j, centre[j] as number)}, 占 ${num((c / d2) * 100, 0)}%)`,
            )
            .join('、'),
        vola_amt: excess,
        score: Math.sqrt(d2),
        occurred_on: u.first,
        fixmedins_code: u.inst,
        details: [{ type: 1, ref: `inst:${u.inst}`, amount: excess }],
        evidence: {
          distance: Math.sqrt(d2),
          p: pValue,
          peers: peers.length,
          settlements: u.n,
          metrics: METRICS.map(([id, name], j) => ({ metric: id, name, value: u.v[j], peer_median: centre[j] })),
          top: parts.map(({ c, j }) => ({ metric: METRICS[j]?.[0], contribution: c })),
        },
      });
    }
    return hits;
  },
});
