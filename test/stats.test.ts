// Every expected value here is worked by hand (arithmetic in the comment), taken from a standard table,
// a closed form, or an independent numerical integration — never from the code under test.
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  MAD_SCALE,
  benfordFirstTwo,
  bhQValues,
  chiSquare,
  chiSquareSf,
  contributions,
  firstTwoDigits,
  mad,
  mahalanobis,
  mahalanobisSquared,
  median,
  percentileRank,
  proportionTest,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  robustCovariance,
  robustZ,
  studentTCdf,
  welchT,
  welchTFromSummary,
  summaryOf,
} from '../detectors/stats.js';

/** Two-sided Student-t tail by Simpson's rule, an oracle independent of the incomplete beta:
 * P(|T| ≥ t) = ∫_t^∞ f / ∫_0^∞ f with f(u) = (1 + u²/ν)^(−(ν+1)/2); the constant cancels.
 * Substituting u = tan θ maps [0, ∞) to [0, π/2): integrand f(tan θ) / cos²θ. */
function tTailByQuadrature(t: number, nu: number): number {
  const g = (theta: number) => (1 + Math.tan(theta) ** 2 / nu) ** (-(nu + 1) / 2) / Math.cos(theta) ** 2;
  const simpson = (lo: number, hi: number, n = 20_000) => {
    const step = (hi - lo) / n;
    let s = g(lo) + g(hi);
    for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * g(lo + i * step);
    return (s * step) / 3;
  };
  return simpson(Math.atan(Math.abs(t)), Math.PI / 2) / simpson(0, Math.PI / 2);
}

describe('median, mad, robustZ, percentileRank', () => {
  it('median: odd and even lengths, empty and NaN', () => {
    expect(median([3, 1, 2])).toBe(2); // sorted 1,2,3 → middle 2
    expect(median([4, 1, 3, 2])).toBe(2.5); // sorted 1,2,3,4 → (2+3)/2
    expect(median([])).toBeNaN();
    expect(median([1, NaN, 3])).toBeNaN();
  });

  it('mad is the raw median absolute deviation', () => {
    // median 2; |x−2| = 1,1,0,0,2,4,7 → sorted 0,0,1,1,2,4,7 → median 1
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
    // median 2.5; |x−2.5| = 1.5,0.5,0.5,1.5 → median (0.5+1.5)/2 = 1
    expect(mad([1, 2, 3, 4])).toBe(1);
    expect(mad([5, 5, 5])).toBe(0);
    expect(mad([])).toBeNaN();
  });

  it('robustZ scales by 1.4826 × MAD; MAD 0 gives 0 or ±Infinity', () => {
    expect(MAD_SCALE).toBe(1.4826);
    expect(robustZ(9, 2, 1)).toBeCloseTo(7 / 1.4826, 12); // (9−2)/(1.4826×1) = 4.72144
    expect(robustZ(9, 2, 1)).toBeCloseTo(4.72144, 5);
    expect(robustZ(0, 2, 2)).toBeCloseTo(-2 / 2.9652, 12); // (0−2)/(1.4826×2)
    expect(robustZ(3, 3, 0)).toBe(0);
    expect(robustZ(4, 3, 0)).toBe(Infinity);
    expect(robustZ(2, 3, 0)).toBe(-Infinity);
    expect(robustZ(NaN, 3, 1)).toBeNaN();
  });

  it('percentileRank uses mid-ranks for ties', () => {
    expect(percentileRank(2, [1, 2, 3, 4])).toBe(37.5); // 100×(1 + 0.5×1)/4
    expect(percentileRank(2, [1, 2, 2, 2, 5])).toBe(50); // 100×(1 + 0.5×3)/5 = 250/5
    expect(percentileRank(0, [1, 2])).toBe(0); // none ≤ 0
    expect(percentileRank(9, [1, 2])).toBe(100); // 100×2/2
    expect(percentileRank(2, [1, NaN, 3])).toBe(50); // NaN ignored: 100×1/2
    expect(percentileRank(2, [])).toBeNaN();
    expect(percentileRank(NaN, [1])).toBeNaN();
  });
});

