import path from 'node:path';
import type { Issue } from '../core/diagnostics/index.js';
import { batchOf, batchOrder } from './batches.js';
import { diffTable, type TableDiff } from './diff.js';
import { NATIONAL_DIR, readExisting, readWorkbook, workbookFiles, writeTable } from './files.js';
import { parseWorkbook, type RowCount } from './parse.js';
import { plan, type PlanStatus } from './render.js';
import type { TableName } from './schema.js';

/**
 * `knowledge import` and `knowledge diff`: each workbook read, parsed and compared with what is in
 * the output directory; import writes the tables that changed (each file's tables all or none),
 * diff writes nothing. A workbook with an error is refused whole; the others still land.
 */

export interface FileOutcome {
  /** The workbook as given. */
  readonly file: string;
  readonly table?: TableName;
  /** `refused`: the workbook had an error and nothing of it was written. */
  readonly status: PlanStatus | 'refused';
  readonly version?: number;
  readonly previous?: number;
  /** The rows of the counted sheet (Sheet2 for drug batches). */
  readonly counted?: RowCount;
  readonly entries?: number;
  /** For `diff`: what the import would change. */
  readonly diff?: TableDiff;
  /** Errors (when refused) and warnings (footer rows, drugs without codes). */
  readonly issues: readonly Issue[];
}

export interface RunReport {
  readonly out: string;
  readonly files: readonly FileOutcome[];
}

export interface RunOptions {
  /** Output directory (default: the shipped `rules/knowledge/national/`). */
  readonly out?: string;
  /** Called after each workbook (progress on the terminal). */
  readonly onFile?: (index: number, total: number, outcome: FileOutcome, ms: number) => void;
}

async function run(paths: readonly string[], mode: 'import' | 'diff', options: RunOptions): Promise<RunReport> {
  const out = options.out ?? NATIONAL_DIR;
  const files = workbookFiles(paths).sort((a, b) => batchOrder(path.basename(a)) - batchOrder(path.basename(b)) || a.localeCompare(b));
  const outcomes: FileOutcome[] = [];
  const claimed = new Map<TableName, string>();
  for (const [i, file] of files.entries()) {
    const started = Date.now();
    const outcome = await one(file, out, mode, claimed);
    outcomes.push(outcome);
    options.onFile?.(i + 1, files.length, outcome, Date.now() - started);
  }
  return { out, files: outcomes };
}

async function one(file: string, out: string, mode: 'import' | 'diff', claimed: Map<TableName, string>): Promise<FileOutcome> {
  // A refused file still names its table when its name says which batch it is.
  const named = batchOf(path.basename(file));
  const refused = (at: string, issues: readonly Issue[]): FileOutcome => ({
    file: at,
    ...(named ? { table: named.table } : {}),
    status: 'refused',
    issues,
  });
  const read = await readWorkbook(file);
  if (!read.ok) return refused(read.issue.at.file ?? file, [read.issue]);
  const parsed = parseWorkbook(read.workbook);
  if (!parsed.ok) return refused(read.workbook.file, parsed.issues);
  const t = parsed.table;
  const other = claimed.get(t.table);
  if (other !== undefined)
    return refused(read.workbook.file, [
      {
        code: 'duplicate-key',
        severity: 'error',
        message: `与 ${other} 是同一批次 (${t.table}): 一次只导入其中一个`,
        at: { file: read.workbook.file },
      },
    ]);
  claimed.set(t.table, read.workbook.file);
  const existing = readExisting(out, t.table);
  const p = plan(t, { name: read.workbook.name, sha256: read.sha256 }, existing);
  if (mode === 'import' && p.status !== 'unchanged') writeTable(out, p);
  return {
    file: read.workbook.file,
    table: t.table,
    status: p.status,
    version: p.version,
    ...(p.previous === undefined ? {} : { previous: p.previous }),
    counted: t.counted,
    entries: t.entries.length,
    ...(mode === 'diff' ? { diff: diffTable(t.table, t.entries, existing.entries, p) } : {}),
    issues: parsed.warnings,
  };
}

/** Imports the workbooks under `paths` into `options.out`. */
export function importKnowledge(paths: readonly string[], options: RunOptions = {}): Promise<RunReport> {
  return run(paths, 'import', options);
}

/** What importing the workbooks under `paths` would change; writes nothing. */
export function diffKnowledge(paths: readonly string[], options: RunOptions = {}): Promise<RunReport> {
  return run(paths, 'diff', options);
}
