import type { Command } from 'commander';
import { invoke } from '../../api/index.js';
import { chinaTime } from '../../core/calendar.js';
import type { JobListing, JobRun } from '../../jobs/index.js';
import { contextOf } from '../context.js';
import { table } from '../format.js';

const OUTCOMES: Record<string, string> = { running: '运行中', ok: '成功', failed: '失败' };
const TRIGGERS: Record<string, string> = { schedule: '定时', manual: '手动', 'catch-up': '补跑' };

/** A UTC timestamp shown in Beijing time, as the schedules are written. */
const beijing = (utc: string | null) => (utc ? chinaTime(utc) : '-');

const countsText = (r: JobRun) =>
  r.error ??
  Object.entries(r.counts ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

export function formatRun(r: JobRun): string {
  return `任务 ${r.job} 运行 #${r.run_id} ${OUTCOMES[r.outcome] ?? r.outcome}: ${beijing(r.started_at)} – ${beijing(r.finished_at)} (北京时间) ${countsText(r)}`;
}

/** `fundwatch jobs list|run`: the scheduled jobs, their last runs, and one run by hand. */
export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('定时任务: 夜间检测、07:00 晨报、每周信用重算 (fundwatch serve --jobs 按时运行)');
  jobs
    .command('list')
    .description('列出任务的时间表 (北京时间) 与最近的运行')
    .option('--last <n>', '每个任务显示最近 n 次运行', (v) => Number(v), 5)
    .option('--json', '以 JSON 输出')
    .addHelpText('after', '\n示例: fundwatch jobs list --last 3')
    .action(async (opts: { last: number; json?: boolean }, cmd: Command) => {
      const list = await invoke<JobListing[]>(contextOf(cmd).dbPath, 'jobs.list', { last: opts.last });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['任务', '时间表 (cron)', '下次运行', '说明'],
          list.map((j) => [j.name, j.cron, beijing(j.next), j.description]),
        )}\n\n`,
      );
      const runs = list.flatMap((j) => j.last);
      process.stdout.write(
        runs.length
          ? `最近的运行:\n${table(
              ['任务', '#', '触发', '对应时段', '开始', '结束', '结果', '计数 / 错误'],
              runs.map((r) => [
                r.job,
                String(r.run_id),
                TRIGGERS[r.trigger] ?? r.trigger,
                beijing(r.scheduled_for),
                beijing(r.started_at),
                beijing(r.finished_at),
                OUTCOMES[r.outcome] ?? r.outcome,
                countsText(r),
              ]),
            )}\n`
          : '还没有运行记录 (fundwatch jobs run <任务>, 或 fundwatch serve --jobs)\n',
      );
    });
  jobs
    .command('run <job>')
    .description('立即运行一个任务一次 (nightly、morning 或 credit); 同一任务正在运行时拒绝并报告那次运行')
    .addHelpText(
      'after',
      '\n有 fundwatch serve 持有数据库时由服务器运行, 否则直接打开数据库文件。\n退出码: 0 成功, 1 同一任务正在运行, 3 任务失败\n示例: fundwatch jobs run nightly',
    )
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const run = await invoke<JobRun>(contextOf(cmd).dbPath, 'jobs.run', { job: name });
      process.stdout.write(`${formatRun(run)}\n`);
      if (run.outcome === 'failed') process.exitCode = 3;
    });
}
