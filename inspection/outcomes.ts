/**
 * What an inspection of a drawn target can find (pure). The codes are what `draw result --outcome`
 * takes and `draw_result.outcome` holds; the names are what the public record shows.
 */
export const OUTCOMES = {
  'no-issue': '无问题',
  rectify: '发现问题, 责令整改',
  'case-filed': '发现问题, 已立案',
  transferred: '移交 (公安、纪检监察或卫生健康部门)',
} as const;

export type Outcome = keyof typeof OUTCOMES;

export const OUTCOME_CODES = Object.keys(OUTCOMES) as Outcome[];

export const isOutcome = (s: string): s is Outcome => Object.hasOwn(OUTCOMES, s);

/** The outcomes that name the case the inspection opened: a result without one is refused. */
export const NEEDS_CASE: ReadonlySet<Outcome> = new Set<Outcome>(['case-filed']);

/** The Chinese name of an outcome code (the code itself when unknown, so an old row still shows). */
export const outcomeName = (code: string): string => (isOutcome(code) ? OUTCOMES[code] : code);

/** `无问题 (no-issue), …`: the list a usage error shows. */
export const outcomeList = (): string => OUTCOME_CODES.map((c) => `${c} (${OUTCOMES[c]})`).join(', ');
