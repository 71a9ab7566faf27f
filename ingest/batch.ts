import { randomUUID } from 'node:crypto';
import type { Store } from '../store/open.js';
import { decodeMessage, type DecodeOptions, type Rejection } from './decode.js';
import { Lander, type BatchResult } from './land.js';

/** A message that did not land, with its index in the list. */
export interface IndexedRejection {
  readonly index: number;
  readonly rejection: Rejection;
}

/**
 * Lands a short list of raw messages as one batch, decoded and landed exactly as replay does (the
 * same decoder, row builder and lander, on the main thread). For rule tests and other small inputs
 * that must become the very rows production stores; `source` names them in `message` and
 * `ingest_batch`, each message at line `index + 1`.
 */
export async function landMessages(
  store: Pick<Store, 'connect'>,
  messages: readonly Buffer[],
  options: { readonly piiKey: string; readonly source: string } & DecodeOptions,
): Promise<{ result: BatchResult; rejected: IndexedRejection[] }> {
  const conn = await store.connect();
  const stagingConn = await store.connect();
  const lander = await Lander.create(conn, stagingConn);
  const source = { kind: 'file' as const, source: options.source, partition: null };
  const rejected: IndexedRejection[] = [];
  try {
    messages.forEach((raw, index) => {
      const d = decodeMessage(raw, options.piiKey, options);
      const pos = { offset: null, line: index + 1 };
      if (d.ok) lander.addMessage(d.message, pos, source);
      else {
        rejected.push({ index, rejection: d.rejection });
        lander.addRejection(d.rejection, pos, source);
      }
    });
    const slot = await lander.seal();
    const result = await lander.land({ runId: randomUUID(), source, startedAt: new Date(), firstOffset: null, lastOffset: null }, slot);
    return { result, rejected };
  } finally {
    await lander.close();
    stagingConn.closeSync();
    conn.closeSync();
  }
}
