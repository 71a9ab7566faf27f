import type { DuckDBConnection } from '@duckdb/node-api';
import { showCase, type CaseDetail } from '../cases/index.js';
import { PATTERNS, isPattern } from '../contract/patterns.js';
import { FundwatchError } from '../core/errors.js';
import { text } from '../store/index.js';
import { amountWorksheet, type Worksheet } from './amounts.js';
import { ledgerOf, traceHistory, visitsOf, type DrugDay, type LedgerRow, type TraceRow, type VisitRow } from './facts.js';
import { resolveRefs, type LineRole, type ResolvedLine } from './lines.js';
import { provenanceOf, type HitProvenance, type Library } from './provenance.js';
import { parseRef } from './refs.js';

/** Patterns whose evidence is the pharmacy's stock: the bundle adds the 进销存 ledger and the trace-code history. */
export const STOCK_PATTERNS: ReadonlySet<string> = new Set(['inventory-mismatch', 'trace-code-reuse', 'resale', 'drug-substitution']);

/** A line of lines.csv: the looked-up row, what it is to the case, the hits naming it and the share it counts at. */
export interface BundleLine extends Omit<ResolvedLine, 'kind'> {
  readonly kind: ResolvedLine['kind'] | 'hit';
  readonly role: LineRole;
  /** The case whose hits name it: this one, or another on the same subject for related lines. */
  readonly case_id: string;
  /** `rule_id:jr_id` of the hits naming it. */
  readonly hits: readonly string[];
  /** The share of the case amount it counts at (4 decimals); '' for lines that count nothing. */
  readonly share: string;
}

/** Everything a bundle shows, read in one go. */
export interface BundleData {
  readonly detail: CaseDetail;
  readonly patternName: string;
  /** Whether the ledger and trace-code files are part of this bundle. */
  readonly stock: boolean;
  readonly lines: readonly BundleLine[];
  readonly worksheet: Worksheet;
  readonly visits: readonly VisitRow[];
  readonly ledger: readonly LedgerRow[];
  readonly traces: readonly TraceRow[];
  readonly provenance: readonly HitProvenance[];
  /** Whether the `ledger` table has rows at all (it is rebuilt by `fundwatch detect`). */
  readonly ledgerBuilt: boolean;
}

const hitTag = (rule: string, jr: string) => `${rule}:${jr}`;

