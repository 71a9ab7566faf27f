import type { z } from 'zod';
import { fromZod, locateFinding, type FieldPath, type Issue } from '../core/diagnostics/index.js';
import { describe } from './scalars.js';
import { PII_FIELDS } from './tables.js';

/**
 * The contract's settings for the shared zod converter (core/diagnostics): values shown as the
 * contract describes them (a long number as its digits), and never at a personal-data path
 * (contract §5). Issues of a message are located by their field path only; the reader adds the
 * file and line, or the topic and offset.
 */
export function contractIssues(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: FieldPath = []): Issue[] {
  return fromZod(issues, { input, prefix, describe, redact: isPiiPath }).map((f) => locateFinding(f, {}));
}

/** A path ending in a personal-data field (`certno`, `psn_name`, `prsc_dr_certno`). */
export function isPiiPath(path: FieldPath): boolean {
  const last = path[path.length - 1];
  return typeof last === 'string' && PII_FIELDS.has(last);
}