describe('special functions', () => {
  it('regularizedBeta against closed forms (both continued-fraction branches)', () => {
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12); // I_x(1,1) = x
    expect(regularizedBeta(0.2, 3, 1)).toBeCloseTo(0.008, 12); // I_x(a,1) = x^a = 0.2³
    expect(regularizedBeta(0.9, 1, 2)).toBeCloseTo(0.99, 12); // I_x(1,b) = 1 − (1−x)^b = 1 − 0.01
    expect(regularizedBeta(0.5, 2.5, 2.5)).toBeCloseTo(0.5, 12); // symmetry I_½(a,a) = ½
    // I_x(2,2) = 3x² − 2x³: x = 0.25 → 0.1875 − 0.03125 = 0.15625; x = 0.75 → 1.6875 − 0.84375 = 0.84375
    expect(regularizedBeta(0.25, 2, 2)).toBeCloseTo(0.15625, 12);
    expect(regularizedBeta(0.75, 2, 2)).toBeCloseTo(0.84375, 12);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(1.5, 2, 3)).toBeNaN();
    expect(regularizedBeta(0.5, 0, 3)).toBeNaN();
  });

  it('regularized incomplete gamma against closed forms and the erf table', () => {
    // P(1, x) = 1 − e^−x: series branch (x < a+1) and continued fraction (x ≥ a+1)
    expect(regularizedGammaP(1, 0.5)).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(regularizedGammaP(1, 5)).toBeCloseTo(1 - Math.exp(-5), 12);
    // Q(3, x) = e^−x (1 + x + x²/2): x = 2 → e^−2 × 5 = 0.676676; x = 10 → e^−10 × 61 = 0.0027694
    expect(regularizedGammaQ(3, 2)).toBeCloseTo(5 * Math.exp(-2), 12);
    expect(regularizedGammaQ(3, 10)).toBeCloseTo(61 * Math.exp(-10), 14);
    // P(½, x²) = erf(x); erf(1) = 0.8427007929 (Abramowitz & Stegun table 7.1)
    expect(regularizedGammaP(0.5, 1)).toBeCloseTo(0.8427007929, 9);
    // Q(1, 50) = e^−50 = 1.9287e−22: the upper tail keeps relative precision
    expect(regularizedGammaQ(1, 50) / Math.exp(-50)).toBeCloseTo(1, 10);
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaP(-1, 1)).toBeNaN();
    expect(regularizedGammaQ(1, -1)).toBeNaN();
  });
});

