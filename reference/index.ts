/**
 * Reference-load stage (contract §3): CSV files of institutions, practitioners, the catalogue,
 * insured persons and inspectors → versioned tables in the store. `fundwatch reference load <dir>`
 * calls `loadReference`; `parseReference` is the pure part, usable without a database.
 */
export { loadReference, type FileLoad, type LoadOptions, type LoadStatus } from './load.js';
export { parseReference, parseRecords, type NormalisedRow, type ParsedReference, type RejectedRow } from './parse.js';
export { writeLoad } from './write.js';
