import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { text as s } from '../store/index.js';
import type { Risk } from './risk.js';

/** A case as the queue and `cases show` present it. */
export interface CaseRow {
  readonly case_id: string;
  readonly pattern: string;
  readonly subject_kind: string;
  readonly subject_key: string;
  readonly fixmedins_code: string;
  readonly fixmedins_name: string;
  readonly period: string;
  readonly title: string;
  readonly state: string;
  readonly assignee: string | null;
  readonly version: number;
  readonly hit_count: number;
  readonly amount: number;
  readonly sev_deg: string;
  readonly sources: number;
  readonly risk: number;
  readonly risk_parts: Risk | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly reopened_at: string | null;
  /** Hits that joined after the case was first looked at (new facts). */
  readonly new_hits: number;
  /** The current state's deadline (working days, cases/workflow.ts DUE_WORKDAYS). */
  readonly due_on: string | null;
  readonly dismiss_reason: string | null;
  readonly dismiss_note: string | null;
  /** 追回金额, 已追回金额, 罚款 (yuan), set at 整改 and 结案. */
  readonly recover_amt: number | null;
  readonly recovered_amt: number | null;
  readonly penalty_amt: number | null;
}

export interface CaseFilter {
  readonly state?: string | undefined;
  readonly pattern?: string | undefined;
  readonly fixmedins_code?: string | undefined;
  readonly assignee?: string | undefined;
  readonly limit?: number | undefined;
}

const COLUMNS = `c.case_id, c.pattern, c.subject_kind, c.subject_key, c.fixmedins_code, coalesce(i.fixmedins_name, c.fixmedins_code), c.period, c.title,
  c.state, c.assignee, c.version, c.hit_count, CAST(c.amount AS VARCHAR), c.sev_deg, c.sources, c.risk, CAST(c.risk_parts AS VARCHAR),
  strftime(c.created_at, '%Y-%m-%d %H:%M:%S'), strftime(c.updated_at, '%Y-%m-%d %H:%M:%S'), strftime(c.reopened_at, '%Y-%m-%d %H:%M:%S'),
  (SELECT count(*) FROM case_hit ch WHERE ch.case_id = c.case_id AND ch.is_new),
  strftime(c.due_on, '%Y-%m-%d'), c.dismiss_reason, c.dismiss_note, CAST(c.recover_amt AS VARCHAR), CAST(c.recovered_amt AS VARCHAR), CAST(c.penalty_amt AS VARCHAR)`;

const orNull = (v: DuckDBValue | undefined): string | null => (v === null || v === undefined ? null : s(v));

function toCase(r: readonly DuckDBValue[]): CaseRow {
  return {
    case_id: s(r[0]),
    pattern: s(r[1]),
    subject_kind: s(r[2]),
    subject_key: s(r[3]),
    fixmedins_code: s(r[4]),
    fixmedins_name: s(r[5]),
    period: s(r[6]),
    title: s(r[7]),
    state: s(r[8]),
    assignee: orNull(r[9]),
    version: Number(r[10]),
    hit_count: Number(r[11]),
    amount: Number(r[12]),
    sev_deg: s(r[13]),
    sources: Number(r[14]),
    risk: Number(r[15]),
    risk_parts: r[16] === null || r[16] === '{}' ? null : (JSON.parse(s(r[16])) as Risk),
    created_at: s(r[17]),
    updated_at: s(r[18]),
    reopened_at: orNull(r[19]),
    new_hits: Number(r[20]),
    due_on: orNull(r[21]),
    dismiss_reason: orNull(r[22]),
    dismiss_note: orNull(r[23]),
    recover_amt: r[24] === null ? null : Number(r[24]),
    recovered_amt: r[25] === null ? null : Number(r[25]),
    penalty_amt: r[26] === null ? null : Number(r[26]),
  };
}

/** The queue: cases with live hits (not merged away), by risk, then amount, then id. */
export async function listCases(conn: DuckDBConnection, f: CaseFilter = {}): Promise<CaseRow[]> {
  const r = await conn.runAndReadAll(
    `SELECT ${COLUMNS} FROM case_file c LEFT JOIN institution i USING (fixmedins_code)
     WHERE c.merged_into IS NULL AND c.hit_count > 0
       AND ($state IS NULL OR c.state = $state) AND ($pattern IS NULL OR c.pattern = $pattern) AND ($inst IS NULL OR c.fixmedins_code = $inst)
       AND ($assignee IS NULL OR c.assignee = $assignee)
     ORDER BY c.risk DESC, c.amount DESC, c.case_id
     LIMIT $limit`,
    {
      state: f.state ?? null,
      pattern: f.pattern ?? null,
      inst: f.fixmedins_code ?? null,
      assignee: f.assignee ?? null,
      limit: f.limit ?? 1_000_000,
    },
  );
  return r.getRows().map(toCase);
}

