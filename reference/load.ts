import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Issue } from '../core/diagnostics/index.js';
import { REFERENCE_FILES, type ReferenceFile } from '../contract/reference.js';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { parseReference, type RejectedRow } from './parse.js';
import { latestLoad, writeLoad } from './write.js';

export interface LoadOptions {
  /** Key of the personal-data hash (FUNDWATCH_PII_KEY, or the demo key). */
  readonly piiKey: string;
}

/**
 * `loaded`: a new version landed; `refused`: recorded with its reasons, but its header is unusable
 * or no row is valid, so the previous version stays current; `unchanged`: same bytes as the latest
 * attempt, nothing written; `missing`: no such file in the directory.
 */
export type LoadStatus = 'loaded' | 'refused' | 'unchanged' | 'missing';

/** What happened to one reference file. Counts are this run's: zero unless `loaded`. */
export interface FileLoad {
  readonly file: string;
  readonly table: string;
  readonly status: LoadStatus;
  /** The new load (`loaded`), or the latest one whose content this is (`unchanged`). */
  readonly loadId?: number;
  /** SHA-256 of the file's bytes (hex); absent when `missing`. */
  readonly sha256?: string;
  readonly rowsLoaded: number;
  readonly rowsRejected: number;
  readonly rejected: readonly RejectedRow[];
  readonly headerIssues: readonly Issue[];
}

const log = logger('reference');

/** Names in `dir` that are (or point to) files; an unreadable directory is an I/O error. */
function filesIn(dir: string): Set<string> {
  try {
    return new Set(
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() || e.isSymbolicLink())
        .map((e) => e.name),
    );
  } catch (err) {
    throw new FundwatchError('io', `无法读取参考数据目录 ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
}

async function loadFile(conn: DuckDBConnection, ref: ReferenceFile, file: string, options: LoadOptions): Promise<FileLoad> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new FundwatchError('io', `无法读取 ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const base = { file: ref.file, table: ref.table, sha256 };
  const unchanged = (loadId: number): FileLoad => ({
    ...base,
    status: 'unchanged',
    loadId,
    rowsLoaded: 0,
    rowsRejected: 0,
    rejected: [],
    headerIssues: [],
  });

  // Cheap check first, so an unchanged file is not even parsed; writeLoad checks again inside its transaction.
  const latest = await latestLoad(conn, ref.table);
  if (latest?.sha256 === sha256) return unchanged(latest.loadId);

  // Not fatal on bad bytes: a GBK export decodes to replacement characters, which reject the rows holding them.
  const parsed = parseReference(ref, new TextDecoder('utf-8').decode(bytes), options.piiKey);
  const status = parsed.headerIssues.length || parsed.rows.length === 0 ? 'refused' : 'loaded';
  const result = await writeLoad(conn, ref, sha256, parsed, status);
  if (!result.written) return unchanged(result.latest.loadId);

  const summary: FileLoad = {
    ...base,
    status,
    loadId: result.loadId,
    rowsLoaded: status === 'loaded' ? parsed.rows.length : 0,
    rowsRejected: parsed.rejected.length,
    rejected: parsed.rejected,
    headerIssues: parsed.headerIssues,
  };
  const fields = {
    file: ref.file,
    table: ref.table,
    loadId: result.loadId,
    rowsLoaded: summary.rowsLoaded,
    rowsRejected: summary.rowsRejected,
  };
  if (status === 'refused') log.warn(fields, 'reference file refused; previous version stays current');
  else if (parsed.rejected.length) log.warn(fields, 'reference file loaded with rejected rows');
  else log.info(fields, 'reference file loaded');
  return summary;
}

/**
 * Loads every reference file of contract §3 found in `dir` (by its exact name), each as a new
 * version in its own transaction; a file whose bytes equal the latest load of its table is left
 * alone (`unchanged`), so loading the same directory twice changes nothing.
 *
 * Bad rows are never thrown: they are rejected (kept in `reference_rejected` with line and
 * reason) and the valid rows land. Throws FundwatchError `io` when the directory cannot be read or
 * holds none of the files, and `db` when the store fails; files already loaded stay loaded.
 */
export async function loadReference(conn: DuckDBConnection, dir: string, options: LoadOptions): Promise<FileLoad[]> {
  const present = filesIn(dir);
  if (!REFERENCE_FILES.some((ref) => present.has(ref.file)))
    throw new FundwatchError('io', `目录 ${dir} 中没有参考数据文件 (应含 ${REFERENCE_FILES.map((r) => r.file).join('、')} 中的至少一个)`);
  const out: FileLoad[] = [];
  for (const ref of REFERENCE_FILES) {
    if (!present.has(ref.file)) {
      out.push({ file: ref.file, table: ref.table, status: 'missing', rowsLoaded: 0, rowsRejected: 0, rejected: [], headerIssues: [] });
      continue;
    }
    out.push(await loadFile(conn, ref, path.join(dir, ref.file), options));
  }
  return out;
}
