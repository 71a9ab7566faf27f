import type { Institution } from './institution-types.js';
import { isHospital, isPharmacy } from './institutions.js';
import type { Prng } from './prng.js';

/**
 * How an institution writes its messages: the textbook form of contract §1–§2, or the forms real
 * senders use (contract §8), which land as the same rows:
 * - no `upload_mode` in the envelope; T1 re-uploads go to a source of their own (`messages/T1/`,
 *   which replay reads as T1 and produce publishes on the `.t1` topics);
 * - `feedetl_sn` / `init_feedetl_sn` as JSON integers (the generator's other ids are not all digits);
 * - trace codes of 进销存 sales and returns in `drugtracinfo: [{ drug_trac_codg }]`, one item per code;
 * - a 进销存 body node holding one object when the message carries one line.
 * Fee lines keep their one `drug_trac_codg` either way (that is how the 2204 / 2301 lines carry it).
 */

/**
 * Marks `share` of the hospitals and, separately, of the pharmacies (rounded, drawn from `rng` in
 * code order) as real senders. Drawn from a stream of its own after the city is built, so the
 * choice changes no other draw.
 */
export function chooseRealSenders(rng: Prng, institutions: readonly Institution[], share: number): Institution[] {
  const chosen = new Set<number>();
  for (const group of [institutions.filter(isHospital), institutions.filter(isPharmacy)]) {
    const k = Math.round(share * group.length);
    for (const inst of rng.shuffle([...group]).slice(0, k)) chosen.add(inst.index);
  }
  return institutions.map((inst) => (chosen.has(inst.index) ? { ...inst, realForms: true } : inst));
}

/**
 * Marks `share` of the hospitals (rounded, drawn from `rng`, a stream of its own) as sending their
 * service codes with the local price-item suffix; pharmacies bill no services.
 */
export function chooseLocalCoders(rng: Prng, institutions: readonly Institution[], share: number): Institution[] {
  const hospitals = institutions.filter(isHospital);
  const chosen = new Set(
    rng
      .shuffle([...hospitals])
      .slice(0, Math.round(share * hospitals.length))
      .map((i) => i.index),
  );
  return institutions.map((inst) => (chosen.has(inst.index) ? { ...inst, localCodes: true } : inst));
}

/** A 进销存 body node: one object for one line when the sender writes so, else the list. */
export function psiNode<T>(inst: Institution, lines: readonly T[]): T | readonly T[] {
  return inst.realForms && lines.length === 1 ? (lines[0] as T) : lines;
}

/** The same for a node written by template: `lines` are the lines' JSON texts. */
export function psiNodeJson(inst: Institution, lines: readonly string[]): string {
  return inst.realForms && lines.length === 1 ? (lines[0] as string) : `[${lines.join(',')}]`;
}

/** The trace-code fields of a 进销存 line: `drug_trac_codg`, or a `drugtracinfo` list. */
export function psiTrace(inst: Institution, code: string | undefined): Record<string, unknown> {
  if (code === undefined) return {};
  return inst.realForms ? { drugtracinfo: [{ drug_trac_codg: code }] } : { drug_trac_codg: code };
}

/** The same as JSON text to append after a field (`,"drug_trac_codg":"…"`), or ''. */
export function psiTraceJson(inst: Institution, code: string | undefined): string {
  if (code === undefined) return '';
  return inst.realForms ? `,"drugtracinfo":[{"drug_trac_codg":"${code}"}]` : `,"drug_trac_codg":"${code}"`;
}
