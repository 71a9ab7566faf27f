/**
 * Code tables of contract §3 and §4: code → 中文. The one copy of each table in the tree; whatever
 * else lists codes (the rule schema, the reference rows) derives them from here, so a code added to
 * the contract reaches them all.
 */

/** A code table: code → its Chinese name. */
export type CodeTable = Readonly<Record<string, string>>;

/**
 * The codes of a table as a non-empty tuple (what `z.enum` takes), in key order: JavaScript lists
 * integer-like keys (`'11'`, `'310'`) ascending, then the others (`'01'`) as written.
 */
export function codesOf<K extends string>(table: Readonly<Record<K, string>>): [K, ...K[]] {
  return Object.keys(table) as [K, ...K[]];
}

/** The Chinese name of a code in a table (code tables, states, patterns …), or the code itself when the table has none. */
export function nameOf(table: CodeTable, code: string): string {
  return table[code] ?? code;
}

/** 医疗类别: national classes. */
export const MED_TYPE = {
  '11': '普通门诊',
  '12': '门诊挂号',
  '13': '急诊',
  '14': '门诊慢特病',
  '21': '普通住院',
  '22': '外伤住院',
  '24': '急诊转住院',
  '25': '异地住院',
  '28': '日间手术',
  '41': '定点药店购药',
  '51': '生育门诊',
  '52': '生育住院',
} as const satisfies CodeTable;

/**
 * The national class of a med_type, provincial sub-codes (`140104`, `2105`) mapped by their
 * two-character prefix; undefined for a code no class matches (kept as sent, class left empty).
 */
export function medTypeClass(medType: string): string | undefined {
  const prefix = medType.slice(0, 2);
  return prefix in MED_TYPE ? prefix : undefined;
}

export const MED_CHRGITM_TYPE = {
  '01': '床位费',
  '02': '诊察费',
  '03': '检查费',
  '04': '化验费',
  '05': '治疗费',
  '06': '手术费',
  '07': '护理费',
  '08': '卫生材料费',
  '09': '西药费',
  '10': '中药饮片费',
  '11': '中成药费',
  '12': '一般诊疗费',
  '13': '挂号费',
  '14': '其他费',
} as const satisfies CodeTable;

/**
 * 险种: contract §4's codes, and those of the national dictionary (INSUTYPE in public HIS
 * integrations, e.g. newtouch-cloud/openhis-itaii) that §4 does not list (350–399).
 */
export const INSUTYPE = {
  '310': '职工基本医疗保险',
  '320': '公务员医疗补助',
  '330': '大额医疗费用补助',
  '340': '离休',
  '350': '一至六级残废军人医疗补助',
  '360': '老红军医疗保障',
  '370': '企业补充医疗保险',
  '380': '新型农村合作医疗',
  '390': '城乡居民基本医疗保险',
  '391': '城镇居民基本医疗保险',
  '392': '城乡居民大病保险',
  '399': '其他特殊人员医疗保障',
  '410': '长期照护保险',
  '510': '生育保险',
} as const satisfies CodeTable;

export const GEND = { '1': '男', '2': '女', '0': '未知', '9': '未说明' } as const satisfies CodeTable;

export const DSCG_WAY = {
  '1': '医嘱离院',
  '2': '医嘱转院',
  '3': '医嘱转社区卫生服务机构/乡镇卫生院',
  '4': '非医嘱离院',
  '5': '死亡',
  '9': '其他',
} as const satisfies CodeTable;

/** 处方药标志 (national dictionary RX_FLAG). */
export const RX_FLAG = { '0': '否', '1': '是', '2': '双跨' } as const satisfies CodeTable;

/** 拆零标志 (national dictionary TRDN_FLAG). */
export const TRDN_FLAG = { '0': '否', '1': '是' } as const satisfies CodeTable;

/** 医院审批标志 (national dictionary HOSP_APPR_FLAG). */
export const HOSP_APPR_FLAG = { '0': '无须审批', '1': '审批通过', '2': '审批不通过' } as const satisfies CodeTable;

/** 库存变更类型 (national dictionary INV_CHG_TYPE, 3502). */
export const INV_CHG_TYPE = {
  '101': '调拨入库',
  '102': '调拨出库',
  '103': '盘盈',
  '104': '盘损',
  '105': '销毁',
  '106': '其他入库',
  '107': '其他出库',
  '108': '商品采购入库',
  '109': '商品退货出库',
  '110': '赠药入库',
  '111': '赠药退回出库',
} as const satisfies CodeTable;

export const LIST_TYPE = {
  '101': '西药中成药',
  '102': '中药饮片',
  '201': '医疗服务项目',
  '301': '医用耗材',
} as const satisfies CodeTable;
export const HOSP_LV = { '1': '一级', '2': '二级', '3': '三级', '9': '未定级' } as const satisfies CodeTable;
export const FIXMEDINS_TYPE = { '1': '医疗机构', '2': '零售药店' } as const satisfies CodeTable;
export const PRAC_TYPE = { '1': '医师', '2': '药师', '3': '护士', '4': '技师' } as const satisfies CodeTable;
export const CHRGITM_LV = { '1': '甲', '2': '乙', '3': '丙' } as const satisfies CodeTable;

/**
 * Names senders put in a code field instead of the code (contract §8: `gend: "男"`, `rx_flag: "是"`),
 * beyond each table's own names, which are always understood: short forms and the Y/N of some HIS.
 * Seen in public HIS integrations (their dictionaries and display code).
 */
const EXTRA_NAMES: ReadonlyMap<CodeTable, Readonly<Record<string, string>>> = new Map<CodeTable, Readonly<Record<string, string>>>([
  [GEND, { 男性: '1', 女性: '2', 未知的性别: '0', 未说明性别: '9' }],
  [RX_FLAG, { Y: '1', N: '0' }],
  [TRDN_FLAG, { Y: '1', N: '0' }],
  [INSUTYPE, { 离休人员医疗保障: '340', 城乡居民大病医疗保险: '392' }],
]);

/** A code table's display names → codes: its own names, and the extra ones senders use. */
export function displayNames(table: CodeTable): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const [code, name] of Object.entries(table)) out.set(name, code);
  for (const [name, code] of Object.entries(EXTRA_NAMES.get(table) ?? {})) out.set(name, code);
  return out;
}