export interface CaseHitRow {
  readonly jr_id: string;
  readonly rule_id: string;
  readonly rule_version: string;
  readonly pattern: string;
  readonly sev_deg: string;
  readonly vola_cont: string;
  readonly vola_amt: number;
  readonly psn_no: string;
  readonly mdtrt_id: string;
  readonly dr_codg: string;
  readonly occurred_on: string;
  readonly withdrawn: boolean;
  readonly is_new: boolean;
}

export interface AuditRow {
  readonly seq: number;
  readonly happened_at: string;
  readonly actor: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface CaseDetail {
  readonly case: CaseRow;
  readonly comments: { readonly happened_at: string; readonly actor: string; readonly body: string }[];
  readonly hits: CaseHitRow[];
  /** Hits of other cases on the same subject (other patterns or periods). */
  readonly related: (CaseHitRow & { readonly case_id: string })[];
  readonly audit: AuditRow[];
}

const HIT_COLUMNS = `h.jr_id, h.rule_id, h.rule_version, h.pattern, h.sev_deg, h.vola_cont, CAST(h.vola_amt AS VARCHAR), h.psn_no, h.mdtrt_id, h.dr_codg,
  strftime(h.occurred_on, '%Y-%m-%d'), h.withdrawn, ch.is_new, ch.case_id`;

function toHit(r: readonly DuckDBValue[]): CaseHitRow & { case_id: string } {
  return {
    jr_id: s(r[0]),
    rule_id: s(r[1]),
    rule_version: s(r[2]),
    pattern: s(r[3]),
    sev_deg: s(r[4]),
    vola_cont: s(r[5]),
    vola_amt: Number(r[6]),
    psn_no: s(r[7]),
    mdtrt_id: s(r[8]),
    dr_codg: s(r[9]),
    occurred_on: s(r[10]),
    withdrawn: r[11] === true,
    is_new: r[12] === true,
    case_id: s(r[13]),
  };
}

/** One case with its hits, related hits on the same subject and its audit log; undefined when unknown. */
export async function showCase(conn: DuckDBConnection, caseId: string): Promise<CaseDetail | undefined> {
  const c = await conn.runAndReadAll(
    `SELECT ${COLUMNS} FROM case_file c LEFT JOIN institution i USING (fixmedins_code) WHERE c.case_id = $id`,
    {
      id: caseId,
    },
  );
  const row = c.getRows()[0];
  if (!row) return undefined;
  const hits = await conn.runAndReadAll(
    `SELECT ${HIT_COLUMNS} FROM case_hit ch JOIN hit h USING (jr_id) WHERE ch.case_id = $id ORDER BY h.vola_amt DESC, h.jr_id`,
    { id: caseId },
  );
  const related = await conn.runAndReadAll(
    `SELECT ${HIT_COLUMNS} FROM case_file me JOIN case_file o ON o.subject_kind = me.subject_kind AND o.subject_key = me.subject_key AND o.case_id <> me.case_id
       JOIN case_hit ch ON ch.case_id = o.case_id JOIN hit h USING (jr_id)
     WHERE me.case_id = $id AND NOT h.withdrawn ORDER BY h.occurred_on, h.jr_id LIMIT 200`,
    { id: caseId },
  );
  const audit = await conn.runAndReadAll(
    `SELECT seq, strftime(happened_at, '%Y-%m-%d %H:%M:%S'), actor, action, CAST(before AS VARCHAR), CAST(after AS VARCHAR)
     FROM case_audit WHERE case_id = $id ORDER BY seq`,
    { id: caseId },
  );
  const comments = await conn.runAndReadAll(
    `SELECT strftime(happened_at, '%Y-%m-%d %H:%M:%S'), actor, body FROM case_comment WHERE case_id = $id ORDER BY seq`,
    { id: caseId },
  );
  return {
    case: toCase(row),
    comments: comments.getRows().map((r) => ({ happened_at: s(r[0]), actor: s(r[1]), body: s(r[2]) })),
    hits: hits.getRows().map(toHit),
    related: related.getRows().map(toHit),
    audit: audit.getRows().map((r) => ({
      seq: Number(r[0]),
      happened_at: s(r[1]),
      actor: s(r[2]),
      action: s(r[3]),
      before: r[4] === null ? null : (JSON.parse(s(r[4])) as unknown),
      after: r[5] === null ? null : (JSON.parse(s(r[5])) as unknown),
    })),
  };
}

/** Each case's hit ids, for scoring cases against labels (`fundwatch score --cases`). */
export async function caseHitIds(conn: DuckDBConnection): Promise<Map<string, string[]>> {
  const r = await conn.runAndReadAll(
    `SELECT ch.case_id, h.jr_id FROM case_hit ch JOIN hit h USING (jr_id) WHERE NOT h.withdrawn ORDER BY ch.case_id, h.jr_id`,
  );
  const out = new Map<string, string[]>();
  for (const [id, jr] of r.getRows()) {
    const list = out.get(s(id)) ?? [];
    list.push(s(jr));
    out.set(s(id), list);
  }
  return out;
}
