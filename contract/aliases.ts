import { z } from 'zod';
import type { TableName } from './messages.js';

/**
 * Provincial field names for national ones (contract §8): shipped here, extensible by a
 * configuration file. An alias is renamed to its national field before validation, and recorded
 * with the message and as a data-quality note. When both names are present with different values,
 * the national one wins; the alias stays (in `extra`) and a note records the difference.
 */

/** Where an alias applies: the envelope, or the lines of one table. */
export type AliasScope = 'envelope' | TableName;

export const AliasEntry = z.strictObject({
  alias: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, '字段名: 字母开头, 只含字母、数字和下划线'),
  field: z.string().regex(/^[a-z][a-z0-9_]*$/, '国家字段名: 小写字母开头, 只含小写字母、数字和下划线'),
  on: z.array(z.enum(['envelope', 'visit', 'discharge', 'fee_line', 'settlement', 'settlement_cancel', 'psi_line', 'psi_deletion'])).min(1),
  /** Where it was seen: a province, a platform, a vendor. */
  source: z.string().min(1).optional(),
});
export type AliasEntry = z.infer<typeof AliasEntry>;

/** The configuration file's shape: `{ aliases: [{ alias, field, on, source? }] }`. */
export const AliasFile = z.strictObject({ aliases: z.array(AliasEntry).min(1) });

/** The aliases of contract §8. */
export const SHIPPED_ALIASES: readonly AliasEntry[] = [
  { alias: 'inscp_scp_amt', field: 'inscp_amt', on: ['fee_line'], source: '国家 2204/2301 返回的符合政策范围金额' },
  { alias: 'prodentp_name', field: 'prdr_name', on: ['psi_line'], source: '3503/3504 生产企业名称 (多地 HIS)' },
  { alias: 'medins_code', field: 'fixmedins_code', on: ['envelope'], source: '湖南等省平台' },
  { alias: 'dise_code', field: 'dise_codg', on: ['visit', 'fee_line'], source: '省级接口' },
  { alias: 'med_fee_sumamt', field: 'medfee_sumamt', on: ['settlement'], source: '省级接口' },
];

/** Aliases by scope, and one pattern that finds whether a message's text may hold any of them at all. */
export interface AliasTable {
  readonly byScope: ReadonlyMap<AliasScope, readonly { readonly alias: string; readonly field: string }[]>;
  /** Matches `"<alias>":` for any alias; a message without a match needs no renaming (most do not). */
  readonly probe: RegExp;
  readonly entries: readonly AliasEntry[];
}

export function aliasTable(entries: readonly AliasEntry[] = SHIPPED_ALIASES): AliasTable {
  const byScope = new Map<AliasScope, { alias: string; field: string }[]>();
  for (const e of entries) for (const on of e.on) byScope.set(on, [...(byScope.get(on) ?? []), { alias: e.alias, field: e.field }]);
  const names = [...new Set(entries.map((e) => e.alias))].sort((a, b) => b.length - a.length);
  return { byScope, probe: new RegExp(`"(?:${names.join('|')})"\\s*:`), entries };
}

/** What renaming did to one object: aliases used, and conflicts (alias and national name both present, different values). */
export interface AliasUse {
  readonly alias: string;
  readonly field: string;
  /** The alias's value when it lost to a different national value (kept as sent, under its own name). */
  readonly conflict?: unknown;
}

/**
 * Renames the aliases of `scope` in `obj` (in place) to their national fields. An alias whose
 * national field is also present stays as it is (in `extra`): the national value wins.
 */
export function applyAliases(obj: Record<string, unknown>, scope: AliasScope, table: AliasTable): AliasUse[] {
  const list = table.byScope.get(scope);
  if (!list) return [];
  const used: AliasUse[] = [];
  for (const { alias, field } of list) {
    if (!Object.hasOwn(obj, alias)) continue;
    const v = obj[alias];
    const national = obj[field];
    if (national === undefined || national === null || national === '') {
      obj[field] = v;
      delete obj[alias];
      used.push({ alias, field });
    } else if (JSON.stringify(national) === JSON.stringify(v)) {
      delete obj[alias];
      used.push({ alias, field });
    } else used.push({ alias, field, conflict: v });
  }
  return used;
}
