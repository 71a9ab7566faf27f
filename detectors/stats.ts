// Statistics for the fraud detectors: robust location/scale, Welch t, chi-square, Benjamini–Hochberg,
// Mahalanobis distance with a deterministic MCD-style covariance, first-two-digit Benford.
// Pure functions over plain numbers and arrays; special functions follow Numerical Recipes (betacf, gser/gcf),
// log-gamma is simple-statistics' Lanczos approximation.
import { Matrix, pseudoInverse } from 'ml-matrix';
import { gammaln, mean as ssMean, median as ssMedian, sampleVariance } from 'simple-statistics';

/** Scale that makes the MAD a consistent estimator of σ for normal data (1 / Φ⁻¹(3/4)). */
export const MAD_SCALE = 1.4826;

const EPS = 1e-15;
const FPMIN = 1e-300;
const MAX_ITER = 1000;

// ---------------------------------------------------------------------------------------------
// Robust location and scale

/** Median of `xs`. NaN for an empty array or when any element is NaN. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0 || xs.some(Number.isNaN)) return NaN;
  return ssMedian(xs);
}

/**
 * Median absolute deviation, raw (unscaled): median(|x − median(xs)|).
 * NaN for an empty array or when any element is NaN. Multiply by {@link MAD_SCALE} for a σ estimate.
 */
export function mad(xs: readonly number[]): number {
  const med = median(xs);
  if (Number.isNaN(med)) return NaN;
  return ssMedian(xs.map((x) => Math.abs(x - med)));
}

/**
 * Robust z-score (x − med) / (1.4826 × madValue).
 * When madValue is 0: 0 if x equals med, otherwise Infinity or -Infinity with the sign of x − med.
 * NaN if any argument is NaN.
 */
export function robustZ(x: number, med: number, madValue: number): number {
  if (Number.isNaN(x) || Number.isNaN(med) || Number.isNaN(madValue)) return NaN;
  const diff = x - med;
  if (madValue === 0) return diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
  return diff / (MAD_SCALE * madValue);
}

/**
 * Mid-rank percentile of x among xs, 0–100: 100 × (count(< x) + 0.5 × count(= x)) / n.
 * NaN elements of xs are ignored (not counted in n); NaN when x is NaN or no non-NaN element remains.
 */
export function percentileRank(x: number, xs: readonly number[]): number {
  if (Number.isNaN(x)) return NaN;
  let n = 0;
  let below = 0;
  let equal = 0;
  for (const v of xs) {
    if (Number.isNaN(v)) continue;
    n++;
    if (v < x) below++;
    else if (v === x) equal++;
  }
  return n === 0 ? NaN : (100 * (below + 0.5 * equal)) / n;
}

// ---------------------------------------------------------------------------------------------
// Special functions

/** Continued fraction for the incomplete beta function (Numerical Recipes `betacf`, modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** I_x(a, b) given x and y = 1 − x separately, so callers can pass an exact complement. */
function betaInc(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnFront = gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(y);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betacf(a, b, x)) / a;
  return 1 - (front * betacf(b, a, y)) / b;
}

/**
 * Regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1.
 * NaN outside that domain or for NaN arguments.
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) return NaN;
  return betaInc(x, 1 - x, a, b);
}

/** Series for P(a, x), valid for x < a + 1 (Numerical Recipes `gser`). */
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 1; n <= MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - gammaln(a));
}

/** Continued fraction for Q(a, x), valid for x ≥ a + 1 (Numerical Recipes `gcf`, modified Lentz). */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - gammaln(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) for a > 0, x ≥ 0 (1 at x = Infinity). NaN outside the domain. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/**
 * Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly in the upper tail
 * so small values keep their relative precision. NaN outside a > 0, x ≥ 0.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

// ---------------------------------------------------------------------------------------------
// Student t and Welch's test

/** Two-sided tail P(|T| ≥ |t|) for Student t with df degrees of freedom (df = Infinity: standard normal). */
function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  if (df === Infinity) return regularizedGammaQ(0.5, (t * t) / 2);
  const t2 = t * t;
  // P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2); pass the complement t²/(df+t²) exactly.
  return betaInc(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/**
 * Student t cumulative distribution function P(T ≤ t) with df > 0 degrees of freedom (need not be an
 * integer; df = Infinity gives the standard normal CDF). NaN for NaN arguments or df ≤ 0.
 */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSided(t, df) / 2;
  if (Number.isNaN(tail)) return NaN;
  return t > 0 ? 1 - tail : tail;
}

