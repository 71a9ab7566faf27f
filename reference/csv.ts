import { CsvError, parse } from 'csv-parse/sync';

/** One CSV record and the 1-based physical line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** Text csv-parse could not read: from `line` to the end of the file (`lastLine`). */
export interface CsvFailure {
  readonly line: number;
  readonly lastLine: number;
  readonly code: string;
  /** Short Chinese description; never csv-parse's message, which may quote field values. */
  readonly message: string;
}

export interface CsvRead {
  readonly records: readonly CsvRecord[];
  readonly failure?: CsvFailure;
}

const CR = 0x0d;
const LF = 0x0a;

/** Byte offsets where each physical line starts; `\r\n`, `\n` and a lone `\r` each end a line. */
function lineStarts(buf: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === CR && buf[i + 1] === LF) i++;
    if ((b === CR || b === LF) && i + 1 < buf.length) starts.push(i + 1);
  }
  return starts;
}

/** The 1-based line holding byte `offset` (binary search over the line starts). */
function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** First byte at or after `offset` that is not a line break: where the next record starts once empty lines are skipped. */
function skipBreaks(buf: Buffer, offset: number): number {
  let i = offset;
  while (i < buf.length && (buf[i] === CR || buf[i] === LF)) i++;
  return i;
}

/**
 * Reads CSV text into records of fields, each with the physical line it starts on.
 *
 * csv-parse counts lines itself, but counts where a record ends and miscounts `\r\n` inside quoted
 * fields, so lines are worked out here from byte offsets. Records are arrays, not objects
 * (`columns: true`), so the caller sees the header verbatim (missing or repeated names) and the
 * field count of every row. Quotes inside unquoted fields are kept as text (`relax_quotes`), as
 * most spreadsheet exports expect; the one error left — a quote never closed — swallows the rest
 * of the file, so it is returned as a failure covering those lines together with the records read
 * before it.
 */
export function readCsv(text: string): CsvRead {
  const buf = Buffer.from(text, 'utf8');
  const starts = lineStarts(buf);
  const records: CsvRecord[] = [];
  let end = 0;
  try {
    parse(buf, {
      bom: true,
      skip_empty_lines: true,
      relax_quotes: true,
      relax_column_count: true,
      on_record: (fields: string[], ctx) => {
        records.push({ line: lineAt(starts, skipBreaks(buf, end)), fields });
        end = ctx.bytes;
        return null;
      },
    });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const from = skipBreaks(buf, end);
    const message = err.code === 'CSV_QUOTE_NOT_CLOSED' ? '引号未闭合' : 'CSV 格式错误';
    return {
      records,
      failure: { line: lineAt(starts, from), lastLine: lineAt(starts, Math.max(0, buf.length - 1)), code: err.code, message },
    };
  }
  return { records };
}
