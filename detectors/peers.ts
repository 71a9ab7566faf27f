import { z } from 'zod';
import { defineDetector, items, num, pct, text, windowSql, yuan, type DetectorContext, type DetectorHit } from './detector.js';
import { INPATIENT, settlementFacts } from './events.js';
import { bhQValues, mad, median, percentileRank, proportionTest, robustZ, summaryOf, welchTFromSummary, type Summary } from './stats.js';

/**
 * Peer comparison (同级对比), as CMS PEPPER and comparative billing reports do it: ratio metrics per
 * institution, department and doctor per month, each against the peers of the same institution
 * type, level, specialty and region (widened to the whole city when a region has too few peers;
 * level and specialty are never dropped: a cancer hospital is compared with cancer hospitals only,
 * and not at all when it has too few). A unit
 * is flagged when it is far on the robust scale (median/MAD), significant against the rest of its
 * peers (Welch t for means, chi-square for proportions, Benjamini–Hochberg over every test of the
 * run), and materially above the median. The metrics are those of `METRICS`, plus one item's share
 * of an institution's revenue (its dearest item: a pharmacy whose sales drift toward one dear drug). Hits rank by deviation × volume: the amount at stake is
 * the share of the unit's spending above what the peer median implies.
 */

type Setting = 'op' | 'ip' | 'ph';
/**
 * Peer scopes, narrowest first: the same region, then the whole city; always the same type, level
 * and specialty. A unit with fewer than `min_peers` such peers in the city is not compared at all
 * (measured on a generated city: widening to every level set its three 三级 hospitals against the
 * clinics, and they took the top of the queue).
 */
const SCOPES = ['region', 'city'] as const;
type Scope = (typeof SCOPES)[number];
type Level = 'institution' | 'department' | 'doctor';

interface Metric {
  readonly id: string;
  readonly name: string;
  readonly settings: readonly Setting[];
  /**
   * `mean`: a per-settlement value (sum and sum of squares); `share`: k of n settlements; `item`:
   * the share of the unit's revenue taken by its dearest item (`a_`), tested on that item's lines
   * (`k_`) of all lines (`n_`); institutions only.
   */
  readonly kind: 'mean' | 'share' | 'item';
  readonly unit: 'yuan' | 'share' | 'days';
}

/** The metrics; the SQL below computes `s_<id>`, `q_<id>` (means) or `k_<id>` (shares) for each. */
export const METRICS: readonly Metric[] = [
  { id: 'fee', name: '次均费用', settings: ['op', 'ip', 'ph'], kind: 'mean', unit: 'yuan' },
  { id: 'drug', name: '药占比', settings: ['op', 'ip'], kind: 'mean', unit: 'share' },
  { id: 'exam', name: '检查化验费占比', settings: ['op', 'ip'], kind: 'mean', unit: 'share' },
  { id: 'cash', name: '个人自付比例', settings: ['op', 'ip', 'ph'], kind: 'mean', unit: 'share' },
  { id: 'stay', name: '平均住院日', settings: ['ip'], kind: 'mean', unit: 'days' },
  { id: 'readmit', name: '15日内再住院率', settings: ['ip'], kind: 'share', unit: 'share' },
  { id: 'off', name: '夜间及节假日结算占比', settings: ['op', 'ph'], kind: 'share', unit: 'share' },
  { id: 'top', name: '单品收入占比', settings: ['op', 'ip', 'ph'], kind: 'item', unit: 'share' },
];

const SETTING_ZH: Record<Setting, string> = { op: '门诊', ip: '住院', ph: '药店购药' };
const LEVEL_ZH: Record<Level, string> = { institution: '机构', department: '科室', doctor: '医师' };

export const PeerParams = z.strictObject({
  /** Fewest units (the unit included) a peer group needs; a smaller regional group widens to the city. */
  min_peers: z.int().min(3).default(4),
  /** Fewest settlements of a unit in a month for it to be compared at all. */
  min_volume: z.int().min(2).default(30),
  /** Robust z (median/MAD) at least this far above the peer median. */
  min_z: z.number().positive().default(4),
  /** The unit's value at least this multiple of the peer median (practical, not only statistical, significance). */
  min_ratio: z.number().min(1).default(1.5),
  /** Benjamini–Hochberg q-value at most this (false discovery rate over every test of the run). */
  max_q: z.number().gt(0).lt(1).default(0.01),
  /** Levels compared. */
  levels: z
    .array(z.enum(['institution', 'department', 'doctor']))
    .min(1)
    .default(['institution', 'department', 'doctor']),
  /** At most this many settlements named as 违规项 of a hit (the dearest of the unit's month). */
  max_refs: z.int().min(1).max(200).default(20),
});

