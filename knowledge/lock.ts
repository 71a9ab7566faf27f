import type { NationalTexts } from './load.js';

/**
 * What the rule library's lock file (`rules.lock.json`) records of the national knowledge: one
 * entry per table (`national/<table>`: its header's version, the hash of header and entry file
 * together, so an edited entry line without a version bump is caught) and per overlay
 * (`national/overlays/<name>`). Pure.
 */

export interface LockText {
  /** The key in the lock file. */
  readonly name: string;
  /** The file holding `version` (where lint reports). */
  readonly file: string;
  readonly text: string;
  /** What the lock hashes. */
  readonly hashed: string;
}

export function lockTexts(texts: NationalTexts): LockText[] {
  const out: LockText[] = [];
  for (const t of texts.tables)
    if (t.header.text !== undefined)
      out.push({
        name: `national/${t.table}`,
        file: t.header.file,
        text: t.header.text,
        hashed: `${t.header.text}\n${t.entries.text ?? ''}`,
      });
  for (const [name, f] of [
    ['age-groups', texts.ageGroups],
    ['prose-limits', texts.proseLimits],
  ] as const)
    if (f.text !== undefined) out.push({ name: `national/overlays/${name}`, file: f.file, text: f.text, hashed: f.text });
  return out;
}
