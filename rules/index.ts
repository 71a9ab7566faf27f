/**
 * The 智能监控 rule engine (issue 5). Pure: the rule schema, the compiler (YAML → one parameterised
 * DuckDB query), lint, explain. I/O (`run/`): the library on disk, knowledge lists as temp tables,
 * detect (hits merged by jr_id, withdrawal), rule tests on a fresh in-memory store, preview.
 */
export { Rule, RuleTest } from './engine/schema.js';
export { compileRule, compileText, type CompiledRule, type CompileResult } from './engine/compile.js';
export { lintTexts, buildLock, Lock, sha256 } from './engine/lint.js';
export { explainRule } from './engine/explain.js';
export { LISTS } from './engine/lists.js';
export {
  LIBRARY_DIR,
  KNOWLEDGE_DIR,
  ruleFiles,
  loadRules,
  detectableRules,
  readText,
  testFileOf,
  knowledgeOrThrow,
  type LoadedRule,
} from './run/library.js';
export {
  detect,
  evaluate,
  mergeResult,
  runnable,
  ruleKnowledgeVersion,
  type DetectOptions,
  type HitSource,
  type RuleRun,
  type Window,
} from './run/detect.js';
export { planScans, SCAN_TABLE, type Plan, type ScanRun } from './run/plan.js';
export { loadLists } from './run/knowledge.js';
export { tableVersion, knowledgeVersion, type Knowledge, type ListTable } from './knowledge.js';
export { runRuleTest, type TestOutcome } from './run/test-rule.js';
export { loadGiven, TEST_TABLES } from './run/test-data.js';
export { lintPaths, lockPaths, lockFileFor } from './run/lint-files.js';
export { preview, type Preview } from './run/preview.js';
