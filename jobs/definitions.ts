import type { DuckDBConnection } from '@duckdb/node-api';
import { groupCases } from '../cases/index.js';
import { chinaDay } from '../core/calendar.js';
import type { StageContext } from '../core/stage.js';
import { recomputeCredit } from '../credit/index.js';
import { CONFIG_DIR, runDetectors, runnableDetectors } from '../detectors/index.js';
import { reportsDirOf, writeMorningReport } from '../reports/index.js';
import { detect, detectableRules, knowledgeOrThrow, LIBRARY_DIR } from '../rules/index.js';

/** What a job body gets: the connection, the clock's now, and the database path (reports go beside it). */
export interface JobContext extends StageContext {
  readonly dbPath: string;
}

/** One scheduled job: its name, its cron schedule (China time), what it is for, and its body returning counts. */
export interface Job {
  readonly name: string;
  readonly cron: string;
  readonly description: string;
  run(conn: DuckDBConnection, ctx: JobContext): Promise<Record<string, number | string>>;
}

/**
 * The jobs. Nightly detection at 02:30, after the T+1 upload window closes (institutions reconcile
 * the previous day by midnight); the morning report at 07:00, before supervisors arrive; credit every
 * Monday at 03:00, after the night's detection.
 */
export const JOBS: readonly Job[] = [
  {
    name: 'nightly',
    cron: '30 2 * * *',
    description: '夜间检测: T+1 上传窗口关闭后运行规则库与统计检测器, 并把命中归并为线索',
    run: async (conn, ctx) => {
      const rules = detectableRules(LIBRARY_DIR);
      const runs = [
        ...(await detect(conn, rules, knowledgeOrThrow(), {}, ctx.now)),
        ...(await runDetectors(conn, runnableDetectors(CONFIG_DIR), {})),
      ];
      const g = await groupCases(conn, ctx.now, 'system:nightly');
      const sum = (f: (r: (typeof runs)[number]) => number) => runs.reduce((s, r) => s + f(r), 0);
      return {
        rules: runs.length,
        hits: sum((r) => r.hits),
        added: sum((r) => r.added),
        withdrawn: sum((r) => r.withdrawn),
        cases_created: g.created,
        cases_updated: g.updated,
        cases_reopened: g.reopened,
      };
    },
  },
  {
    name: 'morning',
    cron: '0 7 * * *',
    description: '晨报: 每天 07:00 生成当日晨报 (HTML、Markdown、XLSX), 列出新增与在办线索',
    run: async (conn, ctx) => {
      const r = await writeMorningReport(conn, { date: chinaDay(ctx.now), outDir: reportsDirOf(ctx.dbPath) }, ctx);
      return { date: r.date, cases: r.cases, new_cases: r.newCases, xlsx: r.paths.xlsx };
    },
  },
  {
    name: 'credit',
    cron: '0 3 * * 1',
    description: '信用重算: 每周一 03:00 按已确认的线索重算机构信用分与医师记分',
    run: async (conn, ctx) => {
      const r = await recomputeCredit(conn, {}, ctx);
      return {
        cases: r.cases,
        institutions: r.institutions,
        practitioners: r.practitioners,
        suspended: r.suspended,
        terminated: r.terminated,
      };
    },
  },
];

export function jobOf(name: string): Job | undefined {
  return JOBS.find((j) => j.name === name);
}