interface Row {
  readonly level: Level;
  readonly inst: string;
  readonly unit: string;
  readonly itype: string;
  readonly lv: string;
  readonly specialty: string;
  readonly admdvs: string;
  readonly dept: string;
  readonly month: string;
  readonly setting: Setting;
  readonly n: number;
  readonly total: number;
  readonly v: Record<string, number>;
}

const sums = METRICS.filter((m) => m.kind !== 'item')
  .map((m) =>
    m.kind === 'mean'
      ? `sum(${m.id === 'fee' ? 'fee' : m.id === 'stay' ? 'stay_days' : `${m.id}_share`}) AS s_${m.id}, sum(${m.id === 'fee' ? 'fee' : m.id === 'stay' ? 'stay_days' : `${m.id}_share`} ^ 2) AS q_${m.id}`
      : `count(*) FILTER (WHERE ${m.id === 'readmit' ? 'readmit' : 'off_hours'}) AS k_${m.id}`,
  )
  .join(',\n             ');

/** A flagged metric of a unit-month, with the numbers its explanation gives. */
interface Finding {
  readonly row: Row;
  readonly metric: Metric;
  readonly value: number;
  readonly median: number;
  readonly z: number;
  readonly percentile: number;
  readonly p: number;
  readonly peers: number;
  readonly scope: Scope;
  readonly test: string;
  q?: number;
}

export const peerComparison = defineDetector({
  id: 'peer-comparison',
  pattern: 'peer-outlier',
  params: PeerParams,
  async run(ctx, p) {
    await settlementFacts(ctx);
    const res = await ctx.conn.runAndReadAll(`
      SELECT CASE WHEN GROUPING(dr) = 0 THEN 'doctor' WHEN GROUPING(dept) = 0 THEN 'department' ELSE 'institution' END AS level,
             fixmedins_code, coalesce(dept, '') AS dept, coalesce(dr, '') AS dr, itype, hosp_lv, specialty, admdvs, month, setting,
             count(*) AS n, sum(fee) AS total,
             ${sums}
      FROM dx_settlement
      WHERE setting <> 'op' OR itype = '1'
      GROUP BY GROUPING SETS ((fixmedins_code, itype, hosp_lv, specialty, admdvs, month, setting),
                              (fixmedins_code, itype, hosp_lv, specialty, admdvs, month, setting, dept),
                              (fixmedins_code, itype, hosp_lv, specialty, admdvs, month, setting, dept, dr))
      HAVING count(*) >= ${p.min_volume} AND (GROUPING(dept) = 1 OR dept <> '') AND (GROUPING(dr) = 1 OR dr <> '')`);
    const rows: Row[] = res.getRowObjectsJS().flatMap((r): Row[] => {
      const level = r['level'] as Level;
      if (!p.levels.includes(level)) return [];
      const v: Record<string, number> = {};
      for (const [k, x] of Object.entries(r)) if (/^[sqk]_/.test(k)) v[k] = Number(x ?? 0);
      const inst = text(r['fixmedins_code']);
      return [
        {
          level,
          inst,
          unit: level === 'doctor' ? text(r['dr']) : level === 'department' ? `${inst}/${text(r['dept'])}` : inst,
          itype: text(r['itype']),
          lv: text(r['hosp_lv']),
          specialty: text(r['specialty']),
          admdvs: text(r['admdvs']),
          dept: text(r['dept']),
          month: text(r['month']),
          setting: r['setting'] as Setting,
          n: Number(r['n']),
          total: Number(r['total']),
          v,
        },
      ];
    });
    // One item's share of each institution's revenue per month and setting: its dearest item.
    const top = await ctx.conn.runAndReadAll(`
      WITH i AS (SELECT fixmedins_code, strftime(fee_ocur_time, '%Y-%m') AS month,
                        CASE WHEN med_type_class = '41' THEN 'ph' WHEN med_type_class IN ${INPATIENT} THEN 'ip' ELSE 'op' END AS setting,
                        split_part(med_list_codg, '-', 1) AS item, sum(det_item_fee_sumamt) AS amount, count(*) AS lines
                 FROM fee_line WHERE det_item_fee_sumamt > 0 AND ${windowSql('fee_ocur_time', ctx.window)} GROUP BY ALL)
      SELECT i.fixmedins_code, i.month, i.setting, arg_max(coalesce(c.name, i.item), i.amount), max(i.amount) / sum(i.amount), arg_max(i.lines, i.amount), sum(i.lines)
      FROM i LEFT JOIN catalog c ON c.med_list_codg = i.item GROUP BY ALL`);
    const topOf = new Map<string, { item: string; share: number; k: number; n: number }>();
    for (const x of top.getRows())
      topOf.set(`${text(x[0])}|${text(x[1])}|${text(x[2])}`, { item: text(x[3]), share: Number(x[4]), k: Number(x[5]), n: Number(x[6]) });
    for (const r of rows) {
      const t = r.level === 'institution' ? topOf.get(`${r.inst}|${r.month}|${r.setting}`) : undefined;
      if (t) Object.assign(r.v, { a_top: t.share, k_top: t.k, n_top: t.n });
    }
    const itemOf = (r: Row) => topOf.get(`${r.inst}|${r.month}|${r.setting}`)?.item ?? '';
    const findings = compare(rows, p);
    const q = bhQValues(findings.map((f) => f.p));
    findings.forEach((f, i) => (f.q = q[i] ?? 1));
    const kept = findings.filter((f) => (f.q ?? 1) <= p.max_q);
    return toHits(ctx, kept, p.max_refs, itemOf);
  },
});

