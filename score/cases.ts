import { grid, pct } from './format.js';

/**
 * Scoring cases (issue 14, contract §7): a case is true when any of its hits is true. Cases are
 * ranked as the queue ranks them (by risk); precision@k over that order. Pure.
 */
export interface ScoredCase {
  readonly case_id: string;
  readonly pattern: string;
  readonly jr_ids: readonly string[];
}

export interface CaseScore {
  readonly k: readonly number[];
  readonly cases: number;
  readonly trueCases: number;
  readonly precision: number | null;
  readonly precisionAtK: Record<string, number | null>;
  readonly patterns: { pattern: string; cases: number; trueCases: number; precisionAtK: Record<string, number | null> }[];
}

function atK(ranked: readonly ScoredCase[], isTrue: (c: ScoredCase) => boolean, ks: readonly number[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const k of ks) {
    const top = ranked.slice(0, k);
    out[String(k)] = top.length ? top.filter(isTrue).length / top.length : null;
  }
  return out;
}

/** `ranked` in queue order; `trueHits` the true hits' ids (score's `trueHitIds`). */
export function caseScore(ranked: readonly ScoredCase[], trueHits: ReadonlySet<string>, ks: readonly number[] = [10, 20, 100]): CaseScore {
  const isTrue = (c: ScoredCase) => c.jr_ids.some((id) => trueHits.has(id));
  const trueCases = ranked.filter(isTrue).length;
  const patterns = [...new Set(ranked.map((c) => c.pattern))].sort().map((pattern) => {
    const pc = ranked.filter((c) => c.pattern === pattern);
    return { pattern, cases: pc.length, trueCases: pc.filter(isTrue).length, precisionAtK: atK(pc, isTrue, ks) };
  });
  return {
    k: ks,
    cases: ranked.length,
    trueCases,
    precision: ranked.length ? trueCases / ranked.length : null,
    precisionAtK: atK(ranked, isTrue, ks),
    patterns,
  };
}

/** The case scorecard in Chinese. */
export function formatCaseScore(s: CaseScore): string {
  const row = (name: string, cases: number, t: number, p: Record<string, number | null>) => [
    name,
    String(cases),
    String(t),
    ...s.k.map((k) => pct(p[String(k)] ?? null)),
  ];
  return [
    `线索评分 (按风险分排序的队列; 线索中任一命中为真即为真线索): 线索 ${s.cases} 条, 真线索 ${s.trueCases} 条, 精确率 ${pct(s.precision)}`,
    grid(
      ['模式', '线索', '真线索', ...s.k.map((k) => `P@${k}`)],
      [
        ...s.patterns.map((p) => row(p.pattern, p.cases, p.trueCases, p.precisionAtK)),
        row('全部 (队列)', s.cases, s.trueCases, s.precisionAtK),
      ],
      new Set(s.k.map((_, i) => i + 3).concat([1, 2])),
    ),
    '',
  ].join('\n');
}
