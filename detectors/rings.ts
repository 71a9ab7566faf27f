import { z } from 'zod';
import { defineDetector, num, text, windowSql, yuan, type DetectorHit, items } from './detector.js';
import { settlementFacts } from './events.js';
import { regularizedBeta, regularizedGammaP } from './stats.js';

/**
 * Rings (结伴就医/团伙): people who settle at the same institution within minutes of each other on
 * day after day, more often than chance gives for how often each of them comes. For a pair with
 * n_a and n_b visits to one institution over D days of H open hours, the coincidences within W
 * minutes are about Poisson with λ = n_a·n_b·2W / (D·H·60); a pair seen together on k days has
 * p = P(X ≥ k). Benjamini–Hochberg runs over every pair seen together at least once; the
 * significant pairs join into groups (connected components), and each group of `min_group` or more
 * people is one hit naming every member.
 *
 * Prescription flows (`prescription-flows`): a prescriber whose prescriptions are filled at one
 * pharmacy far beyond that pharmacy's share of all prescriptions (a binomial test, BH-controlled).
 */

export const RingParams = z.strictObject({
  /** Two settlements are together when at most this many minutes apart. */
  window_minutes: z.number().positive().max(120).default(15),
  /** Days on which a pair was together, at least. */
  min_days: z.int().min(2).default(3),
  /** People in a group, at least. */
  min_group: z.int().min(2).default(3),
  /** Open hours a day (the denominator of chance). */
  open_hours: z.number().positive().max(24).default(12),
  /** Benjamini–Hochberg q-value of a pair, at most. */
  max_q: z.number().gt(0).lt(1).default(0.001),
  /** Settings compared: pharmacy purchases (ph) and inpatient admissions (ip). */
  settings: z
    .array(z.enum(['ph', 'ip', 'op']))
    .min(1)
    .default(['ph', 'ip']),
});

/** BH q-values of `p` when `m` tests were made in all (the others not listed had larger p). */
export function bhWithTotal(p: readonly number[], m: number): number[] {
  const order = p.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const q = new Array<number>(p.length).fill(1);
  let min = 1;
  for (let r = order.length - 1; r >= 0; r--) {
    const [x, i] = order[r] as readonly [number, number];
    min = Math.min(min, (x * m) / (r + 1));
    q[i] = Math.min(1, min);
  }
  return q;
}

