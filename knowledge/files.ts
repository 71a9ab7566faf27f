import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import { PACKAGE_ROOT } from '../core/config.js';
import type { Issue } from '../core/diagnostics/index.js';
import { FundwatchError } from '../core/errors.js';
import { parseNational, type FileText, type LoadedNational, type NationalTexts } from './load.js';
import { AGE_GROUPS_FILE, OVERLAY_DIR, PROSE_LIMITS_FILE } from './overlays.js';
import type { Workbook } from './parse.js';
import { entriesFile, headerFile, sha256Hex, type Existing, type RenderedTable } from './render.js';
import { TABLE_NAMES, type TableName } from './schema.js';
import type { CellValue } from './sheet.js';

/**
 * The one I/O file of the stage: workbooks in (read-excel-file), the table files on disk read and
 * written (atomically: temporary files, then renames), the shipped directory loaded.
 */

/** Where the imported tables live in the repository. */
export const NATIONAL_DIR = path.join(PACKAGE_ROOT, 'rules', 'knowledge', 'national');

const rel = (f: string): string => path.relative(process.cwd(), f) || f;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FundwatchError('io', `无法读取 ${rel(file)}`, { cause: err });
  }
}

/** The workbooks named: files as given, a directory's `*.xlsx` (not Excel's `~$` lock files) in name order. */
export function workbookFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new FundwatchError('usage', `找不到 ${p}`);
    if (statSync(p).isDirectory())
      out.push(
        ...readdirSync(p)
          .filter((f) => f.toLowerCase().endsWith('.xlsx') && !f.startsWith('~$'))
          .sort()
          .map((f) => path.join(p, f)),
      );
    else out.push(p);
  }
  if (!out.length) throw new FundwatchError('usage', `${paths.join(', ')} 中没有 .xlsx 文件`);
  return out;
}

export type ReadWorkbook =
  { readonly ok: true; readonly workbook: Workbook; readonly sha256: string } | { readonly ok: false; readonly issue: Issue };

/** One workbook's sheets and its SHA-256; a file that is no readable xlsx is an issue, not a throw. */
export async function readWorkbook(file: string): Promise<ReadWorkbook> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new FundwatchError('io', `无法读取 ${rel(file)}`, { cause: err });
  }
  try {
    const sheets = await readXlsxFile(bytes);
    return {
      ok: true,
      sha256: sha256Hex(bytes),
      workbook: {
        file: rel(file),
        name: path.basename(file),
        sheets: sheets.map((s) => ({ sheet: s.sheet, rows: s.data as unknown as readonly (readonly CellValue[])[] })),
      },
    };
  } catch (err) {
    return {
      ok: false,
      issue: {
        code: 'invalid-workbook',
        severity: 'error',
        message: `无法读取工作簿: ${(err as Error).message}`,
        hint: '确认是 .xlsx 文件 (旧的 .xls 须另存为 .xlsx)',
        at: { file: rel(file) },
      },
    };
  }
}

/** What is in `dir` for `table` now. */
export function readExisting(dir: string, table: TableName): Existing {
  return { header: readText(path.join(dir, headerFile(table))), entries: readText(path.join(dir, entriesFile(table))) };
}

/**
 * Writes a table's two files so that a reader sees the old pair or the new one: both are written to
 * temporary files first and renamed only once both are complete; the entry file is renamed first,
 * and a crash between the two renames leaves a header whose entry hash no longer matches (the
 * loader reports it; importing again repairs it).
 */
export function writeTable(dir: string, t: RenderedTable): void {
  mkdirSync(dir, { recursive: true });
  const files = [
    [path.join(dir, entriesFile(t.table)), t.entries],
    [path.join(dir, headerFile(t.table)), t.header],
  ] as const;
  const temps = files.map(([f]) => `${f}.tmp-${process.pid}`);
  try {
    files.forEach(([, text], i) => writeFileSync(temps[i] ?? '', text));
    files.forEach(([f], i) => renameSync(temps[i] ?? '', f));
  } catch (err) {
    for (const t2 of temps) rmSync(t2, { force: true });
    throw new FundwatchError('io', `无法写入 ${rel(dir)} 中的 ${t.table}`, { cause: err });
  }
}

/** The texts of the national directory, for the loader and the lock. */
export function readNationalTexts(dir: string = NATIONAL_DIR): NationalTexts {
  const at = (f: string): FileText => ({ file: rel(f), text: readText(f) });
  return {
    tables: TABLE_NAMES.filter((t) => existsSync(path.join(dir, headerFile(t))) || existsSync(path.join(dir, entriesFile(t)))).map((t) => ({
      table: t,
      header: at(path.join(dir, headerFile(t))),
      entries: at(path.join(dir, entriesFile(t))),
    })),
    ageGroups: at(path.join(dir, OVERLAY_DIR, AGE_GROUPS_FILE)),
    proseLimits: at(path.join(dir, OVERLAY_DIR, PROSE_LIMITS_FILE)),
  };
}

/** The national tables and overlays of `dir` (default: the shipped ones), or every issue located. */
export function loadNationalKnowledge(dir: string = NATIONAL_DIR): LoadedNational {
  return parseNational(readNationalTexts(dir));
}