/** Result of a two-sample test: statistic, degrees of freedom, two-sided p-value. */
export interface TTestResult {
  t: number;
  df: number;
  p: number;
}

/**
 * Welch's unequal-variance t test of mean(a) − mean(b), Welch–Satterthwaite df, two-sided p.
 * All NaN if either sample has fewer than 2 observations (NaN values propagate). When both samples
 * have zero variance the standard error is 0: t is ±Infinity (means differ, p = 0) or NaN (means equal),
 * and df is NaN.
 */
export function welchT(a: readonly number[], b: readonly number[]): TTestResult {
  if (a.length < 2 || b.length < 2) return { t: NaN, df: NaN, p: NaN };
  return welchTFromSummary(
    { n: a.length, mean: ssMean(a), variance: sampleVariance(a) },
    { n: b.length, mean: ssMean(b), variance: sampleVariance(b) },
  );
}

/** A sample by its size, mean and sample variance (divisor n − 1): what SQL aggregates give. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** The sample variance (divisor n − 1) from n, Σx and Σx²; 0 when rounding makes it negative. */
export function summaryOf(n: number, sum: number, sumSquares: number): Summary {
  const mean = sum / n;
  return { n, mean, variance: n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : NaN };
}

/** Welch's t test from two samples' summaries (same conventions as `welchT`). */
export function welchTFromSummary(a: Summary, b: Summary): TTestResult {
  if (a.n < 2 || b.n < 2) return { t: NaN, df: NaN, p: NaN };
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  const t = (a.mean - b.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const p = Number.isNaN(t) ? NaN : !Number.isFinite(t) ? 0 : studentTTwoSided(t, df);
  return { t, df, p };
}

// ---------------------------------------------------------------------------------------------
// Chi-square

/** Chi-square survival function P(X > x) with df > 0 degrees of freedom: Q(df/2, x/2). 1 for x ≤ 0; NaN for NaN or df ≤ 0. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** Result of a chi-square test. */
export interface ChiSquareResult {
  chi2: number;
  df: number;
  p: number;
}

/**
 * Pearson chi-square test of independence on an r×c contingency table of counts (no continuity correction);
 * p is the upper tail of chi-square with (r−1)(c−1) df. Rows and columns whose total is 0 are dropped first;
 * if fewer than 2 rows or 2 columns remain (including an empty table) the result is { chi2: 0, df: 0, p: 1 }.
 * Throws RangeError for ragged rows or cells that are negative or not finite.
 */
export function chiSquare(observed: readonly (readonly number[])[]): ChiSquareResult {
  const cols = observed[0]?.length ?? 0;
  const rowSums: number[] = [];
  const colSums = new Array<number>(cols).fill(0);
  for (const row of observed) {
    if (row.length !== cols) throw new RangeError('chiSquare: rows of different lengths');
    let s = 0;
    row.forEach((v, j) => {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`chiSquare: invalid count ${v}`);
      s += v;
      colSums[j] = (colSums[j] ?? 0) + v;
    });
    rowSums.push(s);
  }
  const rowsKept = rowSums.flatMap((s, i) => (s > 0 ? [i] : []));
  const colsKept = colSums.flatMap((s, j) => (s > 0 ? [j] : []));
  if (rowsKept.length < 2 || colsKept.length < 2) return { chi2: 0, df: 0, p: 1 };
  const total = rowSums.reduce((acc, s) => acc + s, 0);
  let chi2 = 0;
  for (const i of rowsKept) {
    for (const j of colsKept) {
      const expected = ((rowSums[i] ?? 0) * (colSums[j] ?? 0)) / total;
      const diff = (observed[i]?.[j] ?? 0) - expected;
      chi2 += (diff * diff) / expected;
    }
  }
  const df = (rowsKept.length - 1) * (colsKept.length - 1);
  return { chi2, df, p: chiSquareSf(chi2, df) };
}

