import type { DuckDBConnection } from '@duckdb/node-api';
import { PATTERNS, isPattern } from '../contract/patterns.js';
import { addWorkdays, chinaDay } from '../core/calendar.js';
import { logger } from '../core/logger.js';
import { text as str } from '../store/index.js';
import { riskOf } from './risk.js';
import { lineSharesSql, SHARE_SQL } from './shares.js';
import { caseKeyOf } from './subject.js';
import { applySuppressions, countExpiringSoon, EXPIRING_DAYS } from './suppress.js';
import { DUE_WORKDAYS, SUBJECT_NAMES } from './workflow.js';

const log = logger('cases');

/** What one grouping did. */
export interface GroupSummary {
  /** Hits that joined a case in this run. */
  readonly attached: number;
  readonly created: number;
  /** Existing cases whose facts changed (new or withdrawn hits, amounts). */
  readonly updated: number;
  /** Dismissed or closed cases that new facts reopened. */
  readonly reopened: number;
  /** Cases in the database after the run. */
  readonly cases: number;
  /** Hits an active suppression held back from the queue in this run (kept in `hit`, counted). */
  readonly suppressed: number;
  /** Active suppressions ending within 7 days: a warning, so they are renewed or let go on purpose. */
  readonly expiringSoon: number;
}

const STAGE_SHAPE = JSON.stringify([
  {
    jr_id: 'VARCHAR',
    case_id: 'VARCHAR',
    case_key: 'VARCHAR',
    pattern: 'VARCHAR',
    subject_kind: 'VARCHAR',
    subject_key: 'VARCHAR',
    fixmedins_code: 'VARCHAR',
    psn_no: 'VARCHAR',
    dr_codg: 'VARCHAR',
    period: 'VARCHAR',
    period_start: 'DATE',
    period_end: 'DATE',
    title: 'VARCHAR',
  },
]);

/**
 * Groups hits into cases (issue 14), in one transaction: every live hit not yet in a case joins the
 * case of its key (cases/subject.ts), creating it when new; a dismissed or closed case that gets
 * new hits reopens as 待初审 with those hits marked new; then each case's amount, severity, sources
 * and risk are recomputed, and only a case whose figures changed is written (its version raised and
 * the change in the audit log). Run again on unchanged hits, it changes nothing.
 */
export async function groupCases(conn: DuckDBConnection, now: string, actor = 'system:detect'): Promise<GroupSummary> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const summary = await group(conn, now, actor);
    await conn.run('COMMIT');
    log.info({ ...summary }, 'cases grouped');
    return summary;
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  } finally {
    await conn.run('DROP TABLE IF EXISTS case_stage');
    await conn.run('DROP TABLE IF EXISTS case_figures');
  }
}

