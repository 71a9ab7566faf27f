/** The store stage: one DuckDB file (or `:memory:`), its migrations and canonical tables. */
export { openStore, type OpenOptions, type Store } from './open.js';
export { listMigrations, migrate, type Migration } from './migrate.js';
export { tableCounts, type TableCount } from './counts.js';
export { text } from './values.js';
export { inTransaction } from './transaction.js';