/**
 * Two-proportion test, one group (k1 of n1) against its peers (k2 of n2), as the 2×2 chi-square test
 * [[k1, n1 − k1], [k2, n2 − k2]] (no continuity correction). Throws RangeError unless 0 ≤ k ≤ n for both.
 */
export function proportionTest(k1: number, n1: number, k2: number, n2: number): ChiSquareResult {
  if (!(k1 >= 0 && k1 <= n1) || !(k2 >= 0 && k2 <= n2)) throw new RangeError('proportionTest: need 0 ≤ k ≤ n');
  return chiSquare([
    [k1, n1 - k1],
    [k2, n2 - k2],
  ]);
}

// ---------------------------------------------------------------------------------------------
// Multiple testing

/**
 * Benjamini–Hochberg adjusted p-values (q-values) in input order: q_(i) = min_{j ≥ i} p_(j) · m / j, capped at 1.
 * NaN p-values get NaN and are not counted in m. Empty input gives [].
 */
export function bhQValues(p: readonly number[]): number[] {
  const order = p.flatMap((v, i) => (Number.isNaN(v) ? [] : [i])).sort((i, j) => (p[i] ?? 0) - (p[j] ?? 0) || i - j);
  const m = order.length;
  const q = p.map(() => NaN);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const idx = order[rank - 1] ?? 0;
    running = Math.min(running, ((p[idx] ?? NaN) * m) / rank);
    q[idx] = running;
  }
  return q;
}

// ---------------------------------------------------------------------------------------------
// Mahalanobis distance and robust covariance

/** A covariance matrix: an ml-matrix Matrix or a square array of rows. */
export type CovarianceInput = Matrix | readonly (readonly number[])[];

/** Moore–Penrose pseudo-inverse of a covariance matrix (equals the inverse when it is nonsingular). */
function precisionOf(cov: CovarianceInput, dim: number): number[][] {
  const m = cov instanceof Matrix ? cov : new Matrix(cov.map((r) => [...r]));
  if (m.rows !== dim || m.columns !== dim) throw new RangeError(`covariance must be ${dim}×${dim}, got ${m.rows}×${m.columns}`);
  return pseudoInverse(m).to2DArray();
}

function centred(x: readonly number[], mean: readonly number[]): number[] {
  if (x.length !== mean.length) throw new RangeError(`vector length ${x.length} differs from mean length ${mean.length}`);
  return x.map((v, i) => v - (mean[i] ?? 0));
}

function matVec(a: readonly (readonly number[])[], v: readonly number[]): number[] {
  return a.map((row) => row.reduce((acc, aij, j) => acc + aij * (v[j] ?? 0), 0));
}

function quadForm(diff: readonly number[], precision: readonly (readonly number[])[]): number {
  const w = matVec(precision, diff);
  return Math.max(
    0,
    diff.reduce((acc, d, i) => acc + d * (w[i] ?? 0), 0),
  );
}

/**
 * Squared Mahalanobis distance (x − μ)ᵀ Σ⁺ (x − μ). Σ⁺ is the Moore–Penrose pseudo-inverse (ml-matrix, SVD with
 * relative cutoff), which is the ordinary inverse for a nonsingular Σ; for a singular Σ, deviations along
 * zero-variance directions contribute nothing. Throws RangeError on dimension mismatch.
 */
export function mahalanobisSquared(x: readonly number[], mean: readonly number[], cov: CovarianceInput): number {
  const diff = centred(x, mean);
  return quadForm(diff, precisionOf(cov, diff.length));
}

