/** The evidence bundle an inspector takes on site (issue 15 item 5): one zip per case, with a manifest of hashes recorded in the audit log. */
export { writeBundle, bundlesDirOf, DEFAULT_ROLE, type BundleArgs, type BundleResult } from './write.js';
export { verifyBundle, formatVerify, type VerifyArgs, type VerifyResult, type FileCheck } from './verify.js';
export { gatherBundle, STOCK_PATTERNS, type BundleData, type BundleLine } from './gather.js';
export { amountWorksheet, type Worksheet, type ShareRow } from './amounts.js';
export { CHECKLISTS, checklistMarkdown, type ChecklistItem } from './checklists.js';
export { MANIFEST, unpackZip, sha256Hex, type Manifest } from './pack.js';
export { parseRef, type ParsedRef, type RefKind } from './refs.js';
