import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FundwatchError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { StageContext } from '../core/stage.js';
import { shanghaiDate, totalsOf, yuan } from './model.js';
import { readMorning } from './scope.js';
import { renderXlsx } from './xlsx.js';

const log = logger('reports');

export interface MorningArgs {
  /** The report's morning, yyyy-MM-dd in Asia/Shanghai; default: today there, from ctx.now. */
  readonly date?: string | undefined;
  /** The folder the three files go to (created when missing). */
  readonly outDir: string;
}

/** Where reports go unless told otherwise: a `reports` folder beside the database file. */
export const reportsDirOf = (dbPath: string): string => path.join(path.dirname(path.resolve(dbPath)), 'reports');

export interface MorningResult {
  readonly date: string;
  /** The cutoff (the morning's 07:00 Asia/Shanghai) in UTC 'YYYY-MM-DD HH:MM:SS'. */
  readonly cutoff: string;
  readonly paths: { readonly html: string; readonly md: string; readonly xlsx: string };
  /** Cases open at the cutoff. */
  readonly cases: number;
  /** Of them, created or reopened in the 24 hours before. */
  readonly newCases: number;
  /** Their amount at stake, yuan. */
  readonly amount: number;
}

/**
 * Writes the morning report (issue 14) of one morning: `<outDir>/morning-<date>.html` (charts
 * and the case table), `.md` (summary) and `.xlsx` (the whole case list, then a sheet per
 * pattern), all read as of that morning's 07:00 Beijing time.
 */
export async function writeMorningReport(conn: DuckDBConnection, args: MorningArgs, ctx: StageContext): Promise<MorningResult> {
  const date = args.date ?? shanghaiDate(ctx.now);
  const data = await readMorning(conn, date, ctx.now);
  const base = path.join(args.outDir, `morning-${date}`);
  const paths = { html: `${base}.html`, md: `${base}.md`, xlsx: `${base}.xlsx` };
  const xlsx = await renderXlsx(data);
  try {
    await mkdir(args.outDir, { recursive: true });
    await writeFile(paths.html, renderHtml(data));
    await writeFile(paths.md, renderMarkdown(data, path.basename(paths.xlsx)));
    await writeFile(paths.xlsx, xlsx);
  } catch (err) {
    throw new FundwatchError('io', `无法写入晨报 ${args.outDir}: ${(err as Error).message}`, { cause: err });
  }
  const t = totalsOf(data);
  log.info({ date, cutoff: data.cutoff, cases: t.cases, newCases: t.newCases }, 'morning report written');
  return { date, cutoff: data.cutoff, paths, cases: t.cases, newCases: t.newCases, amount: t.amount };
}

/** The CLI's lines: the three paths, then one Chinese line with the figures. */
export function formatMorningSummary(r: MorningResult): string {
  return [
    `HTML:     ${r.paths.html}`,
    `Markdown: ${r.paths.md}`,
    `XLSX:     ${r.paths.xlsx}`,
    `晨报 ${r.date}: 截至 07:00 (北京时间) 在办线索 ${r.cases} 条, 其中新增 ${r.newCases} 条, 涉及金额 ${yuan(r.amount)} 元`,
  ].join('\n');
}
