import { z } from 'zod';

/**
 * A hit in the shape of contract §6 (the national 事前事中 audit result), as the scorecard reads it:
 * subject fields are '' when absent, amounts are yuan. `pattern` is kept as any string here so
 * that a hit with an unknown pattern is scored (and reported) rather than dropped.
 */
export const HitDetail = z.strictObject({
  vola_item_type: z.union([z.literal(1), z.literal(2)]),
  ref: z.string().min(1),
  amount: z.number().nullable(),
});
export type HitDetail = z.infer<typeof HitDetail>;

export const Hit = z.strictObject({
  jr_id: z.string().min(1),
  rule_id: z.string().min(1),
  rule_version: z.string(),
  rule_name: z.string(),
  knowledge_version: z.string().nullable(),
  pattern: z.string().min(1),
  sev_deg: z.enum(['definite', 'suspect']),
  vola_cont: z.string(),
  vola_evid: z.string(),
  vola_amt: z.number(),
  fixmedins_code: z.string(),
  psn_no: z.string(),
  mdtrt_id: z.string(),
  dr_codg: z.string(),
  score: z.number().nullable(),
  details: z.array(HitDetail),
});
export type Hit = z.infer<typeof Hit>;

/** What a detail reference names (contract §6 ref forms). */
export type Ref =
  | { readonly kind: 'fee'; readonly inst: string; readonly mdtrt: string; readonly sn: string }
  | { readonly kind: 'visit'; readonly inst: string; readonly mdtrt: string }
  | { readonly kind: 'setl'; readonly inst: string; readonly setl: string }
  | { readonly kind: 'psi'; readonly inst: string; readonly psiKind: string; readonly bchno: string }
  | { readonly kind: 'trace'; readonly code: string }
  | { readonly kind: 'person'; readonly psn: string }
  | { readonly kind: 'inst'; readonly inst: string };

/**
 * Parses `fee:<fixmedins_code>:<mdtrt_id>:<feedetl_sn>`, `visit:…`, `setl:…`, `psi:…`, `trace:…`,
 * `person:…`, `inst:…`; undefined for anything else. A visit id containing ':' stays whole (the
 * institution is the first field and the line number the last).
 */
export function parseRef(ref: string): Ref | undefined {
  const i = ref.indexOf(':');
  if (i <= 0) return undefined;
  const kind = ref.slice(0, i);
  const rest = ref.slice(i + 1);
  const parts = rest.split(':');
  const first = parts[0] ?? '';
  if (!rest || parts.some((p) => p === '')) return undefined;
  switch (kind) {
    case 'fee':
      return parts.length >= 3
        ? { kind, inst: first, mdtrt: parts.slice(1, -1).join(':'), sn: parts[parts.length - 1] as string }
        : undefined;
    case 'visit':
      return parts.length >= 2 ? { kind, inst: first, mdtrt: parts.slice(1).join(':') } : undefined;
    case 'setl':
      return parts.length >= 2 ? { kind, inst: first, setl: parts.slice(1).join(':') } : undefined;
    case 'psi':
      return parts.length >= 3 ? { kind, inst: first, psiKind: parts[1] as string, bchno: parts.slice(2).join(':') } : undefined;
    case 'trace':
      return { kind, code: rest };
    case 'person':
      return { kind, psn: rest };
    case 'inst':
      return parts.length === 1 ? { kind, inst: first } : undefined;
    default:
      return undefined;
  }
}
