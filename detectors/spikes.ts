import { z } from 'zod';
import { defineDetector, num, text, yuan, type DetectorHit, items } from './detector.js';
import { settlementFacts } from './events.js';
import { median, regularizedGammaP } from './stats.js';

/**
 * Volume spikes (费用突增): each hospital's daily outpatient visits and amounts against its own
 * baseline, aware of the day type: working days and rest days (weekends and statutory holidays,
 * with 调休 working days counted as working days, from the shared calendar) each have their own
 * baseline, the median of that day type before the change. The change day is the split that
 * maximises the sustained rise: the median ratio of the days after it to their baseline. A rise is
 * reported when it is large (`min_ratio`), lasts (`min_days_after`), starts from enough volume to
 * be more than noise (`min_daily`) and is significant (Poisson tail of the visits after the change
 * against the baseline's expectation).
 */

export const SpikeParams = z.strictObject({
  /** Days of baseline before a change, at least. */
  min_days_before: z.int().min(3).default(7),
  /** Days after the change, at least (a spike must last). */
  min_days_after: z.int().min(1).default(3),
  /** Median ratio of the days after the change to their day type's baseline, at least. */
  min_ratio: z.number().gt(1).default(2),
  /** Mean daily visits of the baseline, at least. */
  min_daily: z.number().positive().default(5),
  /** Poisson upper-tail probability of the visits after the change, at most. */
  max_p: z.number().gt(0).lt(1).default(1e-6),
});

interface Day {
  readonly day: string;
  readonly workday: boolean;
  readonly visits: number;
  readonly amount: number;
}

/** The best change of a daily series, or undefined when no split qualifies. */
export function bestChange(
  days: readonly Day[],
  p: z.output<typeof SpikeParams>,
):
  | {
      split: number;
      ratio: number;
      mean: number;
      expected: number;
      observed: number;
      baseline: { workday: number; rest: number };
      p: number;
    }
  | undefined {
  let best: ReturnType<typeof bestChange>;
  for (let s = p.min_days_before; s <= days.length - p.min_days_after; s++) {
    const before = days.slice(0, s);
    const after = days.slice(s);
    const base = (w: boolean) => {
      const xs = before.filter((d) => d.workday === w).map((d) => d.visits);
      return xs.length ? median(xs) : median(before.map((d) => d.visits));
    };
    const baseline = { workday: base(true), rest: base(false) };
    if (before.reduce((a, d) => a + d.visits, 0) / before.length < p.min_daily) continue;
    const exp = after.map((d) => Math.max(0.5, d.workday ? baseline.workday : baseline.rest));
    const ratios = after.map((d, i) => d.visits / (exp[i] as number));
    // Sustained: the median day after the change is up by min_ratio; the change day is the split whose
    // days after rise most on average (the median alone ties every split inside the rise).
    const ratio = median(ratios);
    const mean = ratios.reduce((a, x) => a + x, 0) / ratios.length;
    if (ratio < p.min_ratio || (best && mean <= best.mean)) continue;
    const expected = exp.reduce((a, x) => a + x, 0);
    const observed = after.reduce((a, d) => a + d.visits, 0);
    // P(X ≥ observed) for X ~ Poisson(expected) = P(observed, expected), the regularized lower gamma.
    const pValue = regularizedGammaP(observed, expected);
    if (pValue > p.max_p) continue;
    best = { split: s, ratio, mean, expected, observed, baseline, p: pValue };
  }
  return best;
}

export const volumeSpike = defineDetector({
  id: 'volume-spike',
  pattern: 'volume-spike',
  params: SpikeParams,
  async run(ctx, p) {
    await settlementFacts(ctx);
    const r = await ctx.conn.runAndReadAll(`
      WITH d AS (SELECT fixmedins_code, day, count(*) AS visits, sum(fee) AS amount FROM dx_settlement
                 WHERE setting = 'op' AND itype = '1' GROUP BY ALL),
           span AS (SELECT min(day) AS a, max(day) AS b FROM d),
           grid AS (SELECT i.fixmedins_code, CAST(g.day AS DATE) AS day
                    FROM (SELECT DISTINCT fixmedins_code FROM d) i, span, generate_series(span.a, span.b, INTERVAL 1 DAY) g(day))
      SELECT g.fixmedins_code, list(strftime(g.day, '%Y-%m-%d') ORDER BY g.day), list(coalesce(c.workday, dayofweek(g.day) NOT IN (0, 6)) ORDER BY g.day),
             list(coalesce(d.visits, 0) ORDER BY g.day), list(coalesce(d.amount, 0) ORDER BY g.day)
      FROM grid g LEFT JOIN d USING (fixmedins_code, day) LEFT JOIN calendar c ON c.day = g.day
      GROUP BY g.fixmedins_code ORDER BY g.fixmedins_code`);
    const hits: DetectorHit[] = [];
    for (const row of r.getRows()) {
      const inst = text(row[0]);
      const names = items(row[1]).map(text);
      const work = items(row[2]).map(Boolean);
      const visits = items(row[3]).map(Number);
      const amounts = items(row[4]).map(Number);
      const days: Day[] = names.map((day, i) => ({ day, workday: work[i] ?? true, visits: visits[i] ?? 0, amount: amounts[i] ?? 0 }));
      const c = bestChange(days, p);
      if (!c) continue;
      const before = days.slice(0, c.split);
      const after = days.slice(c.split);
      const perVisit =
        before.reduce((a, d) => a + d.amount, 0) /
        Math.max(
          1,
          before.reduce((a, d) => a + d.visits, 0),
        );
      const afterAmount = after.reduce((a, d) => a + d.amount, 0);
      const excess = Math.max(0, afterAmount - c.expected * perVisit);
      const from = (after[0] as Day).day;
      const weeks = new Map<number, number>();
      days.forEach((d, i) => weeks.set(Math.floor(i / 7), (weeks.get(Math.floor(i / 7)) ?? 0) + d.visits));
      hits.push({
        vola_cont:
          `${ctx.institution(inst)} 自 ${from} 起门诊人次为基线的 ${num(c.ratio, 1)} 倍 (${after.length} 天共 ${c.observed} 人次, 按工作日/休息日基线 ` +
          `${num(c.baseline.workday, 0)}/${num(c.baseline.rest, 0)} 人次每天应为 ${num(c.expected, 0)} 人次; 泊松检验 p = ${c.p.toExponential(1)}), ` +
          `多出费用约 ${yuan(excess)}`,
        vola_amt: excess,
        score: c.ratio,
        occurred_on: from,
        fixmedins_code: inst,
        details: [{ type: 1, ref: `inst:${inst}`, amount: excess }],
        evidence: {
          change_day: from,
          ratio: c.ratio,
          baseline_workday: c.baseline.workday,
          baseline_rest: c.baseline.rest,
          expected_visits: c.expected,
          observed_visits: c.observed,
          p: c.p,
          daily: days.map((d) => ({ day: d.day, workday: d.workday, visits: d.visits, amount: Math.round(d.amount * 100) / 100 })),
          weekly_visits: [...weeks.values()],
        },
      });
    }
    return hits;
  },
});
