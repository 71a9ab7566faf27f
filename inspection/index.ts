/**
 * Inspection (issue 15): the 双随机 draw of contract §9 (`fundwatch-draw-1`), re-computable by anyone
 * from its published inputs. Pure: canonical.ts, draw.ts, plan.ts, strata.ts; I/O: frames.ts,
 * directed.ts, record.ts (the stage functions the ops call); 一公开 and results: outcomes.ts,
 * public.ts, public-html.ts, public-xlsx.ts (pure), publish.ts, results.ts, registry.ts (I/O).
 */
export { canonical, compareCodePoints, sortedByCodePoint, type CanonicalValue } from './canonical.js';
export {
  ALGORITHM,
  computeDraw,
  hashesOf,
  seedOf,
  pick,
  sampleSize,
  Stream,
  type ComputedDraw,
  type Frames,
  type InspectorEntry,
  type RandomTarget,
} from './draw.js';
export { parsePlan, hashedPlan, Plan, Stratum, FILTER_FIELDS, type HashedPlan, type PlanParsed } from './plan.js';
export { buildFrames, exclusionCutoff, conflictsOf, stratumOf, type TargetRow, type InspectorRow } from './strata.js';
export { readFrames, registryTargets, type RegistryTarget } from './frames.js';
export { listTargets, type TargetList, type TargetListRow, type TargetVersion } from './registry.js';
export { directedTargets, type DirectedTarget } from './directed.js';
export {
  prepareDraw,
  runDraw,
  verifyDraw,
  exportDraw,
  listDraws,
  recordedDraw,
  type AuditDocument,
  type DrawRecord,
  type DrawListRow,
  type ExportedDraw,
  type PlanArgs,
  type Prepared,
  type RunArgs,
  type RunResult,
  type Verified,
} from './record.js';
export { OUTCOMES, OUTCOME_CODES, isOutcome, outcomeName, type Outcome } from './outcomes.js';
export { recordResult, type ResultArgs, type RecordedResult } from './results.js';
export {
  PUBLISH_DEADLINE_WORKDAYS,
  publicationDeadline,
  publicRecord,
  type PublicRecord,
  type PublicTarget,
  type PublicItem,
} from './public.js';
export { renderPublicHtml } from './public-html.js';
export { renderPublicXlsx, publicSheets, TARGET_SHEET } from './public-xlsx.js';
export {
  publishDraw,
  publicationStatus,
  publicDirOf,
  type PublishArgs,
  type Published,
  type PublicationStatus,
  type Unpublished,
} from './publish.js';
