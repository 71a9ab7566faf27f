import type { DuckDBConnection } from '@duckdb/node-api';
import type { StageContext } from '../core/stage.js';
import { text as s } from '../store/index.js';
import { CONFIRMED_SQL } from './workflow.js';

/**
 * Feedback to rule authors (issue 14): what became of each rule's and detector's hits, per version.
 * Cases are counted in their current state, so a dismissed case that new facts reopened counts as
 * open again.
 */

export interface RuleStats {
  readonly rule_id: string;
  readonly rule_version: string;
  readonly rule_name: string;
  readonly pattern: string;
  /** Hits not withdrawn; `suppressed` of them were held back by a suppression. */
  readonly hits: number;
  readonly suppressed: number;
  readonly withdrawn: number;
  /** Cases holding at least one of its live hits. */
  readonly cases: number;
  /** Of those, confirmed (state confirmed, rectifying or closed) and dismissed. */
  readonly confirmed: number;
  readonly dismissed: number;
  /** Dismissed cases by dismiss_reason ('' when none was given), most frequent first. */
  readonly dismiss_reasons: { readonly reason: string; readonly count: number }[];
  /** confirmed / (confirmed + dismissed); null while none is decided. */
  readonly precision: number | null;
  /** 'YYYY-MM-DD HH:MM:SS' of its newest hit, and the day of the newest fact it hit. */
  readonly last_detected_at: string | null;
  readonly last_occurred_on: string | null;
}

export interface RuleStatsArgs {
  /** One rule or detector id; all when absent. */
  readonly rule?: string | undefined;
}

/**
 * Per rule or detector id and version (hit.rule_id, hit.rule_version): hits, suppressed and withdrawn
 * hits, the cases holding its live hits and how supervisors decided them, dismiss reasons, precision
 * in practice and its last hit. Ordered by id, then version.
 */
export async function ruleStats(conn: DuckDBConnection, args: RuleStatsArgs, _ctx: StageContext): Promise<RuleStats[]> {
  const r = await conn.runAndReadAll(
    `WITH h AS (
       SELECT h.*, (sp.jr_id IS NOT NULL) AS is_suppressed
       FROM hit h LEFT JOIN hit_suppressed sp USING (jr_id)
       WHERE $rule IS NULL OR h.rule_id = $rule
     ),
     per_case AS (
       SELECT DISTINCT h.rule_id, h.rule_version, c.case_id, c.state, c.dismiss_reason
       FROM h JOIN case_hit ch USING (jr_id) JOIN case_file c ON c.case_id = ch.case_id
       WHERE NOT h.withdrawn
     ),
     decided AS (
       SELECT rule_id, rule_version, count(*) AS cases,
              count(*) FILTER (WHERE state IN (${CONFIRMED_SQL})) AS confirmed,
              count(*) FILTER (WHERE state = 'dismissed') AS dismissed
       FROM per_case GROUP BY ALL
     ),
     reasons AS (
       SELECT rule_id, rule_version, list({'reason': reason, 'count': n} ORDER BY n DESC, reason) AS reasons
       FROM (SELECT rule_id, rule_version, coalesce(dismiss_reason, '') AS reason, count(*) AS n
             FROM per_case WHERE state = 'dismissed' GROUP BY ALL)
       GROUP BY ALL
     )
     SELECT h.rule_id, h.rule_version, max(h.rule_name), max(h.pattern),
            count(*) FILTER (WHERE NOT h.withdrawn), count(*) FILTER (WHERE NOT h.withdrawn AND h.is_suppressed),
            count(*) FILTER (WHERE h.withdrawn),
            coalesce(any_value(d.cases), 0), coalesce(any_value(d.confirmed), 0), coalesce(any_value(d.dismissed), 0),
            to_json(any_value(x.reasons))::VARCHAR,
            strftime(max(h.detected_at), '%Y-%m-%d %H:%M:%S'), strftime(max(h.occurred_on), '%Y-%m-%d')
     FROM h LEFT JOIN decided d USING (rule_id, rule_version) LEFT JOIN reasons x USING (rule_id, rule_version)
     GROUP BY h.rule_id, h.rule_version
     ORDER BY h.rule_id, h.rule_version`,
    { rule: args.rule ?? null },
  );
  return r.getRows().map((x) => {
    const confirmed = Number(x[8]);
    const dismissed = Number(x[9]);
    return {
      rule_id: s(x[0]),
      rule_version: s(x[1]),
      rule_name: s(x[2]),
      pattern: s(x[3]),
      hits: Number(x[4]),
      suppressed: Number(x[5]),
      withdrawn: Number(x[6]),
      cases: Number(x[7]),
      confirmed,
      dismissed,
      dismiss_reasons:
        x[10] === null
          ? []
          : (JSON.parse(s(x[10])) as { reason: string; count: number }[]).map((e) => ({ reason: e.reason, count: Number(e.count) })),
      precision: confirmed + dismissed > 0 ? confirmed / (confirmed + dismissed) : null,
      last_detected_at: x[11] === null ? null : s(x[11]),
      last_occurred_on: x[12] === null ? null : s(x[12]),
    };
  });
}