/** Mahalanobis distance, the square root of {@link mahalanobisSquared} (same singular-covariance handling). */
export function mahalanobis(x: readonly number[], mean: readonly number[], cov: CovarianceInput): number {
  return Math.sqrt(mahalanobisSquared(x, mean, cov));
}

/**
 * Each coordinate's contribution (x − μ)_i · (Σ⁺(x − μ))_i to the squared Mahalanobis distance; they sum to
 * {@link mahalanobisSquared}. With correlated metrics a contribution can be negative.
 */
export function contributions(x: readonly number[], mean: readonly number[], cov: CovarianceInput): number[] {
  const diff = centred(x, mean);
  const w = matVec(precisionOf(cov, diff.length), diff);
  return diff.map((d, i) => d * (w[i] ?? 0));
}

/** Location and scatter estimate. */
export interface CovarianceEstimate {
  mean: number[];
  cov: number[][];
}

/** Options of {@link robustCovariance}. */
export interface RobustCovarianceOptions {
  /** Share of rows kept in each C-step, in (0, 1]; default 0.75. */
  support?: number;
  /** Maximum number of C-steps, ≥ 0; default 20 (0 returns the median/MAD starting estimate). */
  iterations?: number;
}

function meanAndCov(rows: readonly (readonly number[])[], dim: number): CovarianceEstimate {
  const n = rows.length;
  const mean = Array.from({ length: dim }, (_, j) => rows.reduce((acc, r) => acc + (r[j] ?? 0), 0) / n);
  const cov = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const divisor = Math.max(n - 1, 1);
  for (const r of rows) {
    const d = centred(r, mean);
    for (let i = 0; i < dim; i++) {
      const covI = cov[i] ?? [];
      for (let j = 0; j < dim; j++) covI[j] = (covI[j] ?? 0) + ((d[i] ?? 0) * (d[j] ?? 0)) / divisor;
    }
  }
  return { mean, cov };
}

/**
 * Deterministic MCD-style robust location and covariance of `rows` (n observations × p metrics).
 * Start: coordinatewise median and diagonal covariance (1.4826 × MAD_j)². Each C-step keeps the
 * h = ceil(support × n) rows with the smallest Mahalanobis distance under the current estimate (ties broken
 * by row index) and recomputes the mean and sample covariance (divisor h − 1) of those rows; it stops when the
 * kept set repeats or after `iterations` steps. No randomness, a single start, and no consistency
 * correction (the raw MCD covariance is somewhat too small for normal data, so distances run a little
 * high). Singular estimates are handled with the pseudo-inverse (see {@link mahalanobisSquared}).
 * Throws RangeError for no rows, rows of different lengths, non-finite values or options out of range.
 */
export function robustCovariance(rows: readonly (readonly number[])[], opts: RobustCovarianceOptions = {}): CovarianceEstimate {
  const support = opts.support ?? 0.75;
  const iterations = opts.iterations ?? 20;
  if (!(support > 0 && support <= 1)) throw new RangeError(`robustCovariance: support must be in (0, 1], got ${support}`);
  if (!(iterations >= 0)) throw new RangeError(`robustCovariance: iterations must be ≥ 0, got ${iterations}`);
  const n = rows.length;
  const dim = rows[0]?.length ?? 0;
  if (n === 0) throw new RangeError('robustCovariance: no rows');
  for (const r of rows) {
    if (r.length !== dim) throw new RangeError('robustCovariance: rows of different lengths');
    if (!r.every(Number.isFinite)) throw new RangeError('robustCovariance: non-finite value');
  }
  // The tolerance keeps e.g. 0.7 × 10 = 7.000000000000001 from rounding up to 8.
  const h = Math.min(n, Math.max(1, Math.ceil(support * n - 1e-9)));

  const columns = Array.from({ length: dim }, (_, j) => rows.map((r) => r[j] ?? 0));
  let estimate: CovarianceEstimate = {
    mean: columns.map((c) => median(c)),
    cov: columns.map((c, j) => columns.map((_, k) => (j === k ? (MAD_SCALE * mad(c)) ** 2 : 0))),
  };
  let previous: string | undefined;
  for (let step = 0; step < iterations; step++) {
    const precision = precisionOf(estimate.cov, dim);
    const { mean } = estimate;
    const d2 = rows.map((r) => quadForm(centred(r, mean), precision));
    const kept = rows
      .map((_, i) => i)
      .sort((i, j) => (d2[i] ?? 0) - (d2[j] ?? 0) || i - j)
      .slice(0, h)
      .sort((i, j) => i - j);
    const key = kept.join(',');
    if (key === previous) break;
    previous = key;
    estimate = meanAndCov(
      kept.map((i) => rows[i] ?? []),
      dim,
    );
  }
  return estimate;
}

