import { keyFieldOf, type HonestLabel, type Label, type Labels } from '../contract/labels.js';
import { isPattern, PATTERN_CODES, PATTERNS } from '../contract/patterns.js';
import { parseRef, type Hit } from './hits.js';

/**
 * Scoring of hits against ground truth, exactly as contract §7 defines it. Pure: hits and labels
 * in, a scorecard out.
 *
 * - A hit **names** a key when the key is among its subject fields (fixmedins_code, psn_no,
 *   mdtrt_id) or its details' refs: a visit (institution + 就诊ID) through `fee:` and `visit:` refs,
 *   an institution through any ref that starts with it, a person through `person:`, a trace code
 *   through `trace:`.
 * - A hit **catches** a label when their patterns are equal and the hit names the label's key.
 *   Recall of a pattern = caught labels / labels.
 * - A hit is **true** when it names the key of any fraud label, whatever the pattern;
 *   precision = true hits / hits.
 * - A hit of pattern P that is not true and names an honest label whose `looks_like` is P is a
 *   false positive on a look-alike.
 * - precision@k ranks a pattern's hits by vola_amt descending, then score descending (no score
 *   last), then jr_id; it is true hits among the first k over min(k, hits).
 */
export interface PatternScore {
  readonly pattern: string;
  readonly name: string;
  readonly labels: number;
  readonly caught: number;
  readonly hits: number;
  readonly trueHits: number;
  /** null without hits. */
  readonly precision: number | null;
  /** null without labels. */
  readonly recall: number | null;
  /** null without labels; 0 when precision or recall is 0 or undefined. */
  readonly f1: number | null;
  readonly precisionAtK: Readonly<Record<string, number | null>>;
  /** Honest labels that look like this pattern, and hits of the pattern that named only them. */
  readonly lookalikes: number;
  readonly lookalikeFalsePositives: number;
}

export interface LookalikeFalsePositive {
  readonly jr_id: string;
  readonly pattern: string;
  readonly rule_id: string;
  readonly vola_amt: number;
  readonly label: { readonly level: string; readonly key: string; readonly fixmedins_code?: string; readonly note?: string };
}

export interface Scorecard {
  readonly k: readonly number[];
  readonly patterns: readonly PatternScore[];
  readonly overall: Omit<PatternScore, 'pattern' | 'name'>;
  readonly lookalikeFalsePositives: readonly LookalikeFalsePositive[];
}

/** The keys a hit names, by level. */
interface Named {
  readonly visits: Set<string>;
  readonly visitIds: Set<string>;
  readonly persons: Set<string>;
  readonly institutions: Set<string>;
  readonly traces: Set<string>;
}

const visitKey = (inst: string, mdtrt: string) => `${inst}\u0000${mdtrt}`;

function named(hit: Hit): Named {
  const n: Named = { visits: new Set(), visitIds: new Set(), persons: new Set(), institutions: new Set(), traces: new Set() };
  const visit = (inst: string, mdtrt: string) => {
    n.visits.add(visitKey(inst, mdtrt));
    n.visitIds.add(mdtrt);
  };
  if (hit.fixmedins_code) n.institutions.add(hit.fixmedins_code);
  if (hit.psn_no) n.persons.add(hit.psn_no);
  if (hit.mdtrt_id) {
    if (hit.fixmedins_code) visit(hit.fixmedins_code, hit.mdtrt_id);
    else n.visitIds.add(hit.mdtrt_id);
  }
  for (const d of hit.details) {
    const r = parseRef(d.ref);
    if (!r) continue;
    if ('inst' in r) n.institutions.add(r.inst);
    if (r.kind === 'fee' || r.kind === 'visit') visit(r.inst, r.mdtrt);
    else if (r.kind === 'person') n.persons.add(r.psn);
    else if (r.kind === 'trace') n.traces.add(r.code);
  }
  return n;
}

/** Whether `n` names the key of `label`. A visit label without fixmedins_code matches its 就诊ID alone. */
function names(n: Named, label: Label): boolean {
  switch (label.level) {
    case 'visit':
      return label.fixmedins_code
        ? n.visits.has(visitKey(label.fixmedins_code, label.mdtrt_id as string))
        : n.visitIds.has(label.mdtrt_id as string);
    case 'person':
      return n.persons.has(label.psn_no as string);
    case 'institution':
      return n.institutions.has(label.fixmedins_code as string);
    case 'trace':
      return n.traces.has(label.drug_trac_codg as string);
  }
}

/** Labels indexed by their key, so that matching a hit is a few lookups, not a scan. */
class LabelIndex<L extends Label> {
  private readonly byKey = new Map<string, L[]>();

  constructor(labels: readonly L[]) {
    for (const l of labels) {
      const key = this.keyOf(l.level, l[keyFieldOf(l.level)] as string);
      const list = this.byKey.get(key) ?? [];
      list.push(l);
      this.byKey.set(key, list);
    }
  }

  private keyOf(level: string, value: string): string {
    return `${level}\u0000${value}`;
  }

