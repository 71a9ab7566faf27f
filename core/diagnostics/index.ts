/**
 * Diagnostics: one issue shape for every stage that reads a file or a message (style item 3), one
 * converter from zod, one YAML locator, and the formatting for the terminal and for `--json`.
 */
export { ISSUE_CODES, isIssueCode, type IssueCode } from './codes.js';
export {
  Issue,
  Location,
  Severity,
  IssueCodeSchema,
  byPosition,
  hasErrors,
  locateFinding,
  pathText,
  type FieldPath,
  type Finding,
} from './issue.js';
export { fromZod, customIssue, describeValue, valueAt, MISSING, REDACTED, type CustomParams, type ZodFindingOptions } from './zod.js';
export { readYaml, parseYaml, type YamlFile, type YamlRead, type YamlParsed } from './yaml.js';
export { formatFinding, formatIssue, formatLocation, formatSummary, issuesJson } from './format.js';