// ---------------------------------------------------------------------------------------------
// Benford

/**
 * First two significant digits (10–99) of a positive finite number, read from its shortest round-trip
 * decimal form (so 12.3 gives 12 although its double is 12.2999…). NaN for zero, negative or non-finite input.
 */
export function firstTwoDigits(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return NaN;
  const s = x.toExponential(); // "d.ddd…e±k" or "de±k"
  const second = s[1] === '.' ? s.charCodeAt(2) - 48 : 0;
  return (s.charCodeAt(0) - 48) * 10 + second;
}

/** Result of the first-two-digit Benford test. */
export interface BenfordResult {
  /** Amounts tested (finite and ≥ 10). */
  n: number;
  /** Mean absolute deviation between observed and expected proportions over the 90 digit pairs. */
  mad: number;
  /** Pearson chi-square against the Benford proportions, 89 df. */
  chi2: number;
  /** Upper-tail p-value of chi2. */
  p: number;
  /** mad ≤ 0.0022 (Nigrini's first-two-digit nonconformity threshold). */
  conforming: boolean;
  /** log10(max / min) of the tested amounts: the orders of magnitude they span. */
  span: number;
}

/**
 * First-two-digit Benford test on `amounts`: expected P(d) = log10(1 + 1/d) for d = 10…99.
 * Only finite amounts ≥ 10 are tested; NaN, ±Infinity, negatives (refunds, reversals), zero and amounts
 * below 10 are skipped. Nigrini's MAD bands: < 0.0012 close, 0.0012–0.0018 acceptable,
 * 0.0018–0.0022 marginal, > 0.0022 nonconformity. With nothing tested: n 0, mad/chi2/p/span NaN,
 * conforming false.
 */
export function benfordFirstTwo(amounts: readonly number[]): BenfordResult {
  const counts = new Array<number>(100).fill(0);
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const a of amounts) {
    if (!(a >= 10) || !Number.isFinite(a)) continue;
    const d = firstTwoDigits(a);
    counts[d] = (counts[d] ?? 0) + 1;
    n++;
    if (a < min) min = a;
    if (a > max) max = a;
  }
  if (n === 0) return { n: 0, mad: NaN, chi2: NaN, p: NaN, conforming: false, span: NaN };
  const b = benfordOfCounts(counts.slice(10));
  return { ...b, conforming: b.mad <= 0.0022, span: Math.log10(max / min) };
}

/**
 * The same test from first-two-digit counts (index 0 = digits 10 … index 89 = digits 99), as SQL
 * counts them: n, MAD against the Benford proportions, Pearson chi-square and its p (89 df).
 */
export function benfordOfCounts(counts: readonly number[]): { n: number; mad: number; chi2: number; p: number } {
  const n = counts.reduce((a, c) => a + c, 0);
  let absDev = 0;
  let chi2 = 0;
  for (let d = 10; d <= 99; d++) {
    const expected = Math.log10(1 + 1 / d);
    const observed = counts[d - 10] ?? 0;
    absDev += Math.abs(observed / n - expected);
    chi2 += (observed - n * expected) ** 2 / (n * expected);
  }
  return { n, mad: absDev / 90, chi2, p: chiSquareSf(chi2, 89) };
}
