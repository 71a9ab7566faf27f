/**
 * Worker side of the decode pool: decodes chunks of raw messages off the main thread, which stays
 * free to feed DuckDB. Input: one buffer holding the chunk's messages back to back, with their
 * lengths. Output, in order: each message decoded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { aliasTable, type AliasEntry } from '../contract/aliases.js';
import { decodeMessage, type Decoded, type UploadMode } from './decode.js';

const { piiKey, aliases: entries } = workerData as { piiKey: string; aliases: AliasEntry[] };
const aliases = aliasTable(entries);

parentPort?.on('message', (job: { id: number; buf: Uint8Array; lengths: number[]; uploadMode?: UploadMode }) => {
  const options = { aliases, ...(job.uploadMode ? { uploadMode: job.uploadMode } : {}) };
  const buf = Buffer.from(job.buf.buffer, job.buf.byteOffset, job.buf.byteLength);
  const out = new Array<Decoded>(job.lengths.length);
  let at = 0;
  job.lengths.forEach((len, i) => {
    out[i] = decodeMessage(buf.subarray(at, at + len), piiKey, options);
    at += len;
  });
  parentPort?.postMessage({ id: job.id, out });
});
