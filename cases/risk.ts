/**
 * The risk score of a case, 0–100, the sum of four documented parts (cases/README.md). Pure.
 *
 * - amount (0–40): 8 points per decade of yuan at stake, full at ¥100,000: 40 × min(1, log10(1 + amount) / 5);
 * - severity (0–20): 20 when any hit is definite (明确违规), 8 when all are suspect (可疑);
 * - agreement (0–25): n independent rules and detectors on the same facts (the case's own hits, and
 *   other hits naming one of its 违规项): 25 × (1 − 1/n), so one source gives 0, two 12.5, three 16.7;
 * - history (0–15): 5 per earlier confirmed case of the subject's institution, at most 15.
 */
export interface RiskInput {
  readonly amount: number;
  readonly definite: boolean;
  readonly sources: number;
  readonly confirmedBefore: number;
}

export interface RiskParts {
  readonly amount: number;
  readonly severity: number;
  readonly agreement: number;
  readonly history: number;
}

export interface Risk {
  readonly risk: number;
  readonly parts: RiskParts;
  readonly inputs: RiskInput;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function riskOf(input: RiskInput): Risk {
  const parts: RiskParts = {
    amount: round1(40 * Math.min(1, Math.log10(1 + Math.max(0, input.amount)) / 5)),
    severity: input.definite ? 20 : 8,
    agreement: round1(25 * (1 - 1 / Math.max(1, input.sources))),
    history: Math.min(15, 5 * input.confirmedBefore),
  };
  return { risk: round1(parts.amount + parts.severity + parts.agreement + parts.history), parts, inputs: input };
}
