import { FUNCTIONS } from './functions.js';
import { ITEMS } from './env.js';
import { PATTERNS } from '../../contract/patterns.js';
import { SETTING_CLASSES, SOURCES } from './columns.js';
import type { CompiledRule } from './compile.js';
import { parseExpr, type Expr } from './expr.js';
import { LISTS } from './lists.js';

/**
 * `rules explain`: a plain-Chinese reading of a rule's logic, the knowledge lists it uses and its
 * SQL. Pure: the compiled rule in, text out.
 */

const OPS: Readonly<Record<string, string>> = {
  '=': '等于',
  '<>': '不等于',
  '<': '小于',
  '<=': '不大于',
  '>': '大于',
  '>=': '不小于',
  '+': '加',
  '-': '减',
  '*': '乘',
  '/': '除以',
};

const QUALIFIERS: Readonly<Record<string, string>> = {
  person: '参保人的',
  inst: '医疗机构的',
  catalog: '目录中的',
  doctor: '医师的',
  a_inst: '记录甲所在机构的',
  b_inst: '记录乙所在机构的',
  stock: '本机构该项目进销存的',
  visit: '就诊的',
  prev: '上一次的',
  a: '记录甲 (项目甲) 的',
  b: '记录乙 (项目乙) 的',
  list: '知识库条目的',
};

function gloss(path: readonly string[]): string {
  const name = path[path.length - 1] as string;
  const g =
    SOURCES.fee_line.get(name)?.gloss ??
    SOURCES.visit.get(name)?.gloss ??
    (name in ITEMS ? ITEMS[name as keyof typeof ITEMS].gloss : undefined);
  const q = path.length > 1 ? (QUALIFIERS[path[0] as string] ?? `${path[0]}.`) : '';
  return `${q}${name}${g ? `（${g}）` : ''}`;
}

/** An expression read aloud in Chinese; condition names stay as they are (they are explained one by one). */
export function readExpr(e: Expr): string {
  switch (e.t) {
    case 'num':
      return String(e.value);
    case 'str':
      return `"${e.value}"`;
    case 'bool':
      return e.value ? '真' : '假';
    case 'ref':
      return gloss(e.path);
    case 'call':
      return FUNCTIONS[e.fn]?.zh(e.args.map(readExpr)) ?? `${e.fn}(${e.args.map(readExpr).join(', ')})`;
    case 'tuple':
      return `(${e.items.map(readExpr).join(', ')})`;
    case 'unary':
      return e.op === 'not' ? `并非 ${readExpr(e.arg)}` : `负 ${readExpr(e.arg)}`;
    case 'binary':
      if (e.op === 'and') return `${readExpr(e.left)} 并且 ${readExpr(e.right)}`;
      if (e.op === 'or') return `(${readExpr(e.left)} 或者 ${readExpr(e.right)})`;
      return `${readExpr(e.left)} ${OPS[e.op] ?? e.op} ${readExpr(e.right)}`;
    case 'in':
      return `${readExpr(e.arg)} ${e.negated ? '不是' : '是'} ${e.values.map(readExpr).join('、')} 之一`;
    case 'inlist':
      return `${readExpr(e.arg)} ${e.negated ? '不在' : '在'}知识库表 ${e.list}（${LISTS[e.list]?.gloss ?? ''}）中`;
    case 'isnull':
      return `${readExpr(e.arg)} ${e.negated ? '有值' : '为空'}`;
    case 'like':
      return `${readExpr(e.arg)} ${e.negated ? '不匹配' : '匹配'} "${e.pattern}"`;
  }
}

const read = (text: string) => {
  const r = parseExpr(text);
  return r.ok ? readExpr(r.expr) : text;
};

const KIND: Readonly<Record<string, string>> = {
  line: '逐条费用明细检查（每次就诊的每个项目一条线索，冲销后仍有数量才算）',
  pair: '同一次就诊中两个项目同时出现',
  quantity: '同一次就诊中某项目的净数量与上限比较',
  interval: '与同一分组中上一条记录的间隔',
  aggregate: '按分组汇总后与阈值比较',
  related: '同一参保人 (或机构) 时间相近的其他记录 (跨就诊、跨机构)',
};

