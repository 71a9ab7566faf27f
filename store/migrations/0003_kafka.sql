-- 0003: Kafka consumer offsets, the source of truth for where consumption resumes (Kafka's own
-- committed offsets are only a mirror). Written in the same transaction as the rows the messages
-- carry (ingest/land.ts inTransaction hook), so a crash at any instant neither loses nor repeats a
-- message. Keyed by topic and partition, not by group: what matters is what this database holds.

CREATE TABLE kafka_offset (
  topic VARCHAR NOT NULL,
  "partition" INTEGER NOT NULL,
  next_offset BIGINT NOT NULL,       -- offset of the next message to consume (last landed + 1)
  group_id VARCHAR NOT NULL,         -- the group that last advanced it (informational)
  batch_id BIGINT NOT NULL,          -- ingest_batch that carried it
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (topic, "partition")
);
