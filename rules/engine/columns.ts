import { CatalogItem, Institution, Insured, Practitioner } from '../../contract/reference.js';
import { TABLES, columnsOfSchemas, type ColumnSpec } from '../../contract/tables.js';

/**
 * The columns a rule may name, and nothing else: identifiers in compiled SQL come only from here,
 * derived from the contract's own table layouts (`contract/tables.ts`, `contract/reference.ts`).
 * Hashed personal data, bookkeeping and `extra` are left out on purpose: no rule needs them.
 */

/** What the compiler needs to know of a value's kind: enough to catch `gend > 3` or `name + 1`. */
/** `list`: a list of codes (the items of a visit, its diagnoses), read with has() and has_prefix(). */
export type ValueType = 'text' | 'number' | 'time' | 'date' | 'bool' | 'list' | 'any';

/** A compiled value: its SQL and its type. */
export interface Typed {
  readonly sql: string;
  readonly type: ValueType;
}

export interface Column {
  readonly name: string;
  readonly type: ValueType;
  /** SQL of the column given the alias of its relation; plain columns are `alias."name"`. */
  readonly sql: (alias: string) => string;
  /** A short Chinese gloss for `rules explain`. */
  readonly gloss?: string;
}

export function typeOf(sql: string): ValueType {
  if (sql.startsWith('DECIMAL') || ['INTEGER', 'BIGINT', 'TINYINT', 'DOUBLE', 'UBIGINT'].includes(sql)) return 'number';
  if (sql === 'TIMESTAMP') return 'time';
  if (sql === 'DATE') return 'date';
  if (sql === 'BOOLEAN') return 'bool';
  return 'text';
}

const HIDDEN = /^(batch_id|key_hash|is_current|extra|.*_hash|.*_mask)$/;

/** SQL identifier quoting; identifiers here come only from the contract, never from rule text. */
export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function plain(specs: readonly ColumnSpec[]): Column[] {
  return specs
    .filter((c) => !HIDDEN.test(c.name))
    .map((c) => ({ name: c.name, type: typeOf(c.sql), sql: (a: string) => `${a}.${q(c.name)}` }));
}

const byName = (cols: readonly Column[]): ReadonlyMap<string, Column> => new Map(cols.map((c) => [c.name, c]));

const derived = (name: string, type: ValueType, sql: (a: string) => string, gloss: string): Column => ({ name, type, sql, gloss });

/** 异地就医: insured elsewhere than treated, or 异地住院 (med_type 25). */
const remote = (a: string) => `(${a}."insuplc_admdvs" IS DISTINCT FROM ${a}."mdtrtarea_admvs" AND ${a}."insuplc_admdvs" IS NOT NULL)`;

/** The canonical views a rule reads (contract §1), with the derived columns rules need. */
export const SOURCES = {
  fee_line: byName([
    ...plain(TABLES.fee_line.columns),
    derived('item', 'text', (a) => `${a}."med_list_codg"`, '医保目录编码'),
    derived('fee_day', 'date', (a) => `CAST(${a}."fee_ocur_time" AS DATE)`, '费用发生日期'),
    derived('remote', 'bool', remote, '异地就医'),
    // What is left of a line after the reversals that name it (a reversal itself leaves nothing):
    // for rules that count lines or days across visits, where a group's net sum is not enough.
    derived(
      'net_cnt',
      'number',
      (a) =>
        `CASE WHEN ${a}."cnt" < 0 THEN 0 ELSE ${a}."cnt" + coalesce((SELECT sum(rv."cnt") FROM fee_line rv WHERE rv."fixmedins_code" = ${a}."fixmedins_code" AND rv."mdtrt_id" = ${a}."mdtrt_id" AND rv."init_feedetl_sn" = ${a}."feedetl_sn" AND rv."cnt" < 0), 0) END`,
      '冲销后本行剩余的数量 (冲销行为 0)',
    ),
  ]),
  visit: byName([
    ...plain(TABLES.visit.columns),
    ...plain([
      { name: 'endtime', sql: 'TIMESTAMP' },
      { name: 'dscg_way', sql: 'VARCHAR' },
      { name: 'dscg_dept_codg', sql: 'VARCHAR' },
    ]),
    // Main diagnosis: the discharge's (2402) when there is one, else the admission's (2401).
    derived('main_dx', 'text', (a) => `coalesce(${a}."dscg_maindiag_code", ${a}."dise_codg")`, '主诊断 (出院优先, 否则入院)'),
    derived('main_dx_cat', 'text', (a) => `left(coalesce(${a}."dscg_maindiag_code", ${a}."dise_codg"), 3)`, '主诊断 ICD-10 类目 (前三位)'),
    derived(
      'main_dx_sub',
      'text',
      (a) => `left(coalesce(${a}."dscg_maindiag_code", ${a}."dise_codg"), 5)`,
      '主诊断亚目 (前五位, 如 Z51.1)',
    ),
    derived('begin_day', 'date', (a) => `CAST(${a}."begntime" AS DATE)`, '就诊/入院日期'),
    derived(
      'los_days',
      'number',
      (a) => `date_diff('day', CAST(${a}."begntime" AS DATE), CAST(${a}."endtime" AS DATE))`,
      '住院天数 (出院日减入院日)',
    ),
    // Every diagnosis of the stay: the main one and the discharge's diagnosis list (2402 diseinfo).
    derived(
      'dx_codes',
      'list',
      (a) =>
        `list_filter(list_distinct(list_concat([coalesce(${a}."dscg_maindiag_code", ${a}."dise_codg")], coalesce(CAST(json_extract_string(${a}."diseinfo", '$[*].diag_code') AS VARCHAR[]), []))), x -> x IS NOT NULL)`,
      '全部诊断 (主诊断与出院诊断列表)',
    ),
    derived(
      'fee_amt',
      'number',
      (a) =>
        `(SELECT sum(coalesce(fl."inscp_amt", fl."det_item_fee_sumamt")) FROM fee_line fl WHERE fl."fixmedins_code" = ${a}."fixmedins_code" AND fl."mdtrt_id" = ${a}."mdtrt_id")`,
      '本次就诊费用 (政策范围内金额优先)',
    ),
    derived('remote', 'bool', remote, '异地就医'),
  ]),
  psi_line: byName([
    ...plain(TABLES.psi_line.columns),
    derived('item', 'text', (a) => `${a}."med_list_codg"`, '医保目录编码'),
    derived(
      'event_time',
      'time',
      (a) => `coalesce(${a}."sel_retn_time", ${a}."purc_retn_stoin_time", ${a}."inv_chg_time", CAST(${a}."invdate" AS TIMESTAMP))`,
      '进销存事件时间',
    ),
  ]),
  settlement: byName([...plain(TABLES.settlement.columns), derived('remote', 'bool', remote, '异地就医')]),
  /**
   * One row per box: the trace codes (药品追溯码) of current fee lines, 进销存 lines and settlements
   * (migration 0005/0006), with the time, buyer and item of their line.
   */
  trace_code: byName([
    ...(
      [
        ['fixmedins_code', 'text'],
        ['msgid', 'text'],
        ['infno', 'text'],
        ['ref', 'text'],
        ['seq', 'number'],
        ['drug_trac_codg', 'text'],
        ['is_return', 'bool'],
        ['origin', 'text'],
        ['line_table', 'text'],
        ['event_time', 'time'],
        ['psn_no', 'text'],
        ['med_list_codg', 'text'],
        ['trdn_flag', 'text'],
      ] as const
    ).map(([name, type]): Column => ({ name, type, sql: (a: string) => `${a}.${q(name)}` })),
    derived('item', 'text', (a) => `${a}."med_list_codg"`, '医保目录编码'),
  ]),
} as const;

