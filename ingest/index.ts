/**
 * The ingest stage: messages (replay files now, Kafka later) → validated, versioned canonical rows.
 * One code path after decoding: decodeMessage → Lander.
 */
export { decodeMessage, MAX_MESSAGE_BYTES, type Decoded, type DecodedMessage, type Rejection } from './decode.js';
export { Lander, type Batch, type BatchResult, type Position, type SourceRef } from './land.js';
export { landMessages, type IndexedRejection } from './batch.js';
export { listRejected, type RejectedMessage } from './rejected.js';
export { replay, replayFiles, type ReplayOptions, type ReplayProgress, type ReplaySummary } from './replay.js';
