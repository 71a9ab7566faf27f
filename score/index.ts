/**
 * The detection scorecard (issue 3): hits in the store matched against a labelled data set's
 * ground truth exactly as contract §7 defines, per pattern precision, recall, F1 and precision@k,
 * and the false positives on honest look-alikes. `scorecard` is pure; `readHits` is the I/O.
 */
export { PATTERNS, PATTERN_CODES, isPattern, type Pattern } from './patterns.js';
export { Labels, Label, HonestLabel, MalformedLabel, LabelLevel, keyFieldOf } from './labels.js';
export { Hit, HitDetail, parseRef, type Ref } from './hits.js';
export { scorecard, rank, type Scorecard, type PatternScore, type LookalikeFalsePositive } from './scorecard.js';
export { formatScorecard } from './format.js';
export { readHits, writeHits } from './store.js';
