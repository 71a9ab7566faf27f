/**
 * The detection scorecard (issue 3): hits in the store matched against a labelled data set's
 * ground truth exactly as contract §7 defines, per pattern precision, recall, F1 and precision@k,
 * and the false positives on honest look-alikes. `scorecard` is pure; `readHits` is the I/O. The
 * pattern vocabulary and the label schema it scores against are the contract's
 * (`contract/patterns.ts`, `contract/labels.ts`).
 */
export { Hit, HitDetail, parseRef, type Ref } from './hits.js';
export { scorecard, rank, trueHitIds, type Scorecard, type PatternScore, type LookalikeFalsePositive } from './scorecard.js';
export { formatScorecard } from './format.js';
export { readHits, writeHits } from './store.js';
export { caseScore, formatCaseScore, type CaseScore, type ScoredCase } from './cases.js';
