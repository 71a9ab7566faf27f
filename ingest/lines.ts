import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface RawLine {
  readonly bytes: Buffer;
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset of the line's start (in the decompressed stream for .gz). */
  readonly offset: number;
}

/**
 * The lines of an NDJSON file as raw bytes with their position. Raw bytes, not strings: a rejected
 * line is kept exactly as sent, invalid UTF-8 included. Blank lines are not messages and are skipped.
 */
export async function* readLines(file: string, onBytes?: (compressedBytes: number) => void): AsyncGenerator<RawLine> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (c) => onBytes(c.length));
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let carry: Buffer | undefined;
  let streamOffset = 0; // bytes of the (decompressed) stream consumed so far
  let line = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const bufStart = streamOffset - (carry?.length ?? 0);
    let start = 0;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      const bytes = trimLine(buf.subarray(start, nl));
      if (bytes.length) yield { bytes, line, offset: bufStart + start };
      start = nl + 1;
    }
    streamOffset += chunk.length;
    carry = start < buf.length ? buf.subarray(start) : undefined;
  }
  if (carry) {
    line++;
    const bytes = trimLine(carry);
    if (bytes.length) yield { bytes, line, offset: streamOffset - carry.length };
  }
}

function trimLine(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 13 || b[end - 1] === 32 || b[end - 1] === 9)) end--;
  let start = 0;
  while (start < end && (b[start] === 32 || b[start] === 9)) start++;
  return start === 0 && end === b.length ? b : b.subarray(start, end);
}
