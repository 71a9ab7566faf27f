import { sortedByCodePoint } from './canonical.js';
import type { Frames, InspectorEntry } from './draw.js';
import { FILTER_FIELDS, type HashedPlan, type Stratum } from './plan.js';

/**
 * From registry rows to the frames of contract §9 (pure; `frames.ts` reads the rows): which
 * stratum a target belongs to, the exclusion window, the inspector frame with its role filter.
 */

/** A row of the target registry as the frames need it: the filterable columns as text, and the last inspection. */
export interface TargetRow {
  readonly fixmedins_code: string;
  /** Column → value as text (null when empty), for the columns of FILTER_FIELDS. */
  readonly fields: Readonly<Partial<Record<(typeof FILTER_FIELDS)[number], string | null>>>;
  /** 'YYYY-MM-DD', the later of the registry's `last_inspected` and recorded draw results; null when never. */
  readonly last_inspected: string | null;
}

export interface InspectorRow {
  readonly inspector_id: string;
  readonly role: string | null;
  /** Semicolon-separated fixmedins_codes (contract §3), or null. */
  readonly conflicts: string | null;
}

/** Whether every field the filter lists equals the given string. */
export const matches = (s: Stratum, row: TargetRow): boolean =>
  Object.entries(s.filter).every(([field, want]) => row.fields[field as keyof TargetRow['fields']] === want);

/** The first stratum, in plan order, whose filter the target matches; undefined when none does. */
export const stratumOf = (plan: HashedPlan, row: TargetRow): Stratum | undefined => plan.strata.find((s) => matches(s, row));

/**
 * The first day of the exclusion window: `from` minus `months` calendar months, the day clamped to
 * that month's last day (2026-08-31 − 6 months = 2026-02-28).
 */
export function exclusionCutoff(from: string, months: number): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Conflicts as the frame holds them: the codes of the semicolon-separated list, trimmed, each once, sorted. */
export const conflictsOf = (text: string | null): string[] =>
  sortedByCodePoint(
    new Set(
      (text ?? '')
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  );

/**
 * The frames of contract §9 from the registries: targets per stratum (first matching stratum, minus
 * those last inspected on or after the exclusion cutoff, sorted by code point; every stratum present,
 * empty or not), and the inspectors whose role the plan admits, sorted by id.
 */
export function buildFrames(plan: HashedPlan, targets: readonly TargetRow[], inspectors: readonly InspectorRow[]): Frames {
  const cutoff =
    plan.exclude_inspected_within_months === undefined
      ? undefined
      : exclusionCutoff(plan.period.from, plan.exclude_inspected_within_months);
  const byStratum = new Map<string, string[]>(plan.strata.map((s) => [s.name, []]));
  for (const row of targets) {
    const s = stratumOf(plan, row);
    if (!s) continue;
    if (cutoff !== undefined && row.last_inspected !== null && row.last_inspected >= cutoff) continue;
    byStratum.get(s.name)?.push(row.fixmedins_code);
  }
  const roles = plan.inspector_roles === undefined ? undefined : new Set(plan.inspector_roles);
  const frame: InspectorEntry[] = inspectors
    .filter((i) => roles === undefined || (i.role !== null && roles.has(i.role)))
    .map((i) => ({ conflicts: conflictsOf(i.conflicts), inspector_id: i.inspector_id }));
  const ids = sortedByCodePoint(frame.map((i) => i.inspector_id));
  const byId = new Map(frame.map((i) => [i.inspector_id, i]));
  return {
    targets: Object.fromEntries([...byStratum].map(([name, codes]) => [name, sortedByCodePoint(codes)])),
    inspectors: ids.map((id) => byId.get(id) as InspectorEntry),
  };
}
