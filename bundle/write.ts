import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { appendAudit, requireActor } from '../cases/index.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import type { StageContext } from '../core/stage.js';
import { gatherBundle } from './gather.js';
import { manifestBytes, packZip, sha256Hex } from './pack.js';
import { loadLibrary } from './provenance.js';
import { renderFiles } from './render.js';

const log = logger('bundle');

/** Where bundles go by default: `bundles/` beside the database file. */
export const bundlesDirOf = (dbPath: string): string => path.join(path.dirname(path.resolve(dbPath)), 'bundles');

export interface BundleArgs {
  readonly case_id: string;
  readonly outDir: string;
  /** The exporter's role (检查组长, 检查人员 …), recorded in the manifest and the audit log. */
  readonly role?: string | undefined;
}

export interface BundleResult {
  readonly file: string;
  readonly case_id: string;
  readonly case_version: number;
  readonly manifest_sha256: string;
  readonly files: readonly { readonly name: string; readonly size: number; readonly sha256: string }[];
  /** Offending lines (违规项), each once, and what they add up to (= the case amount). */
  readonly lines: number;
  readonly amount: string;
  readonly case_amount: number;
}

export const DEFAULT_ROLE = '检查人员';

/**
 * Writes the evidence bundle of one case (issue 15 item 5): `<outDir>/bundle-<case>-<yyyyMMddHHmmss>.zip`
 * (UTC, the audit log's clock), then records the export in the case's audit log (action `bundle`,
 * after: file, manifest_sha256, role), by a named actor. An existing file of that name is refused,
 * never overwritten: its audit entry would no longer match it.
 */
export async function writeBundle(conn: DuckDBConnection, args: BundleArgs, ctx: StageContext): Promise<BundleResult> {
  const actor = requireActor(ctx);
  const role = args.role?.trim() || DEFAULT_ROLE;
  const data = await gatherBundle(conn, args.case_id, loadLibrary());
  const c = data.detail.case;
  const files = await renderFiles(data, { createdAt: ctx.now, actor, role });
  const manifest = manifestBytes(files, { case_id: c.case_id, case_version: c.version, created_at: ctx.now, actor, role });
  const zip = packZip(files, manifest, new Date(`${ctx.now.replace(' ', 'T')}Z`));
  const manifestSha = sha256Hex(manifest);
  const name = `bundle-${c.case_id}-${ctx.now.replace(/\D/g, '')}.zip`;
  const file = path.join(path.resolve(args.outDir), name);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, zip, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new FundwatchError('refused', `${file} 已存在 (同一秒内重复导出?), 未覆盖; 请稍后再导出`);
    throw new FundwatchError('io', `无法写入 ${file}`, { cause: err });
  }
  try {
    await appendAudit(conn, ctx.now, actor, [
      { case_id: c.case_id, action: 'bundle', before: null, after: { file: name, manifest_sha256: manifestSha, role } },
    ]);
  } catch (err) {
    // A bundle the audit log does not know would fail verification: do not leave it behind.
    rmSync(file, { force: true });
    throw err;
  }
  const offending = data.lines.filter((l) => l.role === 'offending');
  log.info({ case_id: c.case_id, files: files.size + 1, bytes: zip.length }, 'bundle written');
  return {
    file,
    case_id: c.case_id,
    case_version: c.version,
    manifest_sha256: manifestSha,
    files: [...files].map(([n, b]) => ({ name: n, size: b.length, sha256: sha256Hex(b) })),
    lines: offending.length,
    amount: data.worksheet.total,
    case_amount: c.amount,
  };
}
