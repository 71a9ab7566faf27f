import { z } from 'zod';
import { ENVELOPE_COLUMNS } from './envelope.js';
import { TABLE_LINE_SCHEMAS, type TableName } from './messages.js';
import { columnMeta, type ColumnMeta } from './scalars.js';

/**
 * Canonical table layout, derived from the zod schemas so the two cannot drift: a column per
 * contract field (named verbatim), personal-data fields replaced by a keyed hash and a masked
 * form, envelope fields, derived columns and bookkeeping. The migrations are a frozen snapshot of
 * this layout; a test compares the migrated database with it.
 */
export interface ColumnSpec {
  readonly name: string;
  readonly sql: string;
}

export interface TableSpec {
  readonly name: TableName;
  /** Physical table: every version for versioned tables, every event for the others. */
  readonly physical: string;
  /** Natural key (contract §1); versioned tables keep one current row per key. */
  readonly key: readonly string[];
  readonly versioned: boolean;
  /** Columns the row JSON carries (line fields, PII replacements, derived, extra). */
  readonly lineColumns: readonly ColumnSpec[];
  /** Every physical column in order. */
  readonly columns: readonly ColumnSpec[];
}

/** Contract §5: these never land in clear. */
export const PII_FIELDS = new Set(['certno', 'psn_name', 'prsc_dr_certno']);

const ENVELOPE_SQL: Record<(typeof ENVELOPE_COLUMNS)[number], string> = {
  infno: 'VARCHAR',
  msgid: 'VARCHAR',
  fixmedins_code: 'VARCHAR',
  inf_time: 'TIMESTAMP',
  upload_mode: 'VARCHAR',
  mdtrtarea_admvs: 'VARCHAR',
  insuplc_admdvs: 'VARCHAR',
};

const KEYS: Record<TableName, readonly string[]> = {
  visit: ['fixmedins_code', 'mdtrt_id'],
  discharge: ['fixmedins_code', 'mdtrt_id'],
  fee_line: ['fixmedins_code', 'mdtrt_id', 'feedetl_sn'],
  settlement: ['fixmedins_code', 'setl_id'],
  psi_line: ['fixmedins_code', 'kind', 'fixmedins_bchno'],
  settlement_cancel: ['fixmedins_code', 'setl_id'],
  psi_deletion: ['fixmedins_code', 'inv_data_type', 'fixmedins_bchno'],
};

const DERIVED: Partial<Record<TableName, ColumnSpec[]>> = {
  // National 医疗类别 of a provincial sub-code (contract §4); the original stays in med_type.
  visit: [{ name: 'med_type_class', sql: 'VARCHAR' }],
  fee_line: [{ name: 'med_type_class', sql: 'VARCHAR' }],
  settlement: [{ name: 'med_type_class', sql: 'VARCHAR' }],
  psi_line: [{ name: 'kind', sql: 'TINYINT' }],
};

const VERSIONED: ReadonlySet<TableName> = new Set(['visit', 'discharge', 'fee_line', 'settlement', 'psi_line']);

/** The column metadata of one field schema (every field of a contract schema is a registered scalar). */
export function fieldMeta(schema: z.ZodType): ColumnMeta {
  const meta = columnMeta.get(schema);
  if (!meta) throw new Error(`contract: field schema without column metadata (${schema.def.type})`);
  return meta;
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  if (schema instanceof z.ZodObject) return schema.shape;
  throw new Error('contract: line schema is not an object');
}

/** Columns for the fields of some row schemas, personal-data fields replaced by hash and mask. */
export function columnsOfSchemas(schemas: readonly z.ZodType[]): ColumnSpec[] {
  const cols = new Map<string, ColumnSpec>();
  for (const schema of schemas) {
    for (const [name, field] of Object.entries(shapeOf(schema))) {
      if (cols.has(name) || cols.has(`${name}_hash`)) continue;
      // A child list (trace codes) becomes rows of a table of its own, not a column.
      if (fieldMeta(field).kind === 'child') continue;
      if (PII_FIELDS.has(name)) {
        cols.set(`${name}_hash`, { name: `${name}_hash`, sql: 'VARCHAR' });
        cols.set(`${name}_mask`, { name: `${name}_mask`, sql: 'VARCHAR' });
      } else {
        cols.set(name, { name, sql: fieldMeta(field).sql });
      }
    }
  }
  return [...cols.values()];
}

/**
 * For each date-time field, whether it came as a bare date (contract §8): midnight then stands for
 * "some time that day", and sub-day rules skip it. Added by migration 0005, so after `extra`.
 */
export const DATE_ONLY_SUFFIX = '_date_only';

function dateOnlyColumnsOf(table: TableName): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  for (const schema of TABLE_LINE_SCHEMAS[table])
    for (const [name, field] of Object.entries(shapeOf(schema)))
      if (fieldMeta(field).kind === 'datetime' && !out.some((c) => c.name === `${name}${DATE_ONLY_SUFFIX}`))
        out.push({ name: `${name}${DATE_ONLY_SUFFIX}`, sql: 'BOOLEAN' });
  return out;
}

function lineColumnsOf(table: TableName): ColumnSpec[] {
  return [
    ...columnsOfSchemas(TABLE_LINE_SCHEMAS[table]),
    ...(DERIVED[table] ?? []),
    { name: 'extra', sql: 'JSON' },
    ...dateOnlyColumnsOf(table),
  ];
}

function buildSpec(name: TableName): TableSpec {
  const versioned = VERSIONED.has(name);
  const lineColumns = lineColumnsOf(name);
  const envelope = ENVELOPE_COLUMNS.map((c) => ({ name: c, sql: ENVELOPE_SQL[c] }));
  const bookkeeping: ColumnSpec[] = [
    { name: 'batch_id', sql: 'BIGINT' },
    ...(versioned
      ? [
          { name: 'key_hash', sql: 'UBIGINT' },
          { name: 'is_current', sql: 'BOOLEAN' },
        ]
      : []),
  ];
  // Line columns may repeat an envelope column name (none do today); the envelope wins.
  const envNames = new Set<string>(envelope.map((c) => c.name));
  const columns = [...bookkeeping, ...envelope, ...lineColumns.filter((c) => !envNames.has(c.name))];
  return { name, physical: versioned ? `${name}_version` : name, key: KEYS[name], versioned, lineColumns, columns };
}

export const TABLES: Readonly<Record<TableName, TableSpec>> = {
  visit: buildSpec('visit'),
  discharge: buildSpec('discharge'),
  fee_line: buildSpec('fee_line'),
  settlement: buildSpec('settlement'),
  settlement_cancel: buildSpec('settlement_cancel'),
  psi_line: buildSpec('psi_line'),
  psi_deletion: buildSpec('psi_deletion'),
};

export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** Where a line column sits in a table's rows (lineColumns order); throws for a column the table does not have. */
export function lineColumnIndex(spec: TableSpec, name: string): number {
  const at = spec.lineColumns.findIndex((c) => c.name === name);
  if (at === -1) throw new Error(`contract: ${name} is not a line column of ${spec.name}`);
  return at;
}