describe('Student t and Welch', () => {
  it('studentTCdf: closed forms for df 1, 2, 3', () => {
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12); // Cauchy: ½ + atan(1)/π = ½ + ¼
    expect(studentTCdf(-1, 1)).toBeCloseTo(0.25, 12);
    // df 2: F(t) = ½ + t / (2√(t²+2)); t = 0.5 → ½ + 0.5/(2×1.5) = 2/3; t = 4 → ½ + 4/(2√18) = 0.9714045
    expect(studentTCdf(0.5, 2)).toBeCloseTo(2 / 3, 12);
    expect(studentTCdf(4, 2)).toBeCloseTo(0.5 + 4 / (2 * Math.sqrt(18)), 12);
    expect(studentTCdf(-4, 2)).toBeCloseTo(0.5 - 4 / (2 * Math.sqrt(18)), 12);
    // df 3: F(t) = ½ + (θ + sinθ cosθ)/π, θ = atan(t/√3); t = √3 → θ = π/4 → ½ + ¼ + (½)/π = 0.9091549
    // (table: t_0.90 = 1.638, t_0.95 = 2.353 for df 3, and 1.638 < √3 < 2.353)
    expect(studentTCdf(Math.sqrt(3), 3)).toBeCloseTo(0.75 + 0.5 / Math.PI, 12);
    expect(studentTCdf(0, 7.3)).toBe(0.5);
  });

  it('studentTCdf: two-sided 5% critical values from the t table', () => {
    // t_{0.975}: df 5 → 2.571, df 10 → 2.228, df 30 → 2.042 (3-decimal table values → tolerance 1e-4)
    expect(studentTCdf(2.571, 5)).toBeCloseTo(0.975, 4);
    expect(studentTCdf(2.228, 10)).toBeCloseTo(0.975, 4);
    expect(studentTCdf(2.042, 30)).toBeCloseTo(0.975, 4);
    expect(studentTCdf(-2.228, 10)).toBeCloseTo(0.025, 4);
    // df 1, t_{0.995} = 63.657 (upper tail 0.005)
    expect(studentTCdf(63.657, 1)).toBeCloseTo(0.995, 5);
    // df = ∞ is the normal: Φ(1.959964) = 0.975
    expect(studentTCdf(1.959964, Infinity)).toBeCloseTo(0.975, 6);
    expect(studentTCdf(Infinity, 4)).toBe(1);
    expect(studentTCdf(-Infinity, 4)).toBe(0);
    expect(studentTCdf(1, 0)).toBeNaN();
    expect(studentTCdf(NaN, 3)).toBeNaN();
  });

  it('welchTFromSummary: the worked example from n, Σx and Σx² (what SQL aggregates give)', () => {
    // a = 1..5: n 5, Σx 15, Σx² 55 → mean 3, s² = (55 − 5×9)/4 = 2.5;  b = 2,4,..,10: Σx 30, Σx² 220 → mean 6, s² = (220 − 180)/4 = 10
    const a = summaryOf(5, 15, 55);
    const b = summaryOf(5, 30, 220);
    expect(a).toEqual({ n: 5, mean: 3, variance: 2.5 });
    expect(b).toEqual({ n: 5, mean: 6, variance: 10 });
    const r = welchTFromSummary(a, b);
    expect(r.t).toBeCloseTo(-1.897367, 6);
    expect(r.df).toBeCloseTo(5.882353, 6);
    expect(welchTFromSummary(summaryOf(1, 3, 9), b).t).toBeNaN();
  });

  it('welchT on the worked example', () => {
    // a: mean 3, s² = (4+1+0+1+4)/4 = 2.5 → s²/n = 0.5;  b: mean 6, s² = (16+4+0+4+16)/4 = 10 → s²/n = 2
    // t = (3−6)/√(0.5+2) = −3/1.581139 = −1.897367
    // df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.882353
    const r = welchT([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(r.t).toBeCloseTo(-3 / Math.sqrt(2.5), 12);
    expect(r.t).toBeCloseTo(-1.897367, 6);
    expect(r.df).toBeCloseTo(6.25 / 1.0625, 12);
    expect(r.df).toBeCloseTo(5.882353, 6);
    // Table bracket: one-sided t_{0.95} is 2.015 (df 5) and 1.943 (df 6), t_{0.90} is 1.476 / 1.440,
    // so 1.897 lies between → one-sided p ∈ (0.05, 0.10), two-sided p ∈ (0.10, 0.20).
    expect(r.p).toBeGreaterThan(0.1);
    expect(r.p).toBeLessThan(0.2);
    // Independent value: Simpson integration of the t density at the non-integer df.
    expect(r.p).toBeCloseTo(tTailByQuadrature(3 / Math.sqrt(2.5), 6.25 / 1.0625), 6);
    // Swapping the groups flips the sign only.
    const s = welchT([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]);
    expect(s.t).toBeCloseTo(1.897367, 6);
    expect(s.p).toBeCloseTo(r.p, 12);
  });

  it('welchT with equal sizes and variances: df = 2(n−1), p from the table', () => {
    // a = [0, 2], b = [4, 6] → both s² = 2, s²/n = 1; t = (1−5)/√2 = −2.828427; df = 2²/(1/1 + 1/1) = 2
    // df 2: two-sided p = 1 − |t|/√(t²+2) = 1 − 2.828427/√10 = 1 − 0.894427 = 0.105573
    const r = welchT([0, 2], [4, 6]);
    expect(r.t).toBeCloseTo(-2 * Math.SQRT2, 12);
    expect(r.df).toBeCloseTo(2, 12);
    expect(r.p).toBeCloseTo(1 - Math.sqrt(8) / Math.sqrt(10), 12);
  });

  it('welchT edge cases', () => {
    expect(welchT([1], [1, 2])).toEqual({ t: NaN, df: NaN, p: NaN });
    // both constant, means differ → se 0: t −Infinity, p 0, df NaN (0/0)
    const c = welchT([1, 1, 1], [2, 2]);
    expect(c.t).toBe(-Infinity);
    expect(c.p).toBe(0);
    expect(c.df).toBeNaN();
    expect(welchT([1, 1], [1, 1]).p).toBeNaN();
    // one constant group: df = (vb)²/(vb²/(nb−1)) = nb − 1; b = [0, 2] → s²/n = 1, t = (1−1)/1 = 0, p = 1
    expect(welchT([1, 1, 1], [0, 2])).toEqual({ t: 0, df: 1, p: 1 });
  });
});

describe('chi-square', () => {
  it('chiSquareSf against the chi-square table and closed forms', () => {
    // 5% critical values: df 1 → 3.841, df 2 → 5.991, df 4 → 9.488, df 10 → 18.307, df 30 → 43.773, df 100 → 124.342
    expect(chiSquareSf(3.841, 1)).toBeCloseTo(0.05, 4);
    expect(chiSquareSf(5.991, 2)).toBeCloseTo(0.05, 4);
    expect(chiSquareSf(9.488, 4)).toBeCloseTo(0.05, 4);
    expect(chiSquareSf(18.307, 10)).toBeCloseTo(0.05, 4);
    expect(chiSquareSf(43.773, 30)).toBeCloseTo(0.05, 4);
    expect(chiSquareSf(124.342, 100)).toBeCloseTo(0.05, 4);
    // 1% critical value df 1 → 6.635
    expect(chiSquareSf(6.635, 1)).toBeCloseTo(0.01, 4);
    // df 2: sf = e^(−x/2) exactly → sf(2, 2) = e^−1
    expect(chiSquareSf(2, 2)).toBeCloseTo(Math.exp(-1), 13);
    // df 4: sf = e^(−x/2)(1 + x/2) → sf(6, 4) = 4e^−3 = 0.199148
    expect(chiSquareSf(6, 4)).toBeCloseTo(4 * Math.exp(-3), 13);
    // df 1: sf(x) = P(|Z| ≥ √x): sf(1) = 0.3173105 (1σ), sf(4) = 0.0455003 (2σ), normal table
    expect(chiSquareSf(1, 1)).toBeCloseTo(0.3173105, 7);
    expect(chiSquareSf(4, 1)).toBeCloseTo(0.0455003, 7);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(-1, 3)).toBe(1);
    expect(chiSquareSf(1, 0)).toBeNaN();
  });

  it('chiSquare on a 2×2 table', () => {
    // totals: rows 30, 70; cols 40, 60; N 100 → expected [[12,18],[28,42]]
    // chi2 = 2²/12 + 2²/18 + 2²/28 + 2²/42 = 0.333333 + 0.222222 + 0.142857 + 0.095238 = 0.793651
    const r = chiSquare([
      [10, 20],
      [30, 40],
    ]);
    expect(r.chi2).toBeCloseTo(4 / 12 + 4 / 18 + 4 / 28 + 4 / 42, 12);
    expect(r.chi2).toBeCloseTo(0.793651, 6);
    expect(r.df).toBe(1);
    // df 1: p = 2(1 − Φ(√0.793651)) = 2(1 − Φ(0.89087)); normal table Φ(0.89) = 0.81327, Φ(0.90) = 0.81594
    // → Φ(0.89087) ≈ 0.81327 + 0.087 × 0.00267 = 0.81350 → p ≈ 0.3730
    expect(r.p).toBeCloseTo(0.373, 3);
  });

  it('chiSquare on a 2×3 table (df 2 closed form)', () => {
    // rows 60, 60; cols 30, 40, 50; N 120 → expected per row 15, 20, 25
    // chi2 = 25/15 + 0 + 25/25 + 25/15 + 0 + 25/25 = 5.333333; df 2 → p = e^(−5.333333/2) = e^(−8/3) = 0.069483
    const r = chiSquare([
      [10, 20, 30],
      [20, 20, 20],
    ]);
    expect(r.chi2).toBeCloseTo(16 / 3, 12);
    expect(r.df).toBe(2);
    expect(r.p).toBeCloseTo(Math.exp(-8 / 3), 12);
  });

  it('chiSquare drops empty rows/columns, degenerate tables give p 1, bad input throws', () => {
    const r = chiSquare([
      [10, 0, 20],
      [0, 0, 0],
      [30, 0, 40],
    ]);
    expect(r.chi2).toBeCloseTo(0.793651, 6); // same as the 2×2 table above
    expect(r.df).toBe(1);
    expect(chiSquare([[1, 2, 3]])).toEqual({ chi2: 0, df: 0, p: 1 });
    expect(chiSquare([])).toEqual({ chi2: 0, df: 0, p: 1 });
    // identical rows: expected = observed → chi2 0, p 1
    const same = chiSquare([
      [5, 10],
      [5, 10],
    ]);
    expect(same.chi2).toBeCloseTo(0, 12);
    expect(same.p).toBeCloseTo(1, 12);
    expect(() => chiSquare([[1, 2], [3]])).toThrow(RangeError);
    expect(() => chiSquare([[1, -2]])).toThrow(RangeError);
    expect(() => chiSquare([[1, NaN]])).toThrow(RangeError);
  });

  it('proportionTest is the 2×2 case', () => {
    // 10 of 30 vs 30 of 70 → [[10,20],[30,40]], chi2 0.793651 as above
    const r = proportionTest(10, 30, 30, 70);
    expect(r.chi2).toBeCloseTo(0.793651, 6);
    expect(r.df).toBe(1);
    expect(r.p).toBeCloseTo(0.373, 3);
    // 20 of 100 vs 20 of 100 (N 200): identical proportions → chi2 0
    expect(proportionTest(20, 100, 20, 100).chi2).toBeCloseTo(0, 12);
    // [[5,5],[0,10]]: rows 10,10, cols 5,15, N 20 → expected [[2.5,7.5],[2.5,7.5]]
    // chi2 = 2.5²/2.5 + 2.5²/7.5 + 2.5²/2.5 + 2.5²/7.5 = 2.5 + 0.833333 + 2.5 + 0.833333 = 6.666667
    expect(proportionTest(5, 10, 0, 10).chi2).toBeCloseTo(20 / 3, 12);
    // no successes anywhere → the success column is dropped → degenerate
    expect(proportionTest(0, 10, 0, 50)).toEqual({ chi2: 0, df: 0, p: 1 });
    expect(() => proportionTest(11, 10, 0, 5)).toThrow(RangeError);
  });
});

