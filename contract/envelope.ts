import { z } from 'zod';
import { code, datetime, id, oneOf, text } from './scalars.js';

/** Contract §1 envelope: one JSON object per Kafka message value and per replay-file line. */
export const Envelope = z.looseObject({
  infno: code(10),
  msgid: id(64),
  fixmedins_code: text(30),
  inf_time: datetime(),
  // Absent in real envelopes (contract §8): the mode configured for the source is used then.
  upload_mode: oneOf(['T0', 'T1'], false),
  mdtrtarea_admvs: text(6, false),
  insuplc_admdvs: text(6, false),
  input: z.record(z.string(), z.unknown()),
});
export type Envelope = z.output<typeof Envelope>;

/** Fields of the envelope that become columns; everything else beside `input` goes to `extra`. */
export const ENVELOPE_COLUMNS = [
  'infno',
  'msgid',
  'fixmedins_code',
  'inf_time',
  'upload_mode',
  'mdtrtarea_admvs',
  'insuplc_admdvs',
] as const;
