import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { text } from '../store/index.js';
import { parseRef, type RefKind } from './refs.js';

/** What a line is to the case: a 违规项 of its hits, a 涉及项 of its hits, or a 违规项 of another case on the same subject. */
export type LineRole = 'offending' | 'involved' | 'related';

export const ROLE_NAMES: Readonly<Record<LineRole, string>> = {
  offending: '违规项',
  involved: '涉及项',
  related: '相关 (同一主体其他线索)',
};

/** A ref looked up in its table: the fields an inspector compares with the records on site. Personal data only as psn_no. */
export interface ResolvedLine {
  readonly ref: string;
  readonly kind: RefKind | 'other';
  /** Whether the row the ref names is in the store (a line corrected or deleted since is not). */
  readonly found: boolean;
  readonly fixmedins_code: string;
  readonly mdtrt_id: string;
  /** feedetl_sn, fixmedins_bchno or setl_id. */
  readonly line_no: string;
  readonly psn_no: string;
  /** When it happened: 'YYYY-MM-DD HH:MM:SS'. */
  readonly at: string;
  readonly item_code: string;
  readonly item_name: string;
  readonly cnt: string;
  readonly pric: string;
  readonly amount: string;
  readonly trace_code: string;
  /** The message type (infno) for 进销存 lines, the 医疗类别 for visits, a deletion or cancellation. */
  readonly note: string;
}

const blank = (ref: string, kind: RefKind | 'other'): ResolvedLine => ({
  ref,
  kind,
  found: false,
  fixmedins_code: '',
  mdtrt_id: '',
  line_no: '',
  psn_no: '',
  at: '',
  item_code: '',
  item_name: '',
  cnt: '',
  pric: '',
  amount: '',
  trace_code: '',
  note: '',
});

const KEYS = `(SELECT unnest(from_json($doc, '[{"ref":"VARCHAR","a":"VARCHAR","b":"VARCHAR","c":"VARCHAR"}]'), recursive := true))`;
const TS = (col: string) => `strftime(${col}, '%Y-%m-%d %H:%M:%S')`;
const NAME = (code: string) => `(SELECT any_value(c.name) FROM catalog c WHERE c.med_list_codg = ${code})`;

