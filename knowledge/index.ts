/**
 * The national knowledge base (国家知识点, batches 1–8): the import of the published workbooks into
 * versioned line-oriented tables under `rules/knowledge/national/`, the diff of what an import would
 * change, and the loader of the shipped tables and their hand-written overlays.
 */
export { importKnowledge, diffKnowledge, type FileOutcome, type RunReport, type RunOptions } from './run.js';
export { loadNationalKnowledge, readNationalTexts, NATIONAL_DIR } from './files.js';
export { parseNational, parseNationalTable, type NationalKnowledge, type LoadedNational, type NationalTexts } from './load.js';
export { lockTexts, type LockText } from './lock.js';
export { parseWorkbook, type Workbook, type WorkbookResult, type ParsedTable, type RowCount } from './parse.js';
export { BATCHES, batchOf } from './batches.js';
export type { TableDiff } from './diff.js';
export {
  TABLES,
  TABLE_NAMES,
  Header,
  Matching,
  Src,
  keyOf,
  type TableName,
  type Entry,
  type AnyEntry,
  type NationalTable,
  type NationalTables,
} from './schema.js';
export { AgeGroups, ProseLimits, type ProseLimit, type ProseParams } from './overlays.js';
