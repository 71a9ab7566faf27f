import type { Command } from 'commander';
import { FundwatchError } from '../../core/errors.js';
import { EXPIRING_DAYS, SUPPRESS_FIELDS, type SuppressionRow, type AddedSuppression, type ListedSuppressions } from '../../cases/index.js';
import { invoke } from '../../api/index.js';
import { contextOf } from '../context.js';
import { actorOf } from '../options.js';
import { n, table } from '../format.js';

const STATE_NAMES: Record<SuppressionRow['state'], string> = { active: '生效', expired: '已到期', ended: '已终止' };

/** `--field f=v1,v2`, repeatable: the same field twice adds to its values. */
function collectField(v: string, acc: Record<string, string[]> = {}): Record<string, string[]> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new FundwatchError('usage', `--field 须写成 字段=值1,值2 (如 fixmedins_code=H001,H002), 得到 ${v}`);
  const field = v.slice(0, eq).trim();
  const values = v
    .slice(eq + 1)
    .split(',')
    .map((x) => x.trim());
  return { ...acc, [field]: [...(acc[field] ?? []), ...values] };
}

const fieldsText = (r: SuppressionRow) =>
  Object.entries(r.fields)
    .map(([f, vs]) => `${f}=${vs.join(',')}`)
    .join('; ');

/** `fundwatch suppress`: suppressions (白名单 / 例外) that hold matching hits back from the case queue. */
export function registerSuppress(program: Command): void {
  const suppress = program
    .command('suppress')
    .description('白名单 (例外): 按规则与字段值压下命中, 不归入线索但保留计数; 须写明原因、批准人与到期日')
    .addHelpText('after', '\n示例: fundwatch suppress list --all');
  suppress
    .command('add')
    .description('添加一条白名单: 命中的每个所列字段的值都在其值列表中时被压下 (自下次归并起生效)')
    .option('--rule <id>', '只适用于这一规则或检测器 (default: 全部规则和检测器)')
    .option('--field <f=v1,v2>', `字段条件, 可重复; 字段: ${SUPPRESS_FIELDS.join(', ')}`, collectField)
    .option('--reason <text>', '原因 (必填)')
    .option('--approver <name>', '批准人 (必填)')
    .option('--expires <yyyy-MM-dd>', '最后生效日 (必填; 不早于今天, 不超过一年)')
    .option('--as <user>', '操作人 (default: $FUNDWATCH_USER)')
    .option('--json', '以 JSON 输出')
    .addHelpText(
      'after',
      '\n示例: fundwatch suppress add --rule over-price-drug --field fixmedins_code=H001,H002 --field dr_codg=D07 \\\n        --reason "集采药品价格调整期, 已核实" --approver 王科长 --expires 2027-03-31 --as 李四',
    )
    .action(
      async (
        opts: {
          rule?: string;
          field?: Record<string, string[]>;
          reason?: string;
          approver?: string;
          expires?: string;
          as?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const actor = actorOf(opts);
        const args = {
          ...(opts.rule !== undefined ? { rule_id: opts.rule } : {}),
          fields: opts.field ?? {},
          reason: opts.reason ?? '',
          approver: opts.approver ?? '',
          expires_on: opts.expires ?? '',
        };
        const r = await invoke<AddedSuppression>(contextOf(cmd).dbPath, 'suppress.add', args, actor);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        const s = r.suppression;
        const lines = [
          `已添加白名单 ${s.supp_id}: ${s.rule_id ?? '全部规则和检测器'}, ${fieldsText(s)}; 生效至 ${s.expires_on} (含), 批准人 ${s.approver}`,
          `  尚未归入线索的匹配命中 ${n(r.pending)} 条, 下次归并 (fundwatch cases group 或 detect) 时压下`,
        ];
        if (r.in_open_cases)
          lines.push(
            `⚠ 已有 ${n(r.in_open_cases)} 条匹配命中在 ${r.open_cases.length} 条未结线索中, 它们留在原线索: ${r.open_cases.slice(0, 10).join(', ')}${r.open_cases.length > 10 ? ' …' : ''} (如属误报请驳回该线索)`,
          );
        if (r.rule_seen === false) lines.push(`⚠ 数据库中还没有规则 ${s.rule_id ?? ''} 的命中, 请核对规则编号`);
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    );
  suppress
    .command('list')
    .description(`列出生效的白名单 (${EXPIRING_DAYS} 天内到期的标 ⚠), 各自压下的命中数; --all 另列已到期与已终止的`)
    .option('--all', '也列出已到期和已终止的白名单')
    .option('--json', '每行一个 JSON 对象')
    .addHelpText('after', '\n示例: fundwatch suppress list --all')
    .action(async (opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      const r = await invoke<ListedSuppressions>(contextOf(cmd).dbPath, 'suppress.list', { all: opts.all === true });
      const rows = [...r.active, ...r.expired];
      if (opts.json) {
        for (const s of rows) process.stdout.write(`${JSON.stringify(s)}\n`);
        return;
      }
      const out = [
        table(
          ['编号', '状态', '规则', '条件', '原因', '批准人', '到期日', '剩余天数', '已压下命中'],
          rows.map((s) => [
            s.supp_id,
            `${STATE_NAMES[s.state]}${s.expiring_soon ? ' ⚠' : ''}`,
            s.rule_id ?? '(全部)',
            fieldsText(s),
            s.reason,
            s.approver,
            s.expires_on,
            s.state === 'active' ? String(s.days_left) : '-',
            String(s.suppressed_hits),
          ]),
        ),
        `生效 ${n(r.active.length)} 条${r.expired_count ? `, 已到期或终止 ${n(r.expired_count)} 条${opts.all ? '' : ' (fundwatch suppress list --all)'}` : ''}`,
      ];
      const soon = r.active.filter((s) => s.expiring_soon);
      if (soon.length)
        out.push(
          `⚠ ${soon.length} 条白名单将在 ${EXPIRING_DAYS} 天内到期: ${soon.map((s) => `${s.supp_id} (${s.expires_on})`).join(', ')}; 到期后不再压下命中, 如需延续请重新审批并添加`,
        );
      process.stdout.write(`${out.join('\n')}\n`);
    });
  suppress
    .command('expire <supp-id>')
    .description('提前终止一条白名单: 自下次归并起不再压下命中; 此前压下的命中保留记录')
    .option('--as <user>', '操作人 (default: $FUNDWATCH_USER)')
    .option('--json', '以 JSON 输出')
    .addHelpText('after', '\n示例: fundwatch suppress expire S0003 --as 李四')
    .action(async (id: string, opts: { as?: string; json?: boolean }, cmd: Command) => {
      const actor = actorOf(opts);
      const s = await invoke<SuppressionRow>(contextOf(cmd).dbPath, 'suppress.expire', { supp_id: id }, actor);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(s)}\n`
          : `已终止白名单 ${s.supp_id} (${s.ended_at ?? ''}, ${s.ended_by ?? ''}); 此前压下的 ${n(s.suppressed_hits)} 条命中保留记录\n`,
      );
    });
}