describe('bhQValues', () => {
  it('the worked example, in input order', () => {
    // m = 4, sorted 0.005, 0.01, 0.03, 0.04 → p·m/rank = 0.02, 0.02, 0.04, 0.04 (already monotone)
    // back to input order [0.01, 0.04, 0.03, 0.005] → [0.02, 0.04, 0.04, 0.02]
    const q = bhQValues([0.01, 0.04, 0.03, 0.005]);
    [0.02, 0.04, 0.04, 0.02].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 15));
  });

  it('enforces monotonicity and the cap at 1', () => {
    // m = 3, sorted 0.01, 0.04, 0.045 → raw 0.03, 0.06, 0.045 → min from the top: 0.03, 0.045, 0.045
    const q = bhQValues([0.045, 0.01, 0.04]);
    [0.045, 0.03, 0.045].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 15));
    // m = 2: raw 0.6×2/1 = 1.2, 0.9×2/2 = 0.9 → 0.9, 0.9; a p above 1 is capped: 1.5×1/1 → 1
    expect(bhQValues([0.6, 0.9])).toEqual([0.9, 0.9]);
    expect(bhQValues([1.5])).toEqual([1]);
  });

  it('NaN p-values stay NaN and are not counted in m; empty input', () => {
    // m = 2: 0.01×2/1 = 0.02, 0.04×2/2 = 0.04
    const q = bhQValues([NaN, 0.01, 0.04]);
    expect(q[0]).toBeNaN();
    expect(q[1]).toBeCloseTo(0.02, 15);
    expect(q[2]).toBeCloseTo(0.04, 15);
    expect(bhQValues([])).toEqual([]);
  });
});

