/**
 * The ingest stage: messages → validated, versioned canonical rows. Replay files are read here
 * (`replay`); the Kafka consumer (`kafka/consume.ts`) feeds the same decode pool, staging and
 * lander. One code path after decoding: decodeMessage → Lander.
 */
export {
  decodeMessage,
  MAX_MESSAGE_BYTES,
  type Decoded,
  type DecodedMessage,
  type DecodeOptions,
  type QualityNote,
  type Rejection,
  type UploadMode,
} from './decode.js';
export { Lander, type Batch, type BatchResult, type Position, type SourceRef } from './land.js';
export { landMessages, type IndexedRejection } from './batch.js';
export { listRejected, type RejectedMessage } from './rejected.js';
export { qualityCounts, qualitySummary, type QualityBy, type QualityRow } from './quality.js';
export { replay, replayFiles, uploadModeOf, type ReplayOptions, type ReplayProgress, type ReplaySummary } from './replay.js';
