import { REF_KIND_NAMES } from './refs.js';
import { ROLE_NAMES } from './lines.js';
import type { BundleData } from './gather.js';

/**
 * The bundle's tables as header + rows of text (pure): the one source both the CSV files and the
 * XLSX sheets are written from, so the two never disagree.
 */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns holding amounts or quantities, written as numbers in the XLSX. */
  readonly numeric?: ReadonlySet<number>;
}

export function linesTable(d: BundleData): Table {
  return {
    header: [
      '角色',
      '类型',
      'ref',
      '机构编码',
      '就诊ID',
      '明细号',
      '人员编号',
      '时间',
      '项目编码',
      '项目名称',
      '数量',
      '单价',
      '金额',
      '追溯码',
      '说明',
      '命中 (规则:jr_id)',
      '计入金额',
      '所属线索',
      '在库',
    ],
    rows: d.lines.map((l) => [
      ROLE_NAMES[l.role],
      REF_KIND_NAMES[l.kind],
      l.ref,
      l.fixmedins_code,
      l.mdtrt_id,
      l.line_no,
      l.psn_no,
      l.at,
      l.item_code,
      l.item_name,
      l.cnt,
      l.pric,
      l.amount,
      l.trace_code,
      l.note,
      l.hits.join(' '),
      l.share,
      l.case_id,
      l.found ? '是' : '否 (已更正或删除)',
    ]),
    numeric: new Set([10, 11, 12, 16]),
  };
}

/** Per offending line: its amount, each hit's share, the counted share (the largest); then the hits without lines; then the total. */
export function amountsTable(d: BundleData): Table {
  const w = d.worksheet;
  const byRef = new Map<string, typeof w.shares>();
  for (const s of w.shares) byRef.set(s.ref, [...(byRef.get(s.ref) ?? []), s]);
  const rows: string[][] = [];
  for (const [ref, shares] of byRef) {
    const counted = w.counted.get(ref) ?? '';
    const top = shares.find((s) => s.share === counted);
    rows.push([
      ref,
      shares.find((s) => s.detail_amount)?.detail_amount ?? '',
      shares.map((s) => `${s.rule_id}:${s.jr_id.slice(0, 12)}=${s.share}`).join('; '),
      String(shares.length),
      counted,
      top ? `${top.rule_id}:${top.jr_id.slice(0, 12)}` : '',
    ]);
  }
  for (const u of w.unlined)
    rows.push([
      `hit:${u.jr_id}`,
      u.vola_amt,
      `${u.rule_id}:${u.jr_id.slice(0, 12)}=${u.vola_amt}`,
      '1',
      u.vola_amt,
      '命中未列违规项, 全额计入',
    ]);
  rows.push(['合计 (四舍五入到分)', '', '', '', w.total, `线索金额 ${d.detail.case.amount.toFixed(2)}`]);
  return {
    header: ['违规项 ref', '明细金额', '各命中分摊 (规则:jr_id=分摊额)', '命中数', '计入金额 (取最大分摊)', '计入依据'],
    rows,
    numeric: new Set([1, 4]),
  };
}

export function visitsTable(d: BundleData): Table {
  return {
    header: [
      '人员编号',
      '姓名 (脱敏)',
      '机构编码',
      '机构名称',
      '就诊ID',
      '医疗类别',
      '就诊/入院时间',
      '出院时间',
      '诊断',
      '科室',
      '医师',
      '医疗费总额',
    ],
    rows: d.visits.map((v) => [
      v.psn_no,
      v.psn_name_mask,
      v.fixmedins_code,
      v.fixmedins_name,
      v.mdtrt_id,
      v.med_type,
      v.begntime,
      v.endtime,
      v.diagnosis,
      v.dept,
      v.doctor,
      v.medfee_sumamt,
    ]),
    numeric: new Set([11]),
  };
}

export function ledgerTable(d: BundleData): Table {
  return {
    header: [
      '机构编码',
      '药品编码',
      '药品名称',
      '日期',
      '期初盘存',
      '购进 (减退货)',
      '库存变更',
      '销售 (减退货)',
      '医保结算数量',
      '重建库存',
      '当日盘点',
      '涉及日',
    ],
    rows: d.ledger.map((l) => [
      l.fixmedins_code,
      l.med_list_codg,
      l.name,
      l.day,
      l.opening,
      l.purchased,
      l.changed,
      l.sold,
      l.settled,
      l.stock,
      l.counted,
      l.involved ? '是' : '',
    ]),
    numeric: new Set([4, 5, 6, 7, 8, 9, 10]),
  };
}

export function tracesTable(d: BundleData): Table {
  return {
    header: ['追溯码', '时间', '机构编码', '来源表', '接口', 'ref', '人员编号', '药品编码', '退回', '来源'],
    rows: d.traces.map((t) => [
      t.drug_trac_codg,
      t.at,
      t.fixmedins_code,
      t.line_table,
      t.infno,
      t.ref,
      t.psn_no,
      t.med_list_codg,
      t.is_return ? '是' : '',
      t.origin,
    ]),
  };
}
