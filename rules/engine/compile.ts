import { parseYaml, type Finding, type Issue } from '../../core/diagnostics/index.js';
import type { ListTable } from '../knowledge.js';
import type { Parts } from './archetype-parts.js';
import { line, sharedScan, type SharedScan } from './fee-archetypes.js';
import { pair, quantity } from './totals.js';
import { aggregate, interval } from './group-archetypes.js';
import { related } from './related-archetype.js';
import { Rule } from './schema.js';
import { Ctx, type ParamValue } from './sql.js';

/**
 * The rule compiler: a pure function from rule text to one parameterised DuckDB query, or every
 * located issue. The query returns one row per hit in the contract §6 shape:
 *   jr_id, fixmedins_code, psn_no, mdtrt_id, dr_codg, vola_amt, vola_cont, occurred_on, evidence,
 *   details (list of {vola_item_type, ref, amount}).
 * Parameters: `$rule_id`, `$since`, `$until` (dates or NULL), and `$p1 …` for every literal of
 * the rule. No value of the rule text is ever part of the SQL text.
 *
 * jr_id = lowercase hex SHA-256 of `rule_id`, a newline, and the distinct refs of the hit's 违规项
 * sorted bytewise and joined by newlines, computed in the query itself (test/rules-engine.test.ts
 * checks it against a SHA-256 computed in JS).
 */

export interface CompiledRule {
  readonly rule: Rule;
  readonly sql: string;
  /** The rule's literals; the executor adds rule_id, since and until. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Knowledge tables the rule looks up (their versions go on every hit). */
  readonly knowledge: readonly ListTable[];
  readonly warnings: readonly Finding[];
  /** The fee lines of listed items the rule starts from, which `detect` may read once for several rules. */
  readonly scan?: SharedScan | undefined;
}

export type CompileResult =
  { readonly ok: true; readonly compiled: CompiledRule } | { readonly ok: false; readonly issues: readonly Finding[] };

/** The CTEs of the rule's archetype, ending in `h`. */
function archetype(parts: Parts, logic: Rule['logic']): string {
  switch (logic.kind) {
    case 'line':
      return line({ ...parts, logic });
    case 'pair':
      return pair({ ...parts, logic });
    case 'quantity':
      return quantity({ ...parts, logic });
    case 'interval':
      return interval({ ...parts, logic });
    case 'aggregate':
      return aggregate({ ...parts, logic });
    case 'related':
      return related({ ...parts, logic });
  }
}

/** Compiles a validated rule. */
export function compileRule(rule: Rule): CompileResult {
  const ctx = new Ctx(rule.id, rule.logic.conditions, ['logic', 'conditions']);
  const parts: Parts = { ctx, rule };
  const logic = rule.logic;
  const body = archetype(parts, logic);
  if (!ctx.ok) return { ok: false, issues: ctx.issues };
  const sql = `WITH ${body}
SELECT * FROM (
  SELECT sha256(CAST($rule_id AS VARCHAR) || chr(10) || array_to_string(list_sort(list_distinct([x.ref FOR x IN h_details IF x.vola_item_type = 1])), chr(10))) AS jr_id,
    coalesce(h_inst, '') AS fixmedins_code, coalesce(h_psn, '') AS psn_no, coalesce(h_mdtrt, '') AS mdtrt_id, coalesce(h_dr, '') AS dr_codg,
    CAST(round(coalesce(h_amt, 0), 2) AS DECIMAL(16,2)) AS vola_amt, h_cont AS vola_cont, h_on AS occurred_on, h_evidence AS evidence,
    h_details AS details
  FROM h
  WHERE len(h_details) > 0
)
QUALIFY row_number() OVER (PARTITION BY jr_id ORDER BY vola_amt DESC, vola_cont) = 1`;
  return {
    ok: true,
    compiled: {
      rule,
      sql,
      params: ctx.params.values,
      knowledge: ctx.listTables() as ListTable[],
      warnings: ctx.issues,
      scan: sharedScan(parts, sql),
    },
  };
}

export type TextResult =
  | { readonly ok: true; readonly compiled: CompiledRule; readonly warnings: readonly Issue[] }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** Where a schema problem of a rule or rule test is explained. */
export const RULE_SCHEMA_HINT = '按 rules/rule.schema.json 修改';

/** YAML text → compiled rule, or every issue located at file:line:col. Never throws on bad input. */
export function compileText(text: string, file: string): TextResult {
  const parsed = parseYaml(text, file, Rule, { hint: () => RULE_SCHEMA_HINT });
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const { yaml } = parsed;
  const r = compileRule(parsed.value);
  if (!r.ok) return { ok: false, issues: r.issues.map((i) => yaml.locate(i)) };
  return { ok: true, compiled: r.compiled, warnings: r.compiled.warnings.map((i) => yaml.locate(i)) };
}
