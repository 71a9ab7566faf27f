import type { z } from 'zod';
import { customIssue, type IssueCode } from '../core/diagnostics/index.js';

/** A rule over a whole (already field-checked) object: returns the problem, or undefined. */
export type ObjectRule = (
  obj: Record<string, unknown>,
) => { path: string; message: string; code: IssueCode; expected: string; got: string } | undefined;

const RULES = new WeakMap<z.ZodType, readonly ObjectRule[]>();

/**
 * `schema` with object-level rules applied through zod's superRefine, the rules also recorded so
 * ingest's compiled fast path runs the same functions.
 */
export function refined<T extends z.ZodObject>(schema: T, ...rules: ObjectRule[]): T {
  const out = schema.superRefine((obj, ctx) => {
    for (const rule of rules) {
      const p = rule(obj);
      if (p) customIssue(ctx, p.message, { code: p.code, expected: p.expected, got: p.got }, [p.path]);
    }
  });
  RULES.set(out, rules);
  return out;
}

export function objectRules(schema: z.ZodType): readonly ObjectRule[] {
  return RULES.get(schema) ?? [];
}