// One query per kind of ref, each returning the ResolvedLine columns after `ref`, keyed by its parts (a, b, c).
const QUERIES: Partial<Record<RefKind, string>> = {
  fee: `SELECT r.ref, f.fixmedins_code, f.mdtrt_id, f.feedetl_sn, f.psn_no, ${TS('f.fee_ocur_time')}, f.med_list_codg, ${NAME('f.med_list_codg')},
          CAST(f.cnt AS VARCHAR), CAST(f.pric AS VARCHAR), CAST(f.det_item_fee_sumamt AS VARCHAR), f.drug_trac_codg,
          concat_ws(' ', '医疗类别 ' || f.med_type, CASE WHEN f.init_feedetl_sn IS NOT NULL AND f.init_feedetl_sn <> '' THEN '冲销 ' || f.init_feedetl_sn END)
        FROM ${KEYS} r JOIN fee_line f ON f.fixmedins_code = r.a AND f.mdtrt_id = r.b AND f.feedetl_sn = r.c`,
  psi: `SELECT r.ref, p.fixmedins_code, '', p.fixmedins_bchno, coalesce(p.psn_no, ''),
          ${TS('coalesce(p.sel_retn_time, p.inv_chg_time, p.purc_retn_stoin_time, CAST(p.invdate AS TIMESTAMP))')},
          p.med_list_codg, coalesce(p.fixmedins_hilist_name, ${NAME('p.med_list_codg')}),
          CAST(CASE p.infno WHEN '3501' THEN p.inv_cnt WHEN '3502' THEN p.cnt WHEN '3503' THEN p.purc_retn_cnt WHEN '3504' THEN p.purc_retn_cnt ELSE p.sel_retn_cnt END AS VARCHAR),
          CAST(coalesce(p.finl_trns_pric, p.pric) AS VARCHAR), '', p.drug_trac_codg,
          concat_ws(' ', p.infno, CASE p.infno WHEN '3501' THEN '盘存' WHEN '3502' THEN '库存变更' WHEN '3503' THEN '采购' WHEN '3504' THEN '采购退货' WHEN '3505' THEN '销售' WHEN '3506' THEN '销售退货' END,
                    CASE WHEN p.deleted THEN '(已删除)' END)
        FROM ${KEYS} r JOIN psi_line p ON p.fixmedins_code = r.a AND CAST(p.kind AS VARCHAR) = r.b AND p.fixmedins_bchno = r.c`,
  visit: `SELECT r.ref, v.fixmedins_code, v.mdtrt_id, coalesce(v.ipt_no, ''), v.psn_no, ${TS('v.begntime')}, coalesce(v.dscg_maindiag_code, v.dise_codg, ''), '',
          '', '', (SELECT CAST(sum(s.medfee_sumamt) AS VARCHAR) FROM settlement s WHERE s.fixmedins_code = v.fixmedins_code AND s.mdtrt_id = v.mdtrt_id AND NOT s.cancelled),
          '', concat_ws(' ', '医疗类别 ' || v.med_type, '出院 ' || ${TS('v.endtime')})
        FROM ${KEYS} r JOIN visit v ON v.fixmedins_code = r.a AND v.mdtrt_id = r.b`,
  setl: `SELECT r.ref, s.fixmedins_code, s.mdtrt_id, s.setl_id, s.psn_no, ${TS('s.setl_time')}, '', '', '', '', CAST(s.medfee_sumamt AS VARCHAR), '',
          concat_ws(' ', '医疗类别 ' || s.med_type, CASE WHEN s.cancelled THEN '(已撤销)' END)
        FROM ${KEYS} r JOIN settlement s ON s.fixmedins_code = r.a AND s.setl_id = r.b`,
  trace: `SELECT r.ref, any_value(t.fixmedins_code ORDER BY t.event_time), '', '', '', ${TS('min(t.event_time)')}, any_value(t.med_list_codg), ${NAME('any_value(t.med_list_codg)')},
          '', '', '', r.a, '出现 ' || count(*) || ' 次, ' || count(DISTINCT t.fixmedins_code) || ' 家机构'
        FROM ${KEYS} r JOIN trace_code t ON t.drug_trac_codg = r.a GROUP BY r.ref, r.a`,
  person: `SELECT r.ref, '', '', '', r.a, '', '', '', '', '', '', '', '参保人' FROM ${KEYS} r`,
  inst: `SELECT r.ref, r.a, '', '', '', '', '', coalesce((SELECT any_value(i.fixmedins_name) FROM institution i WHERE i.fixmedins_code = r.a), ''),
          '', '', '', '', '机构' FROM ${KEYS} r`,
};

function toLine(kind: RefKind, r: readonly DuckDBValue[]): ResolvedLine {
  return {
    ref: text(r[0]),
    kind,
    found: true,
    fixmedins_code: text(r[1]),
    mdtrt_id: text(r[2]),
    line_no: text(r[3]),
    psn_no: text(r[4]),
    at: text(r[5]),
    item_code: text(r[6]),
    item_name: text(r[7]),
    cnt: text(r[8]),
    pric: text(r[9]),
    amount: text(r[10]),
    trace_code: text(r[11]),
    note: text(r[12]),
  };
}

/** Looks every ref up in its table; a ref whose row is gone (or of an unknown kind) comes back `found: false`. */
export async function resolveRefs(conn: DuckDBConnection, refs: readonly string[]): Promise<Map<string, ResolvedLine>> {
  const out = new Map<string, ResolvedLine>();
  const byKind = new Map<RefKind, { ref: string; a: string; b: string; c: string }[]>();
  for (const ref of new Set(refs)) {
    const p = parseRef(ref);
    out.set(ref, blank(ref, p.kind));
    if (p.kind === 'other') continue;
    const list = byKind.get(p.kind) ?? [];
    list.push({ ref, a: p.parts[0] ?? '', b: p.parts[1] ?? '', c: p.parts[2] ?? '' });
    byKind.set(p.kind, list);
  }
  for (const [kind, keys] of byKind) {
    const sql = QUERIES[kind];
    if (!sql) continue;
    const r = await conn.runAndReadAll(sql, { doc: JSON.stringify(keys) });
    for (const row of r.getRows()) out.set(text(row[0]), toLine(kind, row));
  }
  return out;
}
