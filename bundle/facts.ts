import type { DuckDBConnection } from '@duckdb/node-api';
import { text } from '../store/index.js';

/**
 * The facts around a case an inspector checks on site: the visits of the people involved, the
 * reconstructed 进销存 ledger of the drugs and days involved, the history of the trace codes.
 * Personal data only in its masked form (contract §5); psn_no is the identifier.
 */

export interface VisitRow {
  readonly psn_no: string;
  readonly psn_name_mask: string;
  readonly fixmedins_code: string;
  readonly fixmedins_name: string;
  readonly mdtrt_id: string;
  readonly med_type: string;
  readonly begntime: string;
  readonly endtime: string;
  readonly diagnosis: string;
  readonly dept: string;
  readonly doctor: string;
  /** Total of the visit's settlements not cancelled. */
  readonly medfee_sumamt: string;
}

const TS = (col: string) => `strftime(${col}, '%Y-%m-%d %H:%M:%S')`;

/** Every visit of these people, by person and time. */
export async function visitsOf(conn: DuckDBConnection, psnNos: readonly string[]): Promise<VisitRow[]> {
  if (!psnNos.length) return [];
  const r = await conn.runAndReadAll(
    `SELECT v.psn_no, coalesce(v.psn_name_mask, ''), v.fixmedins_code, coalesce(i.fixmedins_name, ''), v.mdtrt_id, coalesce(v.med_type, ''),
            ${TS('v.begntime')}, ${TS('v.endtime')}, coalesce(v.dscg_maindiag_code, v.dise_codg, ''), coalesce(v.adm_dept_codg, ''), coalesce(v.atddr_no, ''),
            (SELECT CAST(sum(s.medfee_sumamt) AS VARCHAR) FROM settlement s WHERE s.fixmedins_code = v.fixmedins_code AND s.mdtrt_id = v.mdtrt_id AND NOT s.cancelled)
     FROM visit v LEFT JOIN institution i USING (fixmedins_code)
     WHERE v.psn_no IN (SELECT unnest(from_json($doc, '["VARCHAR"]')))
     ORDER BY v.psn_no, v.begntime, v.fixmedins_code, v.mdtrt_id`,
    { doc: JSON.stringify(psnNos) },
  );
  return r.getRows().map((x) => ({
    psn_no: text(x[0]),
    psn_name_mask: text(x[1]),
    fixmedins_code: text(x[2]),
    fixmedins_name: text(x[3]),
    mdtrt_id: text(x[4]),
    med_type: text(x[5]),
    begntime: text(x[6]),
    endtime: text(x[7]),
    diagnosis: text(x[8]),
    dept: text(x[9]),
    doctor: text(x[10]),
    medfee_sumamt: text(x[11]),
  }));
}

/** A pharmacy's drug on one day of the case. */
export interface DrugDay {
  readonly fixmedins_code: string;
  readonly med_list_codg: string;
  readonly day: string;
}

export interface LedgerRow {
  readonly fixmedins_code: string;
  readonly med_list_codg: string;
  readonly name: string;
  readonly day: string;
  readonly opening: string;
  readonly purchased: string;
  readonly changed: string;
  readonly sold: string;
  readonly settled: string;
  readonly stock: string;
  readonly counted: string;
  /** A day a line of the case falls on. */
  readonly involved: boolean;
}

/**
 * The ledger (table `ledger`, rebuilt by every detect run, detectors/ledger.ts) of the drugs
 * involved, from the first day involved or the period's start, whichever is earlier, to the last
 * day involved or the period's end: stock is cumulative, so the days around matter.
 */
export async function ledgerOf(
  conn: DuckDBConnection,
  involved: readonly DrugDay[],
  period: { start: string | null; end: string | null },
): Promise<LedgerRow[]> {
  if (!involved.length) return [];
  const r = await conn.runAndReadAll(
    `WITH inv AS (SELECT unnest(from_json($doc, '[{"fixmedins_code":"VARCHAR","med_list_codg":"VARCHAR","day":"DATE"}]'), recursive := true)),
     span AS (SELECT fixmedins_code, med_list_codg, least(min(day), CAST($start AS DATE)) AS lo, greatest(max(day), CAST($end AS DATE)) AS hi FROM inv GROUP BY ALL)
     SELECT l.fixmedins_code, l.med_list_codg, coalesce((SELECT any_value(c.name) FROM catalog c WHERE c.med_list_codg = l.med_list_codg), ''),
            strftime(l.day, '%Y-%m-%d'), CAST(l.opening AS VARCHAR), CAST(l.purchased AS VARCHAR), CAST(l.changed AS VARCHAR), CAST(l.sold AS VARCHAR),
            CAST(l.settled AS VARCHAR), CAST(l.stock AS VARCHAR), CAST(l.counted AS VARCHAR),
            EXISTS (SELECT 1 FROM inv i WHERE i.fixmedins_code = l.fixmedins_code AND i.med_list_codg = l.med_list_codg AND i.day = l.day)
     FROM ledger l JOIN span s USING (fixmedins_code, med_list_codg)
     WHERE l.day BETWEEN s.lo AND s.hi
     ORDER BY l.fixmedins_code, l.med_list_codg, l.day`,
    { doc: JSON.stringify(involved), start: period.start, end: period.end },
  );
  return r.getRows().map((x) => ({
    fixmedins_code: text(x[0]),
    med_list_codg: text(x[1]),
    name: text(x[2]),
    day: text(x[3]),
    opening: text(x[4]),
    purchased: text(x[5]),
    changed: text(x[6]),
    sold: text(x[7]),
    settled: text(x[8]),
    stock: text(x[9]),
    counted: text(x[10]),
    involved: x[11] === true,
  }));
}

export interface TraceRow {
  readonly drug_trac_codg: string;
  readonly at: string;
  readonly fixmedins_code: string;
  readonly line_table: string;
  readonly infno: string;
  readonly ref: string;
  readonly psn_no: string;
  readonly med_list_codg: string;
  readonly is_return: boolean;
  readonly origin: string;
}

/**
 * Every use of these trace codes, and of the codes the case's lines carry (on the line or in a
 * list, `trace_code_version`), in time order.
 */
export async function traceHistory(conn: DuckDBConnection, codes: readonly string[], refs: readonly string[]): Promise<TraceRow[]> {
  if (!codes.length && !refs.length) return [];
  const r = await conn.runAndReadAll(
    `WITH wanted AS (
       SELECT unnest(from_json($codes, '["VARCHAR"]')) AS drug_trac_codg
       UNION SELECT drug_trac_codg FROM trace_code_version WHERE ref IN (SELECT unnest(from_json($refs, '["VARCHAR"]')))
     )
     SELECT t.drug_trac_codg, ${TS('t.event_time')}, t.fixmedins_code, t.line_table, t.infno, t.ref, coalesce(t.psn_no, ''), coalesce(t.med_list_codg, ''),
            t.is_return, t.origin
     FROM trace_code t SEMI JOIN wanted USING (drug_trac_codg)
     ORDER BY t.drug_trac_codg, t.event_time, t.ref, t.seq`,
    { codes: JSON.stringify(codes), refs: JSON.stringify(refs) },
  );
  return r.getRows().map((x) => ({
    drug_trac_codg: text(x[0]),
    at: text(x[1]),
    fixmedins_code: text(x[2]),
    line_table: text(x[3]),
    infno: text(x[4]),
    ref: text(x[5]),
    psn_no: text(x[6]),
    med_list_codg: text(x[7]),
    is_return: x[8] === true,
    origin: text(x[9]),
  }));
}