/** Every unit-month-metric far above its peers on the robust scale, with its test's p-value (BH comes after). */
export function compare(rows: readonly Row[], p: z.output<typeof PeerParams>): Finding[] {
  const out: Finding[] = [];
  const groups = new Map<string, Row[]>();
  const key = (r: Row, scope: Scope) =>
    [
      r.level,
      r.setting,
      r.month,
      r.itype,
      r.lv,
      r.specialty,
      r.level === 'institution' ? '' : r.dept,
      scope === 'region' ? r.admdvs : '*',
    ].join('|');
  for (const r of rows)
    for (const scope of SCOPES) {
      const k = key(r, scope);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(r);
    }
  for (const r of rows) {
    // The narrowest scope with enough peers: the region, else the city.
    const scope = SCOPES.find((s) => (groups.get(key(r, s))?.length ?? 0) >= p.min_peers);
    if (!scope) continue;
    const peers = groups.get(key(r, scope)) ?? [];
    for (const m of METRICS) {
      if (!m.settings.includes(r.setting)) continue;
      if (m.kind === 'item' && r.v[`a_${m.id}`] === undefined) continue;
      const valueOf = (x: Row) =>
        m.kind === 'item' ? (x.v[`a_${m.id}`] ?? NaN) : m.kind === 'mean' ? (x.v[`s_${m.id}`] ?? 0) / x.n : (x.v[`k_${m.id}`] ?? 0) / x.n;
      const values = peers.map(valueOf).filter((x) => !Number.isNaN(x));
      const value = valueOf(r);
      const med = median(values);
      const z = robustZ(value, med, mad(values));
      if (!(z >= p.min_z) || !(value >= med * p.min_ratio) || value <= 0) continue;
      const rest = peers.filter((x) => x !== r);
      let pValue: number;
      let test: string;
      if (m.kind === 'mean') {
        const pooled = rest.reduce((a, x) => ({ n: a.n + x.n, s: a.s + (x.v[`s_${m.id}`] ?? 0), q: a.q + (x.v[`q_${m.id}`] ?? 0) }), {
          n: 0,
          s: 0,
          q: 0,
        });
        const self: Summary = summaryOf(r.n, r.v[`s_${m.id}`] ?? 0, r.v[`q_${m.id}`] ?? 0);
        const t = welchTFromSummary(self, summaryOf(pooled.n, pooled.s, pooled.q));
        pValue = t.t > 0 ? t.p / 2 : 1;
        test = `Welch t = ${num(t.t)}`;
      } else {
        const nOf = (x: Row) => (m.kind === 'item' ? (x.v[`n_${m.id}`] ?? 0) : x.n);
        const k2 = rest.reduce((a, x) => a + (x.v[`k_${m.id}`] ?? 0), 0);
        const n2 = rest.reduce((a, x) => a + nOf(x), 0);
        const c = proportionTest(r.v[`k_${m.id}`] ?? 0, nOf(r), k2, n2);
        pValue = value > k2 / Math.max(1, n2) ? c.p / 2 : 1;
        test = `χ² = ${num(c.chi2)}`;
      }
      out.push({
        row: r,
        metric: m,
        value,
        median: med,
        z,
        percentile: percentileRank(value, values),
        p: pValue,
        peers: peers.length,
        scope,
        test,
      });
    }
  }
  return out;
}

const show = (m: Metric, x: number) => (m.unit === 'yuan' ? yuan(x) : m.unit === 'days' ? `${num(x, 1)} 天` : pct(x));

