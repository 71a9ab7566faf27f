import { z } from 'zod';
import { PATTERN_CODES } from './patterns.js';

/**
 * Ground truth of a labelled data set (contract §7), `labels.json`:
 * `{ frauds: [Label], honest: [Label + looks_like], malformed: [{ msgid, reason }] }`.
 *
 * A label's key depends on its level: `visit` → `mdtrt_id` (with `fixmedins_code`, since a visit id
 * is unique only per institution), `person` → `psn_no`, `institution` → `fixmedins_code`, `trace` →
 * `drug_trac_codg`. Other fields (`med_list_codg`, `psn_nos`, `note`) describe the case and are not
 * part of the key. Objects are loose so that a producer may add descriptive fields.
 */
export const LabelLevel = z.enum(['visit', 'person', 'institution', 'trace']);
export type LabelLevel = z.infer<typeof LabelLevel>;

export const PatternCode = z.enum(PATTERN_CODES);

const labelFields = {
  pattern: PatternCode,
  level: LabelLevel,
  fixmedins_code: z.string().min(1).optional(),
  psn_no: z.string().min(1).optional(),
  mdtrt_id: z.string().min(1).optional(),
  med_list_codg: z.string().min(1).optional(),
  drug_trac_codg: z.string().min(1).optional(),
  psn_nos: z.array(z.string().min(1)).min(1).optional(),
  /** 中文说明: what was injected or why the behaviour is legitimate. */
  note: z.string().optional(),
};

const KEY_FIELD = { visit: 'mdtrt_id', person: 'psn_no', institution: 'fixmedins_code', trace: 'drug_trac_codg' } as const;

/** The field holding a label's key at each level. */
export function keyFieldOf(level: LabelLevel): (typeof KEY_FIELD)[LabelLevel] {
  return KEY_FIELD[level];
}

const withKey = <T extends z.ZodObject>(schema: T) =>
  schema.superRefine((label, ctx) => {
    const l = label as { level: LabelLevel } & Record<string, unknown>;
    const field = KEY_FIELD[l.level];
    if (l[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `级别 ${l.level} 的标签必须有 ${field}` });
  });

export const Label = withKey(z.looseObject(labelFields));
export type Label = z.infer<typeof Label>;

export const HonestLabel = withKey(z.looseObject({ ...labelFields, looks_like: PatternCode }));
export type HonestLabel = z.infer<typeof HonestLabel>;

export const MalformedLabel = z.looseObject({ msgid: z.string().min(1), reason: z.string().min(1) });
export type MalformedLabel = z.infer<typeof MalformedLabel>;

export const Labels = z.looseObject({
  frauds: z.array(Label),
  honest: z.array(HonestLabel),
  malformed: z.array(MalformedLabel),
});
export type Labels = z.infer<typeof Labels>;
