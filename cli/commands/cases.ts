import type { Command } from 'commander';
import { FundwatchError } from '../../core/errors.js';
import { groupCases, listCases, nowText, showCase, formatGroupSummary, SEVERITY_NAMES, STATES, SUBJECT_NAMES } from '../../cases/index.js';
import type { CaseDetail } from '../../cases/index.js';
import { contextOf, withStore } from '../context.js';
import { checkListOptions } from '../options.js';
import { n, table } from '../format.js';

const stateName = (s: string) => (STATES as Record<string, string>)[s] ?? s;

/** `fundwatch cases`: the case queue (hits grouped by subject, pattern and period) and one case's detail. */
export function registerCases(program: Command): void {
  const cases = program.command('cases').description('线索 (案件): 按主体、模式、期间归并的命中, 风险分排序的待办队列');
  cases
    .command('list')
    .description('列出线索队列, 按风险分 (0–100) 降序')
    .option(
      '--state <s>',
      `只列出这一状态: ${Object.entries(STATES)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    )
    .option('--pattern <p>', '只列出这一模式 (合同 §6 模式代码)')
    .option('--institution <code>', '只列出这一定点机构')
    .option('--limit <n>', '最多列出 n 条 (default: 文本 30, JSON 全部)', (v) => Number(v))
    .option('--json', '每行一个 JSON 对象')
    .addHelpText('after', '\n示例: fundwatch cases list --state new --limit 20')
    .action(async (opts: { state?: string; pattern?: string; institution?: string; limit?: number; json?: boolean }, cmd: Command) => {
      if (opts.state !== undefined && !Object.hasOwn(STATES, opts.state))
        throw new FundwatchError('usage', `未知的状态 ${opts.state}, 可选: ${Object.keys(STATES).join(', ')}`);
      checkListOptions(opts);
      const all = await withStore(contextOf(cmd).dbPath, async (store) => {
        const conn = await store.connect();
        try {
          return await listCases(conn, {
            ...(opts.state ? { state: opts.state } : {}),
            ...(opts.pattern ? { pattern: opts.pattern } : {}),
            ...(opts.institution ? { fixmedins_code: opts.institution } : {}),
          });
        } finally {
          conn.closeSync();
        }
      });
      const shown = all.slice(0, opts.limit ?? (opts.json ? all.length : 30));
      if (opts.json) {
        for (const c of shown) process.stdout.write(`${JSON.stringify(c)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['线索', '风险', '状态', '模式', '主体', '机构', '期间', '命中', '金额(元)', '新'],
          shown.map((c) => [
            c.case_id,
            c.risk.toFixed(1),
            stateName(c.state),
            c.pattern,
            `${(SUBJECT_NAMES as Record<string, string>)[c.subject_kind] ?? c.subject_kind} ${c.subject_key}`,
            c.fixmedins_name,
            c.period,
            String(c.hit_count),
            c.amount.toFixed(2),
            c.new_hits ? String(c.new_hits) : '',
          ]),
        )}\n共 ${n(all.length)} 条线索${shown.length < all.length ? `, 显示前 ${shown.length} 条` : ''} (详情: fundwatch cases show <线索>)\n`,
      );
    });
  cases
    .command('show <case-id>')
    .description('一条线索的详情: 风险分构成、命中、同一主体的相关命中、审计日志')
    .option('--json', '以 JSON 输出')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const detail = await withStore(contextOf(cmd).dbPath, async (store) => {
        const conn = await store.connect();
        try {
          return await showCase(conn, id);
        } finally {
          conn.closeSync();
        }
      });
      if (!detail) throw new FundwatchError('usage', `没有线索 ${id} (见 fundwatch cases list)`);
      process.stdout.write(opts.json ? `${JSON.stringify(detail)}\n` : formatCase(detail));
    });
  cases
    .command('group')
    .description('把尚未归并的命中归入线索 (fundwatch detect 之后自动进行); 对未变的命中重复运行不改变任何线索')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = await withStore(contextOf(cmd).dbPath, async (store) => {
        const conn = await store.connect();
        try {
          return await groupCases(conn, nowText());
        } finally {
          conn.closeSync();
        }
      });
      process.stdout.write(`${formatGroupSummary(g)}\n`);
    });
}

function formatCase(d: CaseDetail): string {
  const c = d.case;
  const p = c.risk_parts?.parts;
  const i = c.risk_parts?.inputs;
  return [
    `线索 ${c.case_id}  ${c.title}`,
    `  状态 ${stateName(c.state)}  版本 ${c.version}  经办 ${c.assignee ?? '-'}  机构 ${c.fixmedins_name} (${c.fixmedins_code})`,
    `  涉及金额 ${c.amount.toFixed(2)} 元 (每条违规明细只计一次)  ${(SEVERITY_NAMES as Record<string, string>)[c.sev_deg] ?? c.sev_deg}  命中 ${c.hit_count} 条${c.reopened_at ? `  因新事实于 ${c.reopened_at} 重新打开` : ''}`,
    `  风险分 ${c.risk.toFixed(1)} = 金额 ${p?.amount ?? 0} + 严重程度 ${p?.severity ?? 0} + 多源印证 ${p?.agreement ?? 0} (${i?.sources ?? 0} 个规则/检测器) + 历史 ${p?.history ?? 0} (此前确认 ${i?.confirmedBefore ?? 0} 件)`,
    '',
    '命中:',
    table(
      ['jr_id', '规则', '日期', '金额', '新', '违规内容'],
      d.hits.map((h) => [
        h.jr_id.slice(0, 12),
        `${h.rule_id}@${h.rule_version}${h.withdrawn ? ' (已撤回)' : ''}`,
        h.occurred_on,
        h.vola_amt.toFixed(2),
        h.is_new ? '新' : '',
        h.vola_cont,
      ]),
    ),
    '',
    `同一主体的相关命中 (其他模式或期间): ${d.related.length} 条`,
    ...(d.related.length
      ? [
          table(
            ['线索', '模式', '规则', '日期', '金额'],
            d.related.slice(0, 20).map((h) => [h.case_id, h.pattern, h.rule_id, h.occurred_on, h.vola_amt.toFixed(2)]),
          ),
        ]
      : []),
    '',
    '审计日志:',
    table(
      ['#', '时间', '操作人', '操作', '变更后'],
      d.audit.map((a) => [String(a.seq), a.happened_at, a.actor, a.action, JSON.stringify(a.after)]),
    ),
    '',
  ].join('\n');
}
