import { FUNCTIONS } from './functions.js';
import { ITEMS } from './env.js';
import { fieldZh } from '../../contract/field-names.js';
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

/** How the two sides of a row pair are called: two items of a visit (`pair`), or two records (`related`). */
type Sides = 'items' | 'records';

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
  list: '知识库条目的',
};

const SIDE: Readonly<Record<Sides, Readonly<Record<string, string>>>> = {
  items: { a: '项目甲的', b: '项目乙的' },
  records: { a: '记录甲的', b: '记录乙的' },
};

/** The Chinese name of a column: a derived column's gloss, else the interface's name of the field. */
function zhOf(name: string): string | undefined {
  for (const source of Object.values(SOURCES)) {
    const g = (source as ReadonlyMap<string, { gloss?: string }>).get(name)?.gloss;
    if (g) return g;
  }
  return name in ITEMS ? ITEMS[name as keyof typeof ITEMS].gloss : fieldZh(name);
}

/** A name with its Chinese in brackets (`cnt（数量）`), or alone when it is the rule's own (a condition, a measure). */
const named = (name: string): string => {
  const zh = zhOf(name);
  return zh ? `${name}（${zh}）` : name;
};

function gloss(path: readonly string[], sides: Sides): string {
  const name = path[path.length - 1] as string;
  const head = path[0] as string;
  const q = path.length > 1 ? (SIDE[sides][head] ?? QUALIFIERS[head] ?? `${head}.`) : '';
  return `${q}${named(name)}`;
}

/** An expression read aloud in Chinese; condition names stay as they are (they are explained one by one). */
export function readExpr(e: Expr, sides: Sides = 'items'): string {
  const sub = (x: Expr) => readExpr(x, sides);
  switch (e.t) {
    case 'num':
      return String(e.value);
    case 'str':
      return `"${e.value}"`;
    case 'bool':
      return e.value ? '真' : '假';
    case 'ref':
      return gloss(e.path, sides);
    case 'call':
      return FUNCTIONS[e.fn]?.zh(e.args.map(sub)) ?? `${e.fn}(${e.args.map(sub).join(', ')})`;
    case 'tuple':
      return `(${e.items.map(sub).join(', ')})`;
    case 'unary':
      return e.op === 'not' ? `并非 ${sub(e.arg)}` : `负 ${sub(e.arg)}`;
    case 'binary':
      if (e.op === 'and') return `${sub(e.left)} 并且 ${sub(e.right)}`;
      if (e.op === 'or') return `(${sub(e.left)} 或者 ${sub(e.right)})`;
      return `${sub(e.left)} ${OPS[e.op] ?? e.op} ${sub(e.right)}`;
    case 'in':
      return `${sub(e.arg)} ${e.negated ? '不是' : '是'} ${e.values.map(sub).join('、')} 之一`;
    case 'inlist':
      return `${sub(e.arg)} ${e.negated ? '不在' : '在'}知识库表 ${e.list}（${LISTS[e.list]?.gloss ?? ''}）中`;
    case 'isnull':
      return `${sub(e.arg)} ${e.negated ? '有值' : '为空'}`;
    case 'like':
      return `${sub(e.arg)} ${e.negated ? '不匹配' : '匹配'} "${e.pattern}"`;
  }
}

const reader =
  (sides: Sides) =>
  (text: string): string => {
    const r = parseExpr(text);
    return r.ok ? readExpr(r.expr, sides) : text;
  };

const SOURCE_ZH: Readonly<Record<string, string>> = {
  fee_line: '费用明细',
  visit: '就诊 (住院)',
  psi_line: '进销存明细',
  settlement: '结算',
  trace_code: '追溯码 (一盒一行)',
};

/** A measure read aloud: `不同 X 的个数`, `X 的合计`, `记录数` … */
function readMeasure(
  m: { agg: string; of?: string | undefined; by?: string | undefined; where?: string | undefined },
  read: (t: string) => string,
  rows = '记录数',
): string {
  const of = m.of ? read(m.of) : '';
  const what: Readonly<Record<string, string>> = {
    count: rows,
    count_distinct: `不同的 ${of} 的个数`,
    sum: `${of} 的合计`,
    min: `${of} 的最小值`,
    max: `${of} 的最大值`,
    earliest: `最早一条记录的 ${of}`,
    latest: `最晚一条记录的 ${of}`,
  };
  return `${what[m.agg] ?? `${m.agg}(${of})`}${m.by ? `（按 ${read(m.by)} 排序）` : ''}${m.where ? `, 仅计 ${read(m.where)} 的记录` : ''}`;
}

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
  const read = reader(l.kind === 'related' ? 'records' : 'items');
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
  if (l.kind === 'quantity') out.push(`  期间: ${l.per === 'day' ? '同一次就诊的同一日' : '同一次就诊'}; ${named('quantity')}`);
  if (l.kind === 'interval')
    out.push(
      `  按 ${l.partition_by.map(named).join('、')} 分组, 按 ${named(l.order_by)} 排序; prev 为上一条, ${named('gap_days')}、${named('gap_hours')}`,
    );
  const WINDOW: Readonly<Record<string, string>> = { all: '全部', day: '每日', month: '每月' };
  if (l.kind === 'aggregate') {
    out.push(`  数据: ${SOURCE_ZH[l.source]}; 按 ${l.group_by.map(named).join('、')} 分组; 时间窗: ${WINDOW[l.window]}`);
    for (const [name, m] of Object.entries(l.measures)) out.push(`  度量 ${name} = ${readMeasure(m, read)}`);
    if (l.items) out.push(`  违规项: ${read(l.items)} 的记录`);
  }
  if (l.kind === 'related') {
    out.push(
      `  每条${SOURCE_ZH[l.source]}记录 (记录甲) 与同一${l.match === 'person' ? '参保人' : '机构'}相距 ${l.within_days} 天以内的${SOURCE_ZH[l.with]}记录 (记录乙) 关联${l.source === 'visit' ? ' (住院按入院到出院的整段, 未出院的视为仍在院)' : ''}; ${named('related')}`,
    );
    if (l.relate) out.push(`  关联条件: ${read(l.relate)}`);
    for (const [name, m] of Object.entries(l.measures)) out.push(`  度量 ${name} = ${readMeasure(m, read, '关联记录数')}`);
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