async function toHits(
  ctx: DetectorContext,
  findings: readonly Finding[],
  maxRefs: number,
  itemOf: (r: Row) => string,
): Promise<DetectorHit[]> {
  // One hit per unit-month-setting; its metrics are the flagged ones, the first the most deviant.
  const byUnit = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${f.row.level}|${f.row.unit}|${f.row.month}|${f.row.setting}`;
    byUnit.set(k, [...(byUnit.get(k) ?? []), f]);
  }
  if (byUnit.size === 0) return [];
  // The dearest settlements of each unit-month as its 违规项 (examples an inspector can open).
  const keys = [...byUnit.values()].map((fs) => {
    const r = (fs[0] as Finding).row;
    return { level: r.level, inst: r.inst, dept: r.dept, dr: r.level === 'doctor' ? r.unit : '', month: r.month, setting: r.setting };
  });
  const refs = await ctx.conn.runAndReadAll(
    `WITH k AS (SELECT unnest(from_json($keys, '[{"level":"VARCHAR","inst":"VARCHAR","dept":"VARCHAR","dr":"VARCHAR","month":"VARCHAR","setting":"VARCHAR"}]'), recursive := true))
     SELECT k.level, k.inst, k.dept, k.dr, k.month, k.setting, list('setl:' || s.fixmedins_code || ':' || s.setl_id ORDER BY s.fee DESC, s.setl_id)[1:${maxRefs}],
            list(s.fee ORDER BY s.fee DESC, s.setl_id)[1:${maxRefs}], min(s.day)
     FROM k JOIN dx_settlement s ON s.fixmedins_code = k.inst AND s.month = k.month AND s.setting = k.setting
       AND (k.level = 'institution' OR s.dept = k.dept) AND (k.level <> 'doctor' OR s.dr = k.dr)
     GROUP BY ALL`,
    { keys: JSON.stringify(keys) },
  );
  const refOf = new Map<string, { refs: string[]; fees: number[]; first: string }>();
  for (const r of refs.getRows())
    refOf.set(`${text(r[0])}|${text(r[1])}|${text(r[2])}|${text(r[3])}|${text(r[4])}|${text(r[5])}`, {
      refs: items(r[6]).map(String),
      fees: items(r[7]).map(Number),
      first: text(r[8]),
    });
  const hits: DetectorHit[] = [];
  for (const fs of byUnit.values()) {
    fs.sort((a, b) => b.z - a.z);
    const top = fs[0] as Finding;
    const r = top.row;
    const k = refOf.get(`${r.level}|${r.inst}|${r.dept}|${r.level === 'doctor' ? r.unit : ''}|${r.month}|${r.setting}`);
    if (!k) continue;
    const excess = Math.max(...fs.map((f) => (f.metric.id === 'cash' ? 0 : r.total * Math.max(0, 1 - f.median / f.value))));
    const place = ctx.institution(r.inst);
    const who = r.level === 'institution' ? place : r.level === 'department' ? `${place} 科室 ${r.dept}` : `${place} 医师 ${r.unit}`;
    const where = top.scope === 'region' ? '同地区同类同级' : '全市同类同级';
    const peersText = `${where}${r.specialty ? `(${r.specialty})` : ''}${LEVEL_ZH[r.level]} ${top.peers} 个`;
    const parts = fs.map(
      (f) =>
        `${f.metric.name}${f.metric.kind === 'item' ? ` (${itemOf(f.row)})` : ''} ${show(f.metric, f.value)}, 同级中位数 ${show(f.metric, f.median)}, 第 ${num(f.percentile, 0)} 百分位, 稳健 z = ${num(f.z, 1)}, q = ${f.q?.toExponential(1) ?? ''}`,
    );
    hits.push({
      vola_cont: `${who} ${r.month} ${SETTING_ZH[r.setting]} ${parts.join('; ')} (对比${peersText}, ${r.n} 次结算)`,
      vola_amt: excess,
      score: top.z * Math.sqrt(r.n),
      occurred_on: k.first,
      fixmedins_code: r.inst,
      ...(r.level === 'doctor' ? { dr_codg: r.unit } : {}),
      details: [
        ...k.refs.map((ref, i) => ({ type: 1 as const, ref, amount: k.fees[i] ?? 0 })),
        { type: 2 as const, ref: `inst:${r.inst}` },
      ],
      evidence: {
        level: r.level,
        unit: r.unit,
        month: r.month,
        setting: r.setting,
        settlements: r.n,
        total: Math.round(r.total * 100) / 100,
        peers: top.peers,
        scope: top.scope,
        metrics: fs.map((f) => ({
          metric: f.metric.id,
          ...(f.metric.kind === 'item' ? { item: itemOf(f.row) } : {}),
          name: f.metric.name,
          value: f.value,
          peer_median: f.median,
          percentile: f.percentile,
          robust_z: f.z,
          test: f.test,
          p: f.p,
          q: f.q,
        })),
      },
    });
  }
  return hits;
}