  /** Labels whose key `n` names. */
  namedBy(n: Named): L[] {
    const out: L[] = [];
    const take = (level: string, values: Iterable<string>) => {
      for (const v of values) for (const l of this.byKey.get(this.keyOf(level, v)) ?? []) if (names(n, l)) out.push(l);
    };
    take('visit', n.visitIds);
    take('person', n.persons);
    take('institution', n.institutions);
    take('trace', n.traces);
    return out;
  }
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

function f1(p: number | null, r: number | null): number | null {
  if (r === null) return null;
  const pp = p ?? 0;
  return pp + r === 0 ? 0 : (2 * pp * r) / (pp + r);
}

/** Hits in precision@k order. */
export function rank(hits: readonly Hit[]): Hit[] {
  return [...hits].sort(
    (a, b) =>
      b.vola_amt - a.vola_amt ||
      (b.score ?? Number.NEGATIVE_INFINITY) - (a.score ?? Number.NEGATIVE_INFINITY) ||
      (a.jr_id < b.jr_id ? -1 : a.jr_id > b.jr_id ? 1 : 0),
  );
}

function atK(ranked: readonly Hit[], isTrue: ReadonlySet<string>, ks: readonly number[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const k of ks) {
    const top = ranked.slice(0, k);
    out[String(k)] = top.length === 0 ? null : top.filter((h) => isTrue.has(h.jr_id)).length / top.length;
  }
  return out;
}

const NO_NAME = '(词表外的模式)';

/** The jr_ids of the hits that are true (contract §7: they name the key of any fraud label). */
export function trueHitIds(hits: readonly Hit[], labels: Labels): Set<string> {
  const frauds = new LabelIndex<Label>(labels.frauds);
  return new Set(hits.filter((h) => frauds.namedBy(named(h)).length > 0).map((h) => h.jr_id));
}

/** The scorecard of `hits` against `labels` (contract §7); `ks` are the cut-offs of precision@k. */
export function scorecard(hits: readonly Hit[], labels: Labels, ks: readonly number[] = [10, 100]): Scorecard {
  const frauds = new LabelIndex<Label>(labels.frauds);
  const honest = new LabelIndex<HonestLabel>(labels.honest);
  const isTrue = new Set<string>();
  const caught = new Set<Label>();
  const fps: LookalikeFalsePositive[] = [];
  const fpByPattern = new Map<string, number>();
  for (const hit of hits) {
    const n = named(hit);
    const fraudKeys = frauds.namedBy(n);
    if (fraudKeys.length) isTrue.add(hit.jr_id);
    for (const l of fraudKeys) if (l.pattern === hit.pattern) caught.add(l);
    if (fraudKeys.length) continue;
    const look = honest.namedBy(n).find((l) => l.looks_like === hit.pattern);
    if (look) {
      fpByPattern.set(hit.pattern, (fpByPattern.get(hit.pattern) ?? 0) + 1);
      const field = keyFieldOf(look.level);
      fps.push({
        jr_id: hit.jr_id,
        pattern: hit.pattern,
        rule_id: hit.rule_id,
        vola_amt: hit.vola_amt,
        label: {
          level: look.level,
          key: look[field] as string,
          ...(look.fixmedins_code ? { fixmedins_code: look.fixmedins_code } : {}),
          ...(look.note ? { note: look.note } : {}),
        },
      });
    }
  }

  const patterns = new Set<string>([
    ...labels.frauds.map((l) => l.pattern),
    ...labels.honest.map((l) => l.looks_like),
    ...hits.map((h) => h.pattern),
  ]);
  const order = (p: string) => (isPattern(p) ? PATTERN_CODES.indexOf(p) : PATTERN_CODES.length);
  const rows = [...patterns]
    .sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1))
    .map((pattern): PatternScore => {
      const ph = hits.filter((h) => h.pattern === pattern);
      const pl = labels.frauds.filter((l) => l.pattern === pattern);
      const trueHits = ph.filter((h) => isTrue.has(h.jr_id)).length;
      const c = pl.filter((l) => caught.has(l)).length;
      const precision = ratio(trueHits, ph.length);
      const recall = ratio(c, pl.length);
      return {
        pattern,
        name: isPattern(pattern) ? PATTERNS[pattern] : NO_NAME,
        labels: pl.length,
        caught: c,
        hits: ph.length,
        trueHits,
        precision,
        recall,
        f1: f1(precision, recall),
        precisionAtK: atK(rank(ph), isTrue, ks),
        lookalikes: labels.honest.filter((l) => l.looks_like === pattern).length,
        lookalikeFalsePositives: fpByPattern.get(pattern) ?? 0,
      };
    });

  const fpOf = new Map(fps.map((f) => [f.jr_id, f]));
  const trueHits = hits.filter((h) => isTrue.has(h.jr_id)).length;
  const precision = ratio(trueHits, hits.length);
  const recall = ratio(caught.size, labels.frauds.length);
  return {
    k: ks,
    patterns: rows,
    overall: {
      labels: labels.frauds.length,
      caught: caught.size,
      hits: hits.length,
      trueHits,
      precision,
      recall,
      f1: f1(precision, recall),
      precisionAtK: atK(rank(hits), isTrue, ks),
      lookalikes: labels.honest.length,
      lookalikeFalsePositives: fps.length,
    },
    lookalikeFalsePositives: rank(hits.filter((h) => fpOf.has(h.jr_id))).map((h) => fpOf.get(h.jr_id) as LookalikeFalsePositive),
  };
}
