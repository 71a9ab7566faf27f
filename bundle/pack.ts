import { createHash } from 'node:crypto';
import { unzipSync, zipSync, type Zippable } from 'fflate';

/** The manifest: every other file's SHA-256 and size, and who exported which case version when. */
export interface Manifest {
  readonly format: 'fundwatch-bundle-1';
  readonly case_id: string;
  readonly case_version: number;
  /** UTC 'YYYY-MM-DD HH:MM:SS', as the audit entry's happened_at. */
  readonly created_at: string;
  readonly actor: string;
  readonly role: string;
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly size: number }>>;
}

export const MANIFEST = 'manifest.json';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The manifest of `files` (name order), as the bytes that go into the zip. */
export function manifestBytes(files: ReadonlyMap<string, Uint8Array>, meta: Omit<Manifest, 'format' | 'files'>): Uint8Array {
  const entries = [...files]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, bytes]) => [name, { sha256: sha256Hex(bytes), size: bytes.length }]);
  const m: Manifest = { format: 'fundwatch-bundle-1', ...meta, files: Object.fromEntries(entries) as Manifest['files'] };
  return new TextEncoder().encode(`${JSON.stringify(m, null, 2)}\n`);
}

/** Zips the files and the manifest (last), every entry stamped with the export time. Pure. */
export function packZip(files: ReadonlyMap<string, Uint8Array>, manifest: Uint8Array, mtime: Date): Uint8Array {
  const z: Zippable = {};
  for (const [name, bytes] of files) z[name] = [bytes, { mtime }];
  z[MANIFEST] = [manifest, { mtime }];
  return zipSync(z, { level: 6 });
}

/** The entries of a zip, by name; throws on bytes that are not a zip. */
export const unpackZip = (bytes: Uint8Array): Record<string, Uint8Array> => unzipSync(bytes);
