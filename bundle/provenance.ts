import path from 'node:path';
import { DETECTORS, loadConfigs } from '../detectors/index.js';
import { PACKAGE_ROOT } from '../core/config.js';
import { LIBRARY_DIR, loadRules } from '../rules/index.js';
import type { CaseHitRow } from '../cases/index.js';

/** How one hit was produced: what found it, at which version, and the query or parameters behind it. */
export interface HitProvenance {
  readonly jr_id: string;
  readonly kind: 'rule' | 'detector' | 'unknown';
  readonly rule_id: string;
  /** The version the hit records. */
  readonly rule_version: string;
  readonly knowledge_version: string | null;
  readonly withdrawn: boolean;
  /** The version in the library (rule file or detector config) now; differs when the source changed since. */
  readonly library_version: string | null;
  readonly file: string | null;
  /** Rules: the compiled query and its parameters as `detect` binds them (the whole store: since and until NULL). */
  readonly sql?: string;
  readonly params?: Record<string, unknown>;
  readonly knowledge_tables?: readonly string[];
  /** Detectors: their effective parameters (the config's, defaults filled in). */
  readonly detector_params?: Record<string, unknown>;
  readonly note: string;
}

/** The library as it is now: each rule compiled with the project's compiler, each detector's config. */
export interface Library {
  rule(
    id: string,
  ): { version: string; file: string; sql: string; params: Record<string, unknown>; knowledge: readonly string[] } | undefined;
  detector(id: string): { version: string; file: string; params: Record<string, unknown> } | undefined;
}

const rel = (f: string) => path.relative(PACKAGE_ROOT, f);

/** Reads the shipped rule library and detector configs once (rules of every status, so a hit of a since-deprecated rule is explained too). */
export function loadLibrary(): Library {
  const rules = new Map(loadRules([LIBRARY_DIR]).rules.map((r) => [r.compiled.rule.id, r]));
  const detectors = new Map(loadConfigs(DETECTORS).loaded.map((d) => [d.detector.id, d]));
  return {
    rule(id) {
      const r = rules.get(id);
      if (!r) return undefined;
      const c = r.compiled;
      return {
        version: String(c.rule.version),
        file: rel(r.file),
        sql: c.sql,
        params: { ...c.params, rule_id: c.rule.id, since: null, until: null },
        knowledge: [...c.knowledge],
      };
    },
    detector(id) {
      const d = detectors.get(id);
      if (!d) return undefined;
      return { version: String(d.version), file: rel(d.file), params: d.detector.params.parse(d.params) };
    },
  };
}

/** Each hit's provenance against the library. Pure given the library. */
export function provenanceOf(hits: readonly (CaseHitRow & { readonly knowledge_version: string | null })[], lib: Library): HitProvenance[] {
  return hits.map((h) => {
    const base = {
      jr_id: h.jr_id,
      rule_id: h.rule_id,
      rule_version: h.rule_version,
      knowledge_version: h.knowledge_version,
      withdrawn: h.withdrawn,
    };
    const rule = lib.rule(h.rule_id);
    if (rule)
      return {
        ...base,
        kind: 'rule' as const,
        library_version: rule.version,
        file: rule.file,
        sql: rule.sql,
        params: rule.params,
        knowledge_tables: rule.knowledge,
        note:
          rule.version === h.rule_version
            ? '规则库当前版本即命中时的版本; 载入 knowledge_tables 所列知识库表后, 在同一数据上以所列参数运行此 SQL 可重现此命中 (jr_id 相同)'
            : `规则已从版本 ${h.rule_version} 改为 ${rule.version}; 此 SQL 为当前版本, 命中时的版本见规则库的版本记录 (rules.lock.json)`,
      };
    const det = lib.detector(h.rule_id);
    if (det)
      return {
        ...base,
        kind: 'detector' as const,
        library_version: det.version,
        file: det.file,
        detector_params: det.params,
        note:
          det.version === h.rule_version
            ? '统计检测器, 参数为当前配置 (与命中时版本相同)'
            : `检测器配置已从版本 ${h.rule_version} 改为 ${det.version}; 参数为当前配置`,
      };
    return {
      ...base,
      kind: 'unknown' as const,
      library_version: null,
      file: null,
      note: '规则库与检测器中都没有这一 id (已删除或由外部写入)',
    };
  });
}