describe('Mahalanobis', () => {
  it('diagonal covariance', () => {
    // (2−0)²/4 + (1−0)²/1 = 1 + 1 = 2
    const cov = [
      [4, 0],
      [0, 1],
    ];
    expect(mahalanobisSquared([2, 1], [0, 0], cov)).toBeCloseTo(2, 12);
    expect(mahalanobis([2, 1], [0, 0], cov)).toBeCloseTo(Math.SQRT2, 12);
    expect(mahalanobis([0, 0], [0, 0], cov)).toBe(0);
    // accepts an ml-matrix Matrix too; shifted mean: ((5−3)²/4 + (2−2)²) = 1
    expect(mahalanobisSquared([5, 2], [3, 2], new Matrix(cov))).toBeCloseTo(1, 12);
  });

  it('correlated covariance and contributions', () => {
    // Σ = [[2,1],[1,2]], det 3, Σ⁻¹ = (1/3)[[2,−1],[−1,2]]
    const cov = [
      [2, 1],
      [1, 2],
    ];
    // x = [1,0]: Σ⁻¹x = (1/3)[2,−1] → d² = 1×2/3 + 0 = 2/3; contributions [2/3, 0]
    expect(mahalanobisSquared([1, 0], [0, 0], cov)).toBeCloseTo(2 / 3, 12);
    const c1 = contributions([1, 0], [0, 0], cov);
    expect(c1[0]).toBeCloseTo(2 / 3, 12);
    expect(c1[1]).toBeCloseTo(0, 12);
    // x = [1,−1]: Σ⁻¹x = (1/3)[3,−3] = [1,−1] → contributions [1, 1], d² = 2
    const c2 = contributions([1, -1], [0, 0], cov);
    expect(c2[0]).toBeCloseTo(1, 12);
    expect(c2[1]).toBeCloseTo(1, 12);
    expect(mahalanobisSquared([1, -1], [0, 0], cov)).toBeCloseTo(2, 12);
    // x = [3,1]: Σ⁻¹x = (1/3)[5,−1] → contributions [5, −1/3] (one negative), sum 14/3 = d²
    const c3 = contributions([3, 1], [0, 0], cov);
    expect(c3[0]).toBeCloseTo(5, 12);
    expect(c3[1]).toBeCloseTo(-1 / 3, 12);
    expect(mahalanobisSquared([3, 1], [0, 0], cov)).toBeCloseTo(14 / 3, 12);
    expect(mahalanobis([3, 1], [0, 0], cov)).toBeCloseTo(Math.sqrt(14 / 3), 12);
  });

  it('singular covariance uses the pseudo-inverse', () => {
    // Σ = vvᵀ with v = [1,1] (rank 1): Σ⁺ = vvᵀ/|v|⁴ = (1/4)[[1,1],[1,1]]
    const cov = [
      [1, 1],
      [1, 1],
    ];
    // x = [1,1]: Σ⁺x = (1/4)[2,2] → d² = 1/2 + 1/2 = 1
    expect(mahalanobisSquared([1, 1], [0, 0], cov)).toBeCloseTo(1, 10);
    // x = [1,−1] is orthogonal to the support: d² = 0
    expect(mahalanobisSquared([1, -1], [0, 0], cov)).toBeCloseTo(0, 10);
    // zero-variance coordinate is ignored: Σ = diag(4, 0), x = [2, 5] → 2²/4 = 1
    expect(
      mahalanobisSquared(
        [2, 5],
        [0, 0],
        [
          [4, 0],
          [0, 0],
        ],
      ),
    ).toBeCloseTo(1, 10);
  });

  it('dimension mismatches throw', () => {
    expect(() => mahalanobis([1, 2], [0], [[1]])).toThrow(RangeError);
    expect(() => mahalanobis([1, 2], [0, 0], [[1]])).toThrow(RangeError);
  });
});