export function explainRule(c: CompiledRule, knowledgeVersions: Readonly<Record<string, number>> = {}): string {
  const r = c.rule;
  const l = r.logic;
  const out: string[] = [];
  out.push(`${r.title}  [${r.id} 版本 ${r.version}, ${r.status}]`);
  out.push(`  ${r.description}`);
  out.push(`  模式: ${r.pattern} ${PATTERNS[r.pattern]}; 性质: ${r.severity === 'definite' ? '明确违规' : '可疑'}; 负责: ${r.owner}`);
  out.push(`  政策依据: ${r.references.join('；')}`);
  const s = r.scope;
  const scope: string[] = [];
  if (s.settings)
    scope.push(
      `应用场景 ${s.settings.map((x) => (x === 'remote' ? '异地就医' : `${x}（医疗类别 ${SETTING_CLASSES[x].join('/')}）`)).join('、')}`,
    );
  if (s.med_type_classes) scope.push(`医疗类别 ${s.med_type_classes.join('/')}`);
  if (s.hosp_levels) scope.push(`医院等级 ${s.hosp_levels.join('/')}`);
  if (s.insutypes) scope.push(`险种 ${s.insutypes.join('/')}`);
  if (s.stages) scope.push(`监管环节 ${s.stages.join('、')}`);
  out.push(`  范围: ${scope.length ? scope.join('; ') : '全部'}`);
  out.push('', `逻辑 (${l.kind}): ${KIND[l.kind]}`);
  if (l.kind === 'pair')
    out.push(`  范围: 同一次就诊${{ day: '的同一日', visit: '', clock_hour: '的同一小时', '6_hours': '中相隔 6 小时以内' }[l.within]}`);
  if (l.kind === 'quantity') out.push(`  期间: ${l.per === 'day' ? '同一次就诊的同一日' : '同一次就诊'}; quantity 为冲销后的净数量`);
  if (l.kind === 'interval')
    out.push(
      `  按 ${l.partition_by.join(', ')} 分组, 按 ${l.order_by} 排序; prev 为上一条, gap_days/gap_hours 为距上一条结束的天数/小时数`,
    );
  if (l.kind === 'aggregate') {
    out.push(`  数据: ${l.source}; 按 ${l.group_by.join(', ')} 分组; 时间窗: ${l.window}`);
    for (const [name, m] of Object.entries(l.measures))
      out.push(
        `  度量 ${name} = ${m.agg}(${m.of ? read(m.of) : '*'})${m.by ? ` 按 ${m.by}` : ''}${m.where ? `, 仅当 ${read(m.where)}` : ''}`,
      );
    if (l.items) out.push(`  违规项: ${read(l.items)} 的记录`);
  }
  if (l.kind === 'related') {
    out.push(
      `  每条 ${l.source} 记录 (a) 与同一${l.match === 'person' ? '参保人' : '机构'}相距 ${l.within_days} 天以内的 ${l.with} 记录 (b) 关联${l.source === 'visit' ? ' (住院按入院到出院的整段)' : ''}`,
    );
    if (l.relate) out.push(`  关联条件: ${read(l.relate)}`);
    for (const [name, m] of Object.entries(l.measures))
      out.push(`  度量 ${name} = ${m.agg}(${m.of ? read(m.of) : '*'})${m.where ? `, 仅当 ${read(m.where)}` : ''}; related 为关联记录数`);
  }
  for (const [name, text] of Object.entries(l.conditions)) out.push(`  条件 ${name}: ${read(text)}`);
  out.push(`  命中: ${read(l.condition)}`);
  if (r.amount) out.push(`  违规金额: ${read(r.amount)}`);
  out.push(`  违规内容模板: ${r.vola_cont}`);
  out.push('', '知识库:');
  if (!c.knowledge.length) out.push('  (不使用知识库)');
  for (const k of c.knowledge) {
    const spec = Object.values(LISTS).find((x) => x.table === k);
    out.push(`  ${k}.yaml 版本 ${knowledgeVersions[k] ?? '?'}: ${spec?.gloss ?? ''}`);
  }
  out.push(
    '',
    '审核提示:',
    ...r.triage
      .trimEnd()
      .split('\n')
      .map((x) => `  ${x}`),
  );
  out.push('', 'SQL (参数: $rule_id, $since, $until 与规则中的常量 $p1…):', c.sql);
  out.push('', `常量参数: ${JSON.stringify(c.params)}`);
  return `${out.join('\n')}\n`;
}