class Groups {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

export const collusionRings = defineDetector({
  id: 'collusion-rings',
  pattern: 'collusion',
  params: RingParams,
  async run(ctx, p) {
    await settlementFacts(ctx);
    const settings = p.settings.map((s) => `'${s}'`).join(', ');
    // Every pair of settlements within the window (a range join), kept once; then the pairs seen
    // together on enough days, and only for those the days, settlements and amounts.
    const w = p.window_minutes * 60;
    await ctx.conn.run(`
      CREATE OR REPLACE TEMP TABLE dx_together AS
      WITH e AS (SELECT fixmedins_code, setting, psn_no, day, setl_id, fee, epoch(setl_time) AS t FROM dx_settlement WHERE setting IN (${settings}))
      SELECT a.fixmedins_code, a.setting, a.psn_no AS pa, b.psn_no AS pb, a.day, a.setl_id AS sa, b.setl_id AS sb, a.fee + b.fee AS amount
      FROM e a JOIN e b ON a.fixmedins_code = b.fixmedins_code AND a.setting = b.setting AND a.day = b.day
        AND a.psn_no < b.psn_no AND b.t BETWEEN a.t - ${w} AND a.t + ${w}`);
    const res = await ctx.conn.runAndReadAll(`
      WITH n AS (SELECT fixmedins_code, setting, psn_no, count(*) AS visits FROM dx_settlement WHERE setting IN (${settings}) GROUP BY ALL),
           span AS (SELECT count(DISTINCT day) AS days FROM dx_settlement WHERE setting IN (${settings})),
           pairs AS (SELECT fixmedins_code, setting, pa, pb, count(DISTINCT day) AS days FROM dx_together GROUP BY ALL),
           cand AS (SELECT t.fixmedins_code, t.setting, t.pa, t.pb, any_value(p.days) AS days, list(DISTINCT t.day ORDER BY t.day) AS on_days,
                           list(DISTINCT 'setl:' || t.fixmedins_code || ':' || t.sa) || list(DISTINCT 'setl:' || t.fixmedins_code || ':' || t.sb) AS setls,
                           sum(t.amount) AS amount
                    FROM dx_together t JOIN pairs p USING (fixmedins_code, setting, pa, pb) WHERE p.days >= ${p.min_days} GROUP BY ALL)
      SELECT pr.fixmedins_code, pr.setting, pr.pa, pr.pb, pr.days, na.visits, nb.visits, span.days, (SELECT count(*) FROM pairs) AS tested,
             list_transform(pr.on_days, d -> strftime(d, '%Y-%m-%d')), list_distinct(pr.setls), pr.amount
      FROM cand pr, span
      JOIN n na ON na.fixmedins_code = pr.fixmedins_code AND na.setting = pr.setting AND na.psn_no = pr.pa
      JOIN n nb ON nb.fixmedins_code = pr.fixmedins_code AND nb.setting = pr.setting AND nb.psn_no = pr.pb`);
    await ctx.conn.run('DROP TABLE dx_together');
    const rows = res.getRows();
    if (rows.length === 0) return [];
    const tested = Number(rows[0]?.[8] ?? 0);
    const cands = rows.map((r) => {
      const days = Number(r[4]);
      const lambda = (Number(r[5]) * Number(r[6]) * 2 * p.window_minutes) / (Math.max(1, Number(r[7])) * p.open_hours * 60);
      return {
        inst: text(r[0]),
        setting: text(r[1]),
        a: text(r[2]),
        b: text(r[3]),
        days,
        lambda,
        p: regularizedGammaP(days, lambda),
        onDays: items(r[9]).map(text),
        setls: items(r[10]).map(text),
        amount: Number(r[11]),
      };
    });
    const q = bhWithTotal(
      cands.map((c) => c.p),
      Math.max(tested, cands.length),
    );
    const sig = cands.filter((_, i) => (q[i] ?? 1) <= p.max_q);
    const groups = new Groups();
    for (const c of sig) groups.join(`${c.inst}|${c.setting}|${c.a}`, `${c.inst}|${c.setting}|${c.b}`);
    const byGroup = new Map<string, typeof sig>();
    for (const c of sig) {
      const g = groups.find(`${c.inst}|${c.setting}|${c.a}`);
      byGroup.set(g, [...(byGroup.get(g) ?? []), c]);
    }
    const hits: DetectorHit[] = [];
    for (const pairs of byGroup.values()) {
      const members = [...new Set(pairs.flatMap((c) => [c.a, c.b]))].sort();
      if (members.length < p.min_group) continue;
      const first = pairs[0] as (typeof pairs)[number];
      const days = [...new Set(pairs.flatMap((c) => c.onDays))].sort();
      const setls = [...new Set(pairs.flatMap((c) => c.setls))].sort();
      const minP = Math.min(...pairs.map((c) => c.p));
      const amount = pairs.reduce((a, c) => a + c.amount, 0) / Math.max(1, members.length - 1);
      hits.push({
        vola_cont:
          `${members.length} 名参保人在 ${ctx.institution(first.inst)} ${days.length} 天内多次于 ${p.window_minutes} 分钟内先后${first.setting === 'ip' ? '入院结算' : '购药结算'} ` +
          `(${pairs.length} 对同行, 每对至少 ${p.min_days} 天; 按各自就诊次数偶然同行的概率最小 p = ${minP.toExponential(1)}), 涉及费用约 ${yuan(amount)}`,
        vola_amt: amount,
        score: -Math.log10(Math.max(minP, 1e-300)),
        occurred_on: days[0] as string,
        fixmedins_code: first.inst,
        psn_no: members[0] as string,
        details: [
          ...members.map((m) => ({ type: 1 as const, ref: `person:${m}` })),
          { type: 1 as const, ref: `inst:${first.inst}` },
          ...setls.map((ref) => ({ type: 2 as const, ref })),
        ],
        evidence: {
          members,
          days,
          window_minutes: p.window_minutes,
          pairs: pairs.map((c) => ({ a: c.a, b: c.b, days: c.days, expected: num(c.lambda, 4), p: c.p })),
          tested_pairs: tested,
        },
      });
    }
    return hits;
  },
});

export const FlowParams = z.strictObject({
  /** A prescriber's prescriptions filled at pharmacies in the window, at least. */
  min_prescriptions: z.int().min(5).default(20),
  /** Share of them filled at one pharmacy, at least. */
  min_share: z.number().gt(0).max(1).default(0.5),
  /** That share over the pharmacy's share of all prescriptions, at least. */
  min_lift: z.number().min(1).default(5),
  /** Benjamini–Hochberg q-value, at most. */
  max_q: z.number().gt(0).lt(1).default(0.001),
});

export interface Flow {
  readonly prescriber: string;
  readonly pharmacy: string;
  /** Prescriptions of the prescriber filled at the pharmacy, of all the prescriber's. */
  readonly k: number;
  readonly n: number;
  /** The pharmacy's share of every prescription filled in the window. */
  readonly share: number;
}

/**
 * The flows out of proportion: k of a prescriber's n prescriptions at one pharmacy whose share of
 * all prescriptions is s, against Binomial(n, s): p = P(X ≥ k) = I_s(k, n − k + 1) (regularized
 * incomplete beta); BH over every flow of a prescriber with enough prescriptions.
 */
export function flowFindings(flows: readonly Flow[], p: z.output<typeof FlowParams>): (Flow & { p: number; q: number })[] {
  const tested = flows.filter((f) => f.n >= p.min_prescriptions);
  const withP = tested.map((f) => ({ ...f, p: f.k === 0 ? 1 : regularizedBeta(f.share, f.k, f.n - f.k + 1) }));
  const q = bhWithTotal(
    withP.map((f) => f.p),
    withP.length,
  );
  return withP
    .map((f, i) => ({ ...f, q: q[i] ?? 1 }))
    .filter((f) => f.q <= p.max_q && f.k / f.n >= p.min_share && f.k / f.n >= p.min_lift * f.share);
}

export const prescriptionFlows = defineDetector({
  id: 'prescription-flows',
  pattern: 'collusion',
  params: FlowParams,
  async run(ctx, p) {
    const r = await ctx.conn.runAndReadAll(`
      WITH rx AS (SELECT prsc_dr_certno_hash AS dr, any_value(prsc_dr_certno_mask) AS mask, fixmedins_code AS ph, coalesce(rxno, fixmedins_bchno) AS rx,
                         list('psi:' || fixmedins_code || ':' || kind || ':' || fixmedins_bchno) AS refs, sum(sel_retn_cnt * finl_trns_pric) AS amount,
                         min(CAST(sel_retn_time AS DATE)) AS day
                  FROM psi_line WHERE infno = '3505' AND prsc_dr_certno_hash IS NOT NULL AND ${windowSql('sel_retn_time', ctx.window)} GROUP BY ALL),
           per AS (SELECT dr, any_value(mask) AS mask, ph, count(*) AS k, flatten(list(refs))[1:50] AS refs, sum(amount) AS amount, min(day) AS day FROM rx GROUP BY dr, ph),
           n AS (SELECT dr, sum(k) AS n FROM per GROUP BY dr),
           s AS (SELECT ph, sum(k) / (SELECT sum(k) FROM per) AS share FROM per GROUP BY ph)
      SELECT per.dr, per.ph, per.k, n.n, s.share, per.mask, per.refs, per.amount, strftime(per.day, '%Y-%m-%d')
      FROM per JOIN n USING (dr) JOIN s USING (ph) WHERE n.n >= ${p.min_prescriptions}`);
    const extra = new Map<string, { mask: string; refs: string[]; amount: number; day: string }>();
    const flows: Flow[] = r.getRows().map((x) => {
      extra.set(`${text(x[0])}|${text(x[1])}`, {
        mask: text(x[5]),
        refs: items(x[6]).map(text),
        amount: Number(x[7] ?? 0),
        day: text(x[8]),
      });
      return { prescriber: text(x[0]), pharmacy: text(x[1]), k: Number(x[2]), n: Number(x[3]), share: Number(x[4]) };
    });
    return flowFindings(flows, p).map((f): DetectorHit => {
      const e = extra.get(`${f.prescriber}|${f.pharmacy}`) ?? { mask: '', refs: [], amount: 0, day: '' };
      return {
        vola_cont:
          `处方医师 ${e.mask} 的 ${f.n} 张外配处方中 ${f.k} 张 (${num((f.k / f.n) * 100, 0)}%) 在 ${ctx.institution(f.pharmacy)} 取药, 该药店仅占全部外配处方的 ` +
          `${num(f.share * 100, 1)}% (二项检验 p = ${f.p.toExponential(1)}, q = ${f.q.toExponential(1)})`,
        vola_amt: e.amount,
        score: -Math.log10(Math.max(f.p, 1e-300)),
        occurred_on: e.day,
        fixmedins_code: f.pharmacy,
        details: [{ type: 1, ref: `inst:${f.pharmacy}` }, ...e.refs.map((ref) => ({ type: 1 as const, ref }))],
        evidence: { prescriber_mask: e.mask, k: f.k, n: f.n, pharmacy_share: f.share, p: f.p, q: f.q },
      };
    });
  },
});