describe('robustCovariance', () => {
  // 5×4 grid x ∈ {0..4}, y ∈ {0..3} (centre (2, 1.5)) plus 3 outliers at (100, 100)
  const grid: number[][] = [];
  for (let x = 0; x <= 4; x++) for (let y = 0; y <= 3; y++) grid.push([x, y]);
  const rows = [...grid, [100, 100], [100, 100], [100, 100]];

  it('keeps the grid, flags the outliers, deterministically', () => {
    // n 23, h = ceil(0.75×23) = 18. Start: median x = 12th of sorted x = 2, median y = 2;
    // MAD x: |x−2| = 0×4, 1×8, 2×8, 98×3 → 12th = 1; MAD y: |y−2| = 0×5, 1×10, 2×5, 98×3 → 12th = 1.
    // The outliers are ~66 robust sd away and never enter the 18 kept rows, all of which are grid points.
    const est = robustCovariance(rows);
    expect(est.mean[0]).toBeGreaterThan(1.5);
    expect(est.mean[0]).toBeLessThan(2.5);
    expect(est.mean[1]).toBeGreaterThan(1);
    expect(est.mean[1]).toBeLessThan(2);
    // kept rows are grid points (x range 4, y range 3): Popoviciu gives sample var ≤ range²/4 × h/(h−1),
    // i.e. var x ≤ 4 × 18/17, var y ≤ 2.25 × 18/17, and |cov xy| ≤ √(var x · var y) ≤ 3 × 18/17
    expect(est.cov[0]?.[0]).toBeLessThanOrEqual((4 * 18) / 17);
    expect(est.cov[1]?.[1]).toBeLessThanOrEqual((2.25 * 18) / 17);
    expect(Math.abs(est.cov[0]?.[1] ?? Infinity)).toBeLessThanOrEqual((3 * 18) / 17);
    const outlier = mahalanobis([100, 100], est.mean, est.cov);
    expect(outlier).toBeGreaterThan(50);
    for (const g of grid) expect(mahalanobis(g, est.mean, est.cov)).toBeLessThan(4);
    expect(robustCovariance(rows)).toEqual(est);
  });

  it('support 1 gives the sample mean and covariance', () => {
    // square corners: mean (1,1); var x = var y = (1+1+1+1)/3 = 4/3; cov xy = (1 − 1 − 1 + 1)/3 = 0
    const est = robustCovariance(
      [
        [0, 0],
        [2, 0],
        [0, 2],
        [2, 2],
      ],
      { support: 1 },
    );
    expect(est.mean).toEqual([1, 1]);
    expect(est.cov[0]?.[0]).toBeCloseTo(4 / 3, 12);
    expect(est.cov[0]?.[1]).toBeCloseTo(0, 12);
    expect(est.cov[1]?.[1]).toBeCloseTo(4 / 3, 12);
  });

  it('one-dimensional C-steps worked by hand', () => {
    // [1,2,3,4,100], support 0.8 → h = 4. Start: median 3, MAD median(2,1,0,1,97) = 1.
    // Closest 4 to 3: {3,2,4,1} → mean 2.5, var (2.25+0.25+0.25+2.25)/3 = 5/3.
    // Next step from 2.5 keeps the same set → stop.
    const data = [[1], [2], [3], [4], [100]];
    const est = robustCovariance(data, { support: 0.8 });
    expect(est.mean[0]).toBeCloseTo(2.5, 12);
    expect(est.cov[0]?.[0]).toBeCloseTo(5 / 3, 12);
    // iterations 0 returns the start: median 3, (1.4826 × 1)² = 2.19810276
    const start = robustCovariance(data, { support: 0.8, iterations: 0 });
    expect(start.mean).toEqual([3]);
    expect(start.cov[0]?.[0]).toBeCloseTo(2.19810276, 10);
  });

  it('rejects bad input', () => {
    expect(() => robustCovariance([])).toThrow(RangeError);
    expect(() => robustCovariance([[1, 2], [3]])).toThrow(RangeError);
    expect(() => robustCovariance([[1, NaN]])).toThrow(RangeError);
    expect(() => robustCovariance([[1]], { support: 0 })).toThrow(RangeError);
    expect(() => robustCovariance([[1]], { iterations: -1 })).toThrow(RangeError);
  });
});

