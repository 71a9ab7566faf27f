import { z } from 'zod';

/** A rule over a whole (already field-checked) object: returns the problem, or undefined. */
export type ObjectRule = (
  obj: Record<string, unknown>,
) => { path: string; message: string; code: string; expected: string; got: string } | undefined;

const RULES = new WeakMap<z.ZodType, readonly ObjectRule[]>();

/**
 * `schema` with object-level rules applied through zod's superRefine, the rules also recorded so
 * ingest's compiled fast path runs the same functions.
 */
export function refined<T extends z.ZodObject>(schema: T, ...rules: ObjectRule[]): T {
  const out = schema.superRefine((obj, ctx) => {
    for (const rule of rules) {
      const p = rule(obj);
      if (p)
        ctx.addIssue({ code: 'custom', path: [p.path], message: p.message, params: { code: p.code, expected: p.expected, got: p.got } });
    }
  });
  RULES.set(out, rules);
  return out;
}

export function objectRules(schema: z.ZodType): readonly ObjectRule[] {
  return RULES.get(schema) ?? [];
}