async function group(conn: DuckDBConnection, now: string, actor: string): Promise<GroupSummary> {
  // A new or reopened case is due for 初审 within the working days the workflow gives 待初审.
  const due = addWorkdays(chinaDay(now), DUE_WORKDAYS.new ?? 3);
  const suppressed = await applySuppressions(conn, now);
  const fresh = await conn.runAndReadAll(
    `SELECT jr_id, pattern, fixmedins_code, psn_no, mdtrt_id, dr_codg, strftime(coalesce(occurred_on, CAST(detected_at AS DATE), CAST($now AS DATE)), '%Y-%m-%d')
     FROM hit WHERE NOT withdrawn AND jr_id NOT IN (SELECT jr_id FROM case_hit) AND jr_id NOT IN (SELECT jr_id FROM hit_suppressed)`,
    { now },
  );
  const staged = fresh.getRows().map((r) => {
    const k = caseKeyOf({
      pattern: str(r[1]),
      fixmedins_code: str(r[2]),
      psn_no: str(r[3]),
      mdtrt_id: str(r[4]),
      dr_codg: str(r[5]),
      occurred_on: str(r[6]),
    });
    const name = isPattern(k.pattern) ? PATTERNS[k.pattern] : k.pattern;
    return { jr_id: str(r[0]), ...k, title: `${name}: ${SUBJECT_NAMES[k.subject_kind]} ${k.subject_key}, ${k.period}` };
  });
  await conn.run(`CREATE OR REPLACE TEMP TABLE case_stage AS SELECT unnest(from_json($doc, '${STAGE_SHAPE}'), recursive := true)`, {
    doc: JSON.stringify(staged),
  });
  // A case merged into another passes its new hits on to the case it was merged into.
  await conn.run(
    `UPDATE case_stage s SET case_id = c.merged_into FROM case_file c WHERE c.case_id = s.case_id AND c.merged_into IS NOT NULL`,
  );
  const created = await conn.runAndReadAll(
    `INSERT INTO case_file (case_id, case_key, pattern, subject_kind, subject_key, fixmedins_code, psn_no, dr_codg, period, period_start, period_end,
                            title, state, due_on, version, hit_count, amount, sev_deg, sources, risk, risk_parts, created_at, updated_at, facts_at)
     SELECT DISTINCT ON (case_id) case_id, case_key, pattern, subject_kind, subject_key, fixmedins_code, psn_no, dr_codg, period, period_start, period_end,
            title, 'new', CAST($due AS DATE), 0, 0, 0, 'suspect', 0, 0, '{}', CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP)
     FROM case_stage WHERE case_id NOT IN (SELECT case_id FROM case_file)
     ORDER BY case_id, jr_id
     RETURNING case_id`,
    { now, due },
  );
  // New facts on a case someone already looked at are marked; on a dismissed or closed case they reopen it.
  await conn.run(
    `INSERT INTO case_hit SELECT s.jr_id, s.case_id, CAST($now AS TIMESTAMP), 'grouped', c.state <> 'new' OR c.version > 0
     FROM case_stage s JOIN case_file c USING (case_id)`,
    { now },
  );
  const reopened = await conn.runAndReadAll(
    `UPDATE case_file SET state = 'new', reopened_at = CAST($now AS TIMESTAMP), due_on = CAST($due AS DATE)
     WHERE state IN ('dismissed', 'closed') AND case_id IN (SELECT case_id FROM case_stage)
     RETURNING case_id, version`,
    { now, due },
  );
  await appendAudit(
    conn,
    now,
    actor,
    reopened.getRows().map(([id, version]) => ({
      case_id: str(id),
      action: 'reopened',
      before: { version: Number(version) },
      after: { state: 'new', reason: '新的违规事实' },
    })),
  );

  const updated = await refigure(conn, now, actor, new Set(created.getRows().map((r) => str(r[0]))));
  const total = await conn.runAndReadAll('SELECT count(*) FROM case_file');
  return {
    attached: staged.length,
    created: created.getRows().length,
    updated: updated - created.getRows().length,
    reopened: reopened.getRows().length,
    cases: Number(total.getRows()[0]?.[0] ?? 0),
    suppressed,
    expiringSoon: await countExpiringSoon(conn, now),
  };
}

/**
 * Recomputes every case's figures from its live hits and writes the ones that changed. The amount
 * counts each offending line once: a hit's amount is spread over its 违规项 in proportion to their
 * own amounts (evenly when they have none), and a line named by several hits counts at the largest
 * share any of them gives it. Returns how many cases were written.
 */