describe('Benford first two digits', () => {
  it('firstTwoDigits reads the decimal form', () => {
    expect(firstTwoDigits(12.34)).toBe(12);
    expect(firstTwoDigits(1000)).toBe(10); // "1e+3" → 1, 0
    expect(firstTwoDigits(99.99)).toBe(99);
    expect(firstTwoDigits(4.35 * 100)).toBe(43); // 434.99999999999994
    expect(firstTwoDigits(0.0567)).toBe(56);
    expect(firstTwoDigits(5)).toBe(50);
    expect(firstTwoDigits(0)).toBeNaN();
    expect(firstTwoDigits(-12)).toBeNaN();
    expect(firstTwoDigits(Infinity)).toBeNaN();
  });

  it('amounts built to follow Benford conform', () => {
    // round(10000 × log10(1 + 1/d)) copies of d × 10^k, k cycling 0..3 (d = 99 has 44 copies, so every k appears)
    const amounts: number[] = [];
    for (let d = 10; d <= 99; d++) {
      const copies = Math.round(10000 * Math.log10(1 + 1 / d));
      for (let i = 0; i < copies; i++) amounts.push(d * 10 ** (i % 4));
    }
    const N = amounts.length; // Σ P(d) = log10(100/10) = 1, so N ≈ 10000
    const r = benfordFirstTwo(amounts);
    expect(r.n).toBe(N);
    // |c_d/N − P_d| ≤ |c_d − 10000 P_d|/N + P_d |N − 10000|/N ≤ 0.5/N + P_d |N − 10000|/N;
    // averaged over 90 digit pairs (Σ P_d = 1): mad ≤ 0.5/N + |N − 10000|/(90 N)
    expect(r.mad).toBeLessThanOrEqual(0.5 / N + Math.abs(N - 10000) / (90 * N));
    expect(r.mad).toBeLessThan(0.0012); // Nigrini "close conformity"
    expect(r.conforming).toBe(true);
    // chi2 = Σ (c_d − N P_d)²/(N P_d) with |c_d − N P_d| ≤ 0.5 + P_d|N − 10000| — tiny, p ≈ 1
    expect(r.chi2).toBeLessThan(5);
    expect(r.p).toBeGreaterThan(0.999);
    // min 10 (d 10, k 0), max 99 000 (d 99, k 3) → span log10(9900) = 3.995635
    expect(r.span).toBeCloseTo(Math.log10(9900), 12);
    expect(r.span).toBeCloseTo(3.995635, 6);
  });

  it('amounts all starting with 50 do not conform', () => {
    // P(50) = log10(51/50) = log10(1.02) = 0.0086002; observed proportion 1 at 50, 0 elsewhere.
    // Σ|obs − exp| = (1 − P50) + Σ_{d≠50} P_d = 2(1 − P50) = 1.9827997 → mad = /90 = 0.0220311
    // chi2 = Σ O²/E − N = N²/(N P50) − N = N(1/P50 − 1) = 5 × (116.27700 − 1) = 576.385
    const amounts = [50, 500, 5000, 50.5, 5099];
    const r = benfordFirstTwo(amounts);
    const p50 = Math.log10(1.02);
    expect(r.n).toBe(5);
    expect(r.mad).toBeCloseTo((2 * (1 - p50)) / 90, 12);
    expect(r.mad).toBeCloseTo(0.0220311, 7);
    expect(r.chi2).toBeCloseTo(5 * (1 / p50 - 1), 8);
    expect(r.chi2).toBeCloseTo(576.385, 2);
    expect(r.p).toBeLessThan(1e-50);
    expect(r.conforming).toBe(false);
    // span log10(5099/50) = log10(101.98) = 2.008515
    expect(r.span).toBeCloseTo(Math.log10(101.98), 12);
  });

  it('skips amounts that are not finite or below 10; nothing left gives NaN', () => {
    // only 10 and 20 are tested: P(10) = log10(1.1) = 0.0413927, P(20) = log10(1.05) = 0.0211893
    // Σ|obs − exp| = (0.5 − P10) + (0.5 − P20) + (1 − P10 − P20) = 2 − 2(P10 + P20) → mad = that / 90
    const r = benfordFirstTwo([5, -100, 0, NaN, Infinity, -Infinity, 9.99, 10, 20]);
    expect(r.n).toBe(2);
    expect(r.mad).toBeCloseTo((2 - 2 * (Math.log10(1.1) + Math.log10(1.05))) / 90, 12);
    expect(r.span).toBeCloseTo(Math.log10(2), 12); // log10(20/10)
    const none = benfordFirstTwo([1, 2, -50]);
    expect(none.n).toBe(0);
    expect(none.mad).toBeNaN();
    expect(none.chi2).toBeNaN();
    expect(none.p).toBeNaN();
    expect(none.span).toBeNaN();
    expect(none.conforming).toBe(false);
  });
});
