/**
 * Every issue code fundwatch reports, with what it means (style item 3: a stable kebab-case code per
 * kind of problem). A code is part of the interface: scripts filter on it (`rejected list --code`),
 * rows store it (`rejected_message.code`), tests pin it. Add a code here before using it; never
 * rename one. `test/diagnostics.test.ts` pins the whole list.
 */
export const ISSUE_CODES = {
  // Any input read through a schema: messages, reference rows, rule, test and knowledge YAML.
  'invalid-type': '类型错误',
  'invalid-enum': '取值不在代码表或可选值中',
  'invalid-format': '格式不符',
  'missing-field': '必填字段缺失',
  'unknown-field': '未知字段',
  'too-small': '数量或长度不足',
  'too-big': '数量或长度超出上限',
  invalid: '无效',

  // Field types of the interface (contract §2).
  'text-too-long': '文本或代码过长',
  'control-character': '含有控制字符',
  'invalid-decimal': '不是有效数值',
  'too-many-decimals': '小数位数超出',
  'decimal-overflow': '数值超出范围',
  'invalid-date': '日期格式错误',
  'invalid-datetime': '时间格式错误',
  'invalid-integer': '不是整数',
  'invalid-structure': '结构不符',

  // Messages (contract §1, §2).
  'message-too-large': '消息超过 1 MiB',
  'invalid-json': '不是有效的 JSON',
  'not-an-object': '消息不是 JSON 对象',
  'unknown-infno': '未知的交易编号',
  'duplicate-key-in-message': '同一消息中主键重复',
  'reversal-without-origin': '冲销明细缺少原明细流水号',
  'double-encoded': '节点是 JSON 字符串 (双重编码), 不是对象或列表',
  'wrong-body-node': '明细放在了另一种交易的节点名下',
  'code-as-number': '编码以 JSON 数字发送, 前导零已丢失',
  'request-not-settlement': '结算消息只有 HIS 请求 (input.data), 没有平台结算结果 (setlinfo)',

  // Data-quality notes (contract §8): the message lands; the note says what was normalised.
  'bare-date': 'DT 字段只有日期: 按零点入库, 标记为仅日期',
  'time-dropped': 'D 字段带有非零点时间: 只取日期, 原值保留在 extra',
  'display-name': '代码字段填的是名称: 已换成代码, 原值保留',
  'unknown-code': '代码不在代码表中: 入库为空, 原值保留',
  'alias-used': '使用了省级字段名: 按国家字段名入库',
  'alias-conflict': '省级字段名与国家字段名取值不同: 以国家字段名为准, 另一值保留',
  'one-object-node': '明细节点是单个对象: 按一条明细入库',

  // Reference files (contract §3) and other tables read from files.
  'empty-file': '文件为空',
  'csv-syntax': 'CSV 语法错误',
  'missing-column': '缺少必需列',
  'duplicate-column': '列名重复',
  'field-count': '字段数与表头不符',
  'invalid-encoding': '不是 UTF-8 文本',
  'duplicate-key': '主键或条目重复',

  // YAML files.
  'yaml-syntax': 'YAML 语法错误',

  // Knowledge tables (知识库).
  'missing-table': '缺少知识库表',
  'missing-bound': '缺少上下限',
  'empty-range': '范围为空',
  'same-item': '互斥的两项相同',
  'too-many': '最少组成项目数超过组成项目数',

  // National knowledge workbooks (国家知识点 xlsx) and the tables imported from them.
  'invalid-workbook': '不是可读取的 xlsx 工作簿',
  'unknown-workbook': '无法识别的国家知识点文件',
  'missing-sheet': '缺少工作表',
  'invalid-code': '医保编码格式不符',
  'footer-row': '表尾行 (合计、备注等): 已跳过, 不计为条目',
  'empty-row': '空行: 已跳过',
  'unmatched-join': '两个工作表按药品通用名对不上',
  'content-mismatch': '条目文件与表头记录的条数或哈希不符',
  'missing-overlay': '补充表缺少条目',
  'stale-overlay': '补充表与导入的原文不符',

  // Rules: expressions and compilation.
  'expression-syntax': '表达式语法错误',
  'unknown-column': '未知的列',
  'unknown-name': '未知的名称',
  'unknown-list': '未知的知识库表',
  'unknown-function': '未知的函数',
  'bad-arguments': '函数参数个数不对',
  'list-key-mismatch': '查表的键与知识库表不符',
  'list-without-lookup': '引用了未查的知识库表',
  'list-outside-condition': '查表不在命名条件中',
  'ambiguous-column': '列名有歧义 (同一知识库表查了多次)',
  'dangling-condition': '引用了不存在的命名条件',
  'condition-cycle': '命名条件循环引用',
  'type-mismatch': '类型不匹配',
  'bad-placeholder': '模板占位符无效',
  'duplicate-name': '名称重复',
  'unused-condition': '未使用的命名条件',
  'scope-not-applicable': '适用范围对该规则无效',

  // The rule library and its lock file.
  'duplicate-id': '规则 id 重复',
  'missing-test': '缺少规则测试',
  'test-mismatch': '测试文件与规则不符',
  'version-not-bumped': '内容已改而版本未升',
  'version-decreased': '版本降低',
  'not-locked': '未记录在锁文件中',
  'lock-outdated': '锁文件版本过旧',

  // Rule tests (`<id>.test.yaml`).
  'bad-test-row': '测试数据行无效',
} as const satisfies Record<string, string>;

export type IssueCode = keyof typeof ISSUE_CODES;

export function isIssueCode(code: unknown): code is IssueCode {
  return typeof code === 'string' && Object.hasOwn(ISSUE_CODES, code);
}
