/**
 * The refs of contract §6 (`hit_detail.ref`), taken apart so that the bundle can look each up in
 * its table. Pure.
 */
export type RefKind = 'fee' | 'visit' | 'setl' | 'psi' | 'trace' | 'person' | 'inst';

export interface ParsedRef {
  readonly ref: string;
  readonly kind: RefKind | 'other';
  /** The key parts after the kind, in the contract's order (fee: fixmedins_code, mdtrt_id, feedetl_sn …). */
  readonly parts: readonly string[];
}

const ARITY: Readonly<Record<RefKind, number>> = { fee: 3, visit: 2, setl: 2, psi: 3, trace: 1, person: 1, inst: 1 };

/** A ref's kind and key parts; a ref of an unknown kind or shape is `other` (shown as written). */
export function parseRef(ref: string): ParsedRef {
  const at = ref.indexOf(':');
  const kind = at < 0 ? '' : ref.slice(0, at);
  if (!Object.hasOwn(ARITY, kind)) return { ref, kind: 'other', parts: [] };
  const k = kind as RefKind;
  const n = ARITY[k];
  const rest = ref.slice(at + 1);
  // The last part may itself hold a colon (a trace code never does, a batch number might); the first ones do not.
  const parts = n === 1 ? [rest] : splitN(rest, n);
  return parts.length === n && parts.every((p) => p !== '') ? { ref, kind: k, parts } : { ref, kind: 'other', parts: [] };
}

function splitN(s: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < n - 1; i++) {
    const at = rest.indexOf(':');
    if (at < 0) return out;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

/** Chinese names of the ref kinds, for the tables an inspector reads. */
export const REF_KIND_NAMES: Readonly<Record<RefKind | 'other' | 'hit', string>> = {
  fee: '费用明细',
  visit: '就诊',
  setl: '结算',
  psi: '进销存',
  trace: '追溯码',
  person: '参保人',
  inst: '机构',
  other: '其他',
  hit: '命中 (无违规项)',
};