/** Reads a case and everything around it. A usage error when the case does not exist. */
export async function gatherBundle(conn: DuckDBConnection, caseId: string, lib: Library): Promise<BundleData> {
  const detail = await showCase(conn, caseId);
  if (!detail) throw new FundwatchError('usage', `没有线索 ${caseId} (见 fundwatch cases list)`);
  const c = detail.case;
  const live = detail.hits.filter((h) => !h.withdrawn);
  const details = await conn.runAndReadAll(
    `SELECT d.jr_id, d.vola_item_type, d.ref FROM hit_detail d
     WHERE d.jr_id IN (SELECT unnest(from_json($ids, '["VARCHAR"]'))) ORDER BY d.ref, d.jr_id`,
    { ids: JSON.stringify([...live, ...detail.related].map((h) => h.jr_id)) },
  );
  const ruleOf = new Map([...live, ...detail.related].map((h) => [h.jr_id, h.rule_id]));
  const caseOf = new Map(detail.related.map((h) => [h.jr_id, h.case_id]));
  const named = new Map<string, { role: LineRole; hits: string[]; case_id: string }>();
  const rank: Record<LineRole, number> = { offending: 0, involved: 1, related: 2 };
  for (const [jrV, typeV, refV] of details.getRows()) {
    const jr = text(jrV);
    const related = caseOf.has(jr);
    // Other cases' 涉及项 are too far from this case to carry to site.
    if (related && Number(typeV) !== 1) continue;
    const role: LineRole = related ? 'related' : Number(typeV) === 1 ? 'offending' : 'involved';
    const ref = text(refV);
    const was = named.get(ref);
    const tag = hitTag(ruleOf.get(jr) ?? '', jr);
    if (!was || rank[role] < rank[was.role]) named.set(ref, { role, hits: [tag], case_id: caseOf.get(jr) ?? c.case_id });
    else if (was.role === role && !was.hits.includes(tag)) was.hits.push(tag);
  }
  const worksheet = await amountWorksheet(conn, c.case_id);
  const resolved = await resolveRefs(conn, [...named.keys()]);
  const lines: BundleLine[] = [...named].map(([ref, n]) => ({
    ...(resolved.get(ref) as ResolvedLine),
    role: n.role,
    case_id: n.case_id,
    hits: n.hits,
    share: n.role === 'offending' ? (worksheet.counted.get(ref) ?? '') : '',
  }));
  for (const u of worksheet.unlined) {
    const h = live.find((x) => x.jr_id === u.jr_id);
    lines.push({
      ref: `hit:${u.jr_id}`,
      kind: 'hit',
      found: true,
      fixmedins_code: c.fixmedins_code,
      mdtrt_id: h?.mdtrt_id ?? '',
      line_no: '',
      psn_no: h?.psn_no ?? '',
      at: h?.occurred_on ?? '',
      item_code: '',
      item_name: h?.vola_cont ?? '',
      cnt: '',
      pric: '',
      amount: u.vola_amt,
      trace_code: '',
      note: '命中未列违规项, 全额计入',
      role: 'offending',
      case_id: c.case_id,
      hits: [hitTag(u.rule_id, u.jr_id)],
      share: u.vola_amt,
    });
  }
  lines.sort((a, b) => rank[a.role] - rank[b.role] || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || (a.ref < b.ref ? -1 : 1));

  const own = lines.filter((l) => l.role !== 'related');
  const people = new Set<string>([...live.map((h) => h.psn_no), ...own.map((l) => l.psn_no)].filter(Boolean));
  const instType = await conn.runAndReadAll(`SELECT any_value(fixmedins_type) FROM institution WHERE fixmedins_code = $c`, {
    c: c.fixmedins_code,
  });
  const stock = STOCK_PATTERNS.has(c.pattern) || text(instType.getRows()[0]?.[0]) === '2';
  const drugDays: DrugDay[] = [];
  const seen = new Set<string>();
  for (const l of own)
    if ((l.kind === 'fee' || l.kind === 'psi' || l.kind === 'trace') && l.item_code && l.at) {
      const d = { fixmedins_code: l.fixmedins_code, med_list_codg: l.item_code, day: l.at.slice(0, 10) };
      const k = `${d.fixmedins_code}|${d.med_list_codg}|${d.day}`;
      if (!seen.has(k)) drugDays.push(d);
      seen.add(k);
    }
  const period = { start: await periodDay(conn, c.case_id, 'period_start'), end: await periodDay(conn, c.case_id, 'period_end') };
  const ledgerRows = await conn.runAndReadAll('SELECT count(*) FROM ledger');
  const facts = await conn.runAndReadAll(
    `SELECT jr_id, knowledge_version FROM hit WHERE jr_id IN (SELECT unnest(from_json($ids, '["VARCHAR"]')))`,
    { ids: JSON.stringify(detail.hits.map((h) => h.jr_id)) },
  );
  const kv = new Map(facts.getRows().map((r) => [text(r[0]), r[1] === null ? null : text(r[1])]));
  return {
    detail,
    patternName: isPattern(c.pattern) ? PATTERNS[c.pattern] : c.pattern,
    stock,
    lines,
    worksheet,
    visits: await visitsOf(conn, [...people].sort()),
    ledger: stock ? await ledgerOf(conn, drugDays, period) : [],
    traces: stock
      ? await traceHistory(
          conn,
          own.map((l) => l.trace_code || (l.kind === 'trace' ? (parseRef(l.ref).parts[0] ?? '') : '')).filter(Boolean),
          own.map((l) => l.ref),
        )
      : [],
    provenance: provenanceOf(
      detail.hits.map((h) => ({ ...h, knowledge_version: kv.get(h.jr_id) ?? null })),
      lib,
    ),
    ledgerBuilt: Number(ledgerRows.getRows()[0]?.[0] ?? 0) > 0,
  };
}

async function periodDay(conn: DuckDBConnection, caseId: string, col: 'period_start' | 'period_end'): Promise<string | null> {
  const r = await conn.runAndReadAll(`SELECT strftime(${col}, '%Y-%m-%d') FROM case_file WHERE case_id = $id`, { id: caseId });
  const v = r.getRows()[0]?.[0];
  return v === null || v === undefined ? null : text(v);
}