export async function refigure(conn: DuckDBConnection, now: string, actor: string, created: ReadonlySet<string>): Promise<number> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE case_figures AS
     WITH live AS (
       SELECT ch.case_id, h.* FROM case_hit ch JOIN hit h USING (jr_id) WHERE NOT h.withdrawn
     ), shares AS (
       ${lineSharesSql('live', ['case_id'])}
     ), per_line AS (
       SELECT case_id, ref, max(${SHARE_SQL}) AS share
       FROM shares GROUP BY ALL
     ), amounts AS (
       SELECT case_id, sum(share) AS amount FROM (
         SELECT case_id, share FROM per_line
         UNION ALL
         SELECT case_id, vola_amt FROM live l WHERE NOT EXISTS (SELECT 1 FROM hit_detail d WHERE d.jr_id = l.jr_id AND d.vola_item_type = 1)
       ) GROUP BY case_id
     ), agreeing AS (
       -- Independent sources on the same facts: the rules and detectors of the case's own hits, and of
       -- any other live hit that names one of the case's 违规项 (a line, stay or person it names too).
       SELECT DISTINCT l.case_id, l.rule_id FROM live l
       UNION
       SELECT DISTINCT l.case_id, o.rule_id
       FROM live l JOIN hit_detail d ON d.jr_id = l.jr_id AND d.vola_item_type = 1
         JOIN hit_detail od ON od.ref = d.ref AND od.jr_id <> d.jr_id JOIN hit o ON o.jr_id = od.jr_id AND NOT o.withdrawn
     ), sources AS (
       SELECT case_id, count(*) AS sources FROM agreeing GROUP BY case_id
     ), counts AS (
       SELECT case_id, count(*) AS hit_count, bool_or(sev_deg = 'definite') AS definite FROM live GROUP BY case_id
     )
     SELECT c.case_id, coalesce(k.hit_count, 0) AS hit_count, CAST(round(coalesce(a.amount, 0), 2) AS DECIMAL(16,2)) AS amount,
            coalesce(k.definite, false) AS definite,
            coalesce(src.sources, 0) AS sources,
            (SELECT count(*) FROM case_file p WHERE p.fixmedins_code = c.fixmedins_code AND p.case_id <> c.case_id
               AND p.confirmed_at IS NOT NULL AND p.confirmed_at < coalesce(c.confirmed_at, CAST($now AS TIMESTAMP))) AS confirmed_before,
            c.hit_count AS old_hit_count, CAST(c.amount AS VARCHAR) AS old_amount, c.sev_deg AS old_sev, c.sources AS old_sources, c.risk AS old_risk,
            c.version
     FROM case_file c LEFT JOIN counts k USING (case_id) LEFT JOIN amounts a USING (case_id) LEFT JOIN sources src USING (case_id)
     WHERE c.merged_into IS NULL`,
    { now },
  );
  const rows = (await conn.runAndReadAll('SELECT *, CAST(amount AS VARCHAR) FROM case_figures ORDER BY case_id')).getRows();
  const changes = [];
  const entries: AuditEntry[] = [];
  for (const r of rows) {
    const [id, hitCount, , definite, sources, confirmedBefore, oldCount, oldAmount, oldSev, oldSources, oldRisk, version, amountText] = r;
    const amount = Number(amountText);
    const risk = riskOf({ amount, definite: definite === true, sources: Number(sources), confirmedBefore: Number(confirmedBefore) });
    const sev = definite === true ? 'definite' : 'suspect';
    const after = { hit_count: Number(hitCount), amount, sev_deg: sev, sources: Number(sources), risk: risk.risk };
    const before = {
      hit_count: Number(oldCount),
      amount: Number(oldAmount),
      sev_deg: str(oldSev),
      sources: Number(oldSources),
      risk: Number(oldRisk),
    };
    if (JSON.stringify(after) === JSON.stringify(before)) continue;
    changes.push({ case_id: str(id), ...after, risk_parts: risk, grew: after.hit_count > before.hit_count });
    entries.push({
      case_id: str(id),
      action: created.has(str(id)) ? 'created' : 'facts',
      before: created.has(str(id)) ? null : { ...before, version: Number(version) },
      after,
    });
  }
  if (!changes.length) return 0;
  await appendAudit(conn, now, actor, entries);
  await conn.run(
    `UPDATE case_file c SET hit_count = s.hit_count, amount = s.amount, sev_deg = s.sev_deg, sources = s.sources, risk = s.risk,
            risk_parts = s.risk_parts, version = c.version + 1, updated_at = CAST($now AS TIMESTAMP),
            facts_at = CASE WHEN s.grew THEN CAST($now AS TIMESTAMP) ELSE c.facts_at END
     FROM (SELECT unnest(from_json($doc, '[{"case_id":"VARCHAR","hit_count":"INTEGER","amount":"DECIMAL(16,2)","sev_deg":"VARCHAR","sources":"INTEGER","risk":"DOUBLE","risk_parts":"JSON","grew":"BOOLEAN"}]'), recursive := true)) s
     WHERE c.case_id = s.case_id`,
    { now, doc: JSON.stringify(changes) },
  );
  return changes.length;
}

/** One entry of the audit log. */
export interface AuditEntry {
  readonly case_id: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Appends entries to the audit log (never updated, never deleted), all at `now` by `actor`. */
export async function appendAudit(conn: DuckDBConnection, now: string, actor: string, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await conn.run(
    `INSERT INTO case_audit (case_id, happened_at, actor, action, before, after)
     SELECT case_id, CAST($now AS TIMESTAMP), $actor, action, before, after
     FROM (SELECT unnest(from_json($doc, '[{"case_id":"VARCHAR","action":"VARCHAR","before":"JSON","after":"JSON"}]'), recursive := true))`,
    { now, actor, doc: JSON.stringify(entries.map((e) => ({ ...e, before: e.before ?? null, after: e.after ?? null }))) },
  );
}

/** One Chinese line on what a grouping did, and a ⚠ line when suppressions are about to end. */
export function formatGroupSummary(g: GroupSummary): string {
  const line = `线索归并: ${g.attached} 条命中归入线索, ${g.suppressed} 条被白名单压下 (保留计数, 不入线索); 新建 ${g.created} 条, 更新 ${g.updated} 条, 因新事实重新打开 ${g.reopened} 条; 共 ${g.cases} 条线索 (查看: fundwatch cases list)`;
  return g.expiringSoon > 0 ? `${line}\n⚠ ${g.expiringSoon} 条白名单将在 ${EXPIRING_DAYS} 天内到期 (查看: fundwatch suppress list)` : line;
}
