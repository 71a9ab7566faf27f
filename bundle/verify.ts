import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../core/errors.js';
import { text } from '../store/index.js';
import { MANIFEST, sha256Hex, unpackZip, type Manifest } from './pack.js';

export interface VerifyArgs {
  readonly file: string;
}

/** One file of the bundle against its manifest line. */
export interface FileCheck {
  readonly name: string;
  readonly ok: boolean;
  /** ok, changed (hash or size differs), missing (in the manifest, not in the zip), unlisted (in the zip, not in the manifest). */
  readonly status: 'ok' | 'changed' | 'missing' | 'unlisted';
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly file: string;
  readonly case_id: string | null;
  readonly manifest_sha256: string | null;
  readonly files: readonly FileCheck[];
  /** The audit entry recording this manifest's hash, if any. */
  readonly audit: { readonly seq: number; readonly happened_at: string; readonly actor: string; readonly role: string } | null;
  /** Every problem found, in Chinese. */
  readonly problems: readonly string[];
}

/**
 * Checks a bundle: every file's SHA-256 and size against the manifest (and no file the manifest
 * does not list), then the manifest's own SHA-256 against the `bundle` entries of the case's audit
 * log. A failed check is a result (`ok: false`), not an error; only an unreadable file throws.
 */
export async function verifyBundle(conn: DuckDBConnection, args: VerifyArgs): Promise<VerifyResult> {
  const file = path.resolve(args.file);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new FundwatchError('io', `无法读取 ${file}`, { cause: err });
  }
  const fail = (problem: string): VerifyResult => ({
    ok: false,
    file,
    case_id: null,
    manifest_sha256: null,
    files: [],
    audit: null,
    problems: [problem],
  });
  let entries: Record<string, Uint8Array>;
  try {
    entries = unpackZip(bytes);
  } catch {
    return fail('不是有效的 zip 文件 (已损坏或被改动)');
  }
  const manifestBytes = entries[MANIFEST];
  if (!manifestBytes) return fail(`证据包中没有 ${MANIFEST}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Manifest;
    if (typeof manifest.case_id !== 'string' || typeof manifest.files !== 'object' || manifest.files === null) throw new Error('shape');
  } catch {
    return fail(`${MANIFEST} 无法解析`);
  }
  const problems: string[] = [];
  const files: FileCheck[] = [];
  for (const [name, want] of Object.entries(manifest.files)) {
    const got = entries[name];
    const status = !got ? 'missing' : sha256Hex(got) === want.sha256 && got.length === want.size ? 'ok' : 'changed';
    files.push({ name, ok: status === 'ok', status });
    if (status === 'missing') problems.push(`${name}: manifest 中列出, 但证据包中没有`);
    if (status === 'changed') problems.push(`${name}: SHA-256 或大小与 manifest 不符 (文件被改动)`);
  }
  for (const name of Object.keys(entries))
    if (name !== MANIFEST && !Object.hasOwn(manifest.files, name)) {
      files.push({ name, ok: false, status: 'unlisted' });
      problems.push(`${name}: 不在 manifest 中 (被加入的文件)`);
    }
  const manifestSha = sha256Hex(manifestBytes);
  const r = await conn.runAndReadAll(
    `SELECT seq, strftime(happened_at, '%Y-%m-%d %H:%M:%S'), actor, json_extract_string(after, '$.role') FROM case_audit
     WHERE case_id = $cid AND action = 'bundle' AND json_extract_string(after, '$.manifest_sha256') = $sha ORDER BY seq LIMIT 1`,
    { cid: manifest.case_id, sha: manifestSha },
  );
  const a = r.getRows()[0];
  const audit = a ? { seq: Number(a[0]), happened_at: text(a[1]), actor: text(a[2]), role: text(a[3]) } : null;
  if (!audit)
    problems.push(
      `manifest 的 SHA-256 (${manifestSha}) 不在线索 ${manifest.case_id} 的审计日志中 (manifest 被改动, 或不是从这个数据库导出的)`,
    );
  return { ok: problems.length === 0, file, case_id: manifest.case_id, manifest_sha256: manifestSha, files, audit, problems };
}

/** The Chinese report of a verification. */
export function formatVerify(v: VerifyResult): string {
  const head = v.ok ? `✓ 证据包核对通过: ${v.file}` : `✗ 证据包核对未通过: ${v.file}`;
  return [
    head,
    ...(v.case_id ? [`  线索 ${v.case_id}  manifest SHA-256 ${v.manifest_sha256 ?? '-'}`] : []),
    ...(v.files.length ? [`  文件 ${v.files.filter((f) => f.ok).length}/${v.files.length} 与 manifest 一致`] : []),
    ...(v.audit ? [`  审计日志 #${v.audit.seq}: ${v.audit.happened_at} 由 ${v.audit.actor} (${v.audit.role}) 导出`] : []),
    ...v.problems.map((p) => `  ✗ ${p}`),
    '',
  ].join('\n');
}