export type SourceName = keyof typeof SOURCES;

/** Reference views joined on demand: `person.` (insured), `inst.` (institution), `catalog.`. */
export const REFERENCES = {
  person: { view: 'insured', key: 'psn_no', columns: byName(plain(columnsOfSchemas([Insured]))) },
  inst: { view: 'institution', key: 'fixmedins_code', columns: byName(plain(columnsOfSchemas([Institution]))) },
  /** The national catalogue: a service code with a local suffix finds its national entry (matching `service-code`). */
  catalog: { view: 'catalog', key: 'med_list_codg', columns: byName(plain(columnsOfSchemas([CatalogItem]))), matching: 'service-code' },
  /** The practitioner of a row: a fee line's 开单医师, a visit's 主治医师 (practitioners.csv, with their department). */
  doctor: { view: 'practitioner', key: 'dr_codg', columns: byName(plain(columnsOfSchemas([Practitioner]))) },
} as const;

export type ReferenceName = keyof typeof REFERENCES;

/** The time column of each source, for `--since` / `--until` and a hit's occurred_on. */
export const TIME_OF: Readonly<Record<SourceName, string>> = {
  fee_line: 'fee_ocur_time',
  visit: 'begntime',
  psi_line: 'event_time',
  settlement: 'setl_time',
  trace_code: 'event_time',
};

/** Rows a source never offers a rule: deleted 进销存 lines, cancelled settlements. */
export const LIVE_ROWS: Readonly<Record<SourceName, ((a: string) => string) | undefined>> = {
  fee_line: undefined,
  visit: undefined,
  psi_line: (a) => `NOT ${a}."deleted"`,
  settlement: (a) => `NOT ${a}."cancelled"`,
  // The view keeps only codes of current lines, never of deleted 进销存 lines or cancelled settlements.
  trace_code: undefined,
};

/** The ref (contract §6) of one source row, in SQL. */
export const REF_OF: Readonly<Record<SourceName, (a: string) => string>> = {
  fee_line: (a) => `'fee:' || ${a}."fixmedins_code" || ':' || ${a}."mdtrt_id" || ':' || ${a}."feedetl_sn"`,
  visit: (a) => `'visit:' || ${a}."fixmedins_code" || ':' || ${a}."mdtrt_id"`,
  psi_line: (a) => `'psi:' || ${a}."fixmedins_code" || ':' || CAST(${a}."kind" AS VARCHAR) || ':' || ${a}."fixmedins_bchno"`,
  settlement: (a) => `'setl:' || ${a}."fixmedins_code" || ':' || ${a}."setl_id"`,
  // A box's row is its line: the line is what an inspector pulls.
  trace_code: (a) => `${a}."ref"`,
};

/** 应用场景 → national med_type classes (contract §4); `remote` is a condition of its own. */
export const SETTING_CLASSES: Readonly<Record<'inpatient' | 'outpatient' | 'pharmacy', readonly string[]>> = {
  inpatient: ['21', '22', '24', '25', '28', '52'],
  outpatient: ['11', '12', '13', '14', '51'],
  pharmacy: ['41'],
};
