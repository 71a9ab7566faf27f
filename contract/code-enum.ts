import { z } from 'zod';
import { codesOf } from './codes.js';

/**
 * A zod enum of a code table's codes (contract §3, §4), for schemas outside the messages (the rule
 * format) that list codes: derived from the table, so a code added there is accepted here too.
 */
export function codeEnum<K extends string>(table: Readonly<Record<K, string>>) {
  return z.enum(codesOf(table));
}
