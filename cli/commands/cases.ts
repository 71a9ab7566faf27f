import type { Command } from 'commander';
import { invoke } from '../../api/index.js';
import { FundwatchError } from '../../core/errors.js';
import { DISMISS_REASONS, formatGroupSummary, SEVERITY_NAMES, STATES, SUBJECT_NAMES, TRANSITIONS } from '../../cases/index.js';
import type { CaseDetail, CaseRow, Changed, GroupSummary } from '../../cases/index.js';
import type { CreditRow } from '../../credit/index.js';
import { contextOf } from '../context.js';
import { actorOf, checkListOptions } from '../options.js';
import { n, table } from '../format.js';
import { nameOf } from '../../contract/codes.js';

const stateName = (s: string) => nameOf(STATES, s);

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
    .option('--assignee <name>', '只列出分派给此人的线索')
    .option('--limit <n>', '最多列出 n 条 (default: 文本 30, JSON 全部)', (v) => Number(v))
    .option('--json', '每行一个 JSON 对象')
    .addHelpText('after', '\n示例: fundwatch cases list --state new --limit 20')
    .action(
      async (
        opts: { state?: string; pattern?: string; institution?: string; assignee?: string; limit?: number; json?: boolean },
        cmd: Command,
      ) => {
        if (opts.state !== undefined && !Object.hasOwn(STATES, opts.state))
          throw new FundwatchError('usage', `未知的状态 ${opts.state}, 可选: ${Object.keys(STATES).join(', ')}`);
        checkListOptions(opts);
        const all = await invoke<CaseRow[]>(contextOf(cmd).dbPath, 'cases.list', {
          state: opts.state,
          pattern: opts.pattern,
          fixmedins_code: opts.institution,
          assignee: opts.assignee,
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
              `${nameOf(SUBJECT_NAMES, c.subject_kind)} ${c.subject_key}`,
              c.fixmedins_name,
              c.period,
              String(c.hit_count),
              c.amount.toFixed(2),
              c.new_hits ? String(c.new_hits) : '',
            ]),
          )}\n共 ${n(all.length)} 条线索${shown.length < all.length ? `, 显示前 ${shown.length} 条` : ''} (详情: fundwatch cases show <线索>)\n`,
        );
      },
    );
  cases
    .command('show <case-id>')
    .description('一条线索的详情: 风险分构成、命中、同一主体的相关命中、审计日志')
    .option('--json', '以 JSON 输出')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const detail = await invoke<CaseDetail & { credit: CreditRow[] }>(contextOf(cmd).dbPath, 'cases.show', { case_id: id });
      process.stdout.write(opts.json ? `${JSON.stringify(detail)}\n` : formatCase(detail));
    });
  cases
    .command('group')
    .description('把尚未归并的命中归入线索 (fundwatch detect 之后自动进行); 对未变的命中重复运行不改变任何线索')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = await invoke<GroupSummary>(contextOf(cmd).dbPath, 'cases.group', {});
      process.stdout.write(`${formatGroupSummary(g)}\n`);
    });
  registerChanges(cases);
}

/** Options every change takes: who makes it and the version they saw. */
interface ChangeOptions {
  as?: string;
  version: number;
}

const versionOption = [
  '--version <n>',
  '你看到的线索版本 (fundwatch cases show 显示); 线索已被他人改动时拒绝, 不会覆盖',
  parseVersion,
] as const;
const asOption = ['--as <who>', '操作人 (default: $FUNDWATCH_USER); 没有操作人时拒绝'] as const;

function parseVersion(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new FundwatchError('usage', `--version 需要非负整数, 而不是 ${v}`);
  return n;
}

function parseYuan(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new FundwatchError('usage', `金额须为不小于 0 的数 (元), 而不是 ${v}`);
  return n;
}

const changed = (c: Changed, what: string) =>
  process.stdout.write(`线索 ${c.case_id} ${what}; 状态 ${stateName(c.state)}, 版本 ${c.version} (下次操作请用 --version ${c.version})\n`);

/** The changes: transition, assign, comment, merge, detach. Each names its actor; all but comment name the version seen. */
function registerChanges(cases: Command): void {
  const moves = Object.entries(TRANSITIONS)
    .map(
      ([from, to]) =>
        `  ${stateName(from)} (${from}) → ${to.length ? to.map((t) => `${stateName(t)} (${t})`).join('、') : '(终态, 仅新事实可重新打开)'}`,
    )
    .join('\n');
  const reasons = Object.entries(DISMISS_REASONS)
    .map(([k, v]) => `  ${k}  ${v}`)
    .join('\n');
  cases
    .command('transition <case-id> <state>')
    .description('转换线索状态 (初审、复核、确认、驳回、整改、结案), 记入审计日志')
    .requiredOption(...versionOption)
    .option(...asOption)
    .option('--reason <code>', '驳回理由 (见下表), 驳回时必填')
    .option('--note <text>', '说明 (驳回理由为 other 时必填)')
    .option('--recover <yuan>', '追回金额 (元), 转入整改时必填', parseYuan)
    .option('--recovered <yuan>', '已追回金额 (元), 整改后结案时必填', parseYuan)
    .option('--penalty <yuan>', '罚款 (元), 整改或结案时填写', parseYuan)
    .addHelpText(
      'after',
      `\n允许的转换:\n${moves}\n\n驳回理由:\n${reasons}\n\n退出码: 0 完成, 1 被拒绝 (不允许的转换、版本已过期), 2 用法错误\n示例: fundwatch cases transition C0123456789ABCDEF triaged --version 1 --as 张三\n      fundwatch cases transition C0123456789ABCDEF dismissed --version 3 --reason clinically-justified --note 有医嘱 --as 张三`,
    )
    .action(
      async (
        id: string,
        to: string,
        opts: ChangeOptions & { reason?: string; note?: string; recover?: number; recovered?: number; penalty?: number },
        cmd: Command,
      ) => {
        const actor = actorOf(opts);
        const c = await invoke<Changed>(
          contextOf(cmd).dbPath,
          'cases.transition',
          {
            case_id: id,
            version: opts.version,
            to,
            reason: opts.reason,
            note: opts.note,
            recover_amt: opts.recover,
            recovered_amt: opts.recovered,
            penalty_amt: opts.penalty,
          },
          actor,
        );
        changed(c, '已转换');
      },
    );
  cases
    .command('assign <case-id> <assignee>')
    .description('把线索分派给经办人 (空字符串 "" 取消分派), 记入审计日志')
    .requiredOption(...versionOption)
    .option(...asOption)
    .addHelpText('after', '\n示例: fundwatch cases assign C0123456789ABCDEF 李四 --version 2 --as 张三')
    .action(async (id: string, assignee: string, opts: ChangeOptions, cmd: Command) => {
      const actor = actorOf(opts);
      changed(
        await invoke<Changed>(contextOf(cmd).dbPath, 'cases.assign', { case_id: id, version: opts.version, assignee }, actor),
        `已分派给 ${assignee || '(无)'}`,
      );
    });
  cases
    .command('comment <case-id> <text>')
    .description('给线索添加意见 (不改变线索, 记入审计日志)')
    .option(...asOption)
    .addHelpText('after', '\n示例: fundwatch cases comment C0123456789ABCDEF "已调取病历" --as 李四')
    .action(async (id: string, body: string, opts: { as?: string }, cmd: Command) => {
      const actor = actorOf(opts);
      changed(await invoke<Changed>(contextOf(cmd).dbPath, 'cases.comment', { case_id: id, body }, actor), '已添加意见');
    });
  cases
    .command('merge <into> <from...>')
    .description('把同一事实的线索并入一条: 命中移入 <into>, 被并入的线索此后的新命中也归入它')
    .requiredOption(...versionOption)
    .option(...asOption)
    .addHelpText(
      'after',
      '\n每条被并入的线索写作 <线索>@<版本>, 版本即你看到的版本; --version 是 <into> 的版本\n示例: fundwatch cases merge C0123456789ABCDEF C1111111111111111@2 --version 3 --as 张三',
    )
    .action(async (into: string, from: string[], opts: ChangeOptions, cmd: Command) => {
      const actor = actorOf(opts);
      const sources = from.map((f) => {
        const m = /^(\w+)@(\d+)$/.exec(f);
        if (!m?.[1] || !m[2]) throw new FundwatchError('usage', `被并入的线索须写作 <线索>@<版本>, 而不是 ${f}`);
        return { case_id: m[1], version: Number(m[2]) };
      });
      changed(
        await invoke<Changed>(contextOf(cmd).dbPath, 'cases.merge', { into, version: opts.version, from: sources }, actor),
        `已并入 ${sources.length} 条线索`,
      );
    });
  cases
    .command('detach <jr-id>')
    .description('把一条命中拆分为单独的线索 (它与原线索不是同一事实)')
    .requiredOption(...versionOption)
    .option(...asOption)
    .addHelpText('after', '\n--version 是命中当前所在线索的版本\n示例: fundwatch cases detach 3F2A9C… --version 4 --as 张三')
    .action(async (jr: string, opts: ChangeOptions, cmd: Command) => {
      const actor = actorOf(opts);
      changed(await invoke<Changed>(contextOf(cmd).dbPath, 'cases.detach', { jr_id: jr, version: opts.version }, actor), '已拆分出来');
    });
}

function formatCase(d: CaseDetail & { credit: CreditRow[] }): string {
  const c = d.case;
  const p = c.risk_parts?.parts;
  const i = c.risk_parts?.inputs;
  return [
    `线索 ${c.case_id}  ${c.title}`,
    `  状态 ${stateName(c.state)}  版本 ${c.version}  经办 ${c.assignee ?? '-'}  机构 ${c.fixmedins_name} (${c.fixmedins_code})`,
    `  涉及金额 ${c.amount.toFixed(2)} 元 (每条违规明细只计一次)  ${nameOf(SEVERITY_NAMES, c.sev_deg)}  命中 ${c.hit_count} 条${c.reopened_at ? `  因新事实于 ${c.reopened_at} 重新打开` : ''}`,
    `  办理期限 ${c.due_on ?? '-'}${c.dismiss_reason ? `  驳回理由 ${nameOf(DISMISS_REASONS, c.dismiss_reason)}${c.dismiss_note ? ` (${c.dismiss_note})` : ''}` : ''}${
      c.recover_amt !== null || c.penalty_amt !== null
        ? `  追回金额 ${c.recover_amt?.toFixed(2) ?? '-'} 元  已追回 ${c.recovered_amt?.toFixed(2) ?? '-'} 元  罚款 ${c.penalty_amt?.toFixed(2) ?? '-'} 元`
        : ''
    }`,
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
    ...(d.credit.length
      ? [
          '信用 (此线索计入的记录, 见 fundwatch credit show):',
          table(
            ['年度', '主体', '得分/记分', '等级/处理'],
            d.credit.map((r) => [
              String(r.year),
              `${r.subject_kind === 'institution' ? '机构' : '医师'} ${r.subject_key}`,
              r.subject_kind === 'institution' ? (r.score ?? 0).toFixed(1) : `${r.points ?? 0}/12`,
              r.level,
            ]),
          ),
          '',
        ]
      : []),
    ...(d.comments.length ? ['意见:', ...d.comments.map((m) => `  ${m.happened_at} ${m.actor}: ${m.body}`), ''] : []),
    '审计日志:',
    table(
      ['#', '时间', '操作人', '操作', '变更后'],
      d.audit.map((a) => [String(a.seq), a.happened_at, a.actor, a.action, JSON.stringify(a.after)]),
    ),
    '',
  ].join('\n');
}
