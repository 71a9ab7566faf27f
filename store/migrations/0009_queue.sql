-- 0009: what the queue needs around cases (issue 14): suppressions (白名单 / 例外), credit (信用),
-- scheduled job runs and their lock. See cases/README.md, credit/README.md and jobs/README.md.

-- A suppression, structured as Falco exceptions and Elastic exception lists are: it applies to one
-- rule or detector (rule_id) or to every one (NULL), and matches a hit when each named field has one
-- of the listed values (`fields`: {"fixmedins_code": ["H1"], "dr_codg": ["D7", "D8"]}). It carries
-- why, who approved it and until when. An expired one (expires_on passed, or ended early with
-- `suppress expire`) stops applying; rows are never deleted.
CREATE TABLE suppression (
  supp_id VARCHAR PRIMARY KEY,
  rule_id VARCHAR,
  fields JSON NOT NULL,
  reason VARCHAR NOT NULL,
  approver VARCHAR NOT NULL,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  expires_on DATE NOT NULL,           -- last day it applies
  ended_at TIMESTAMP,                 -- ended early by `suppress expire`
  ended_by VARCHAR
);

-- A hit a suppression held back from the queue: kept (never deleted), counted, not grouped into a case.
CREATE TABLE hit_suppressed (
  jr_id VARCHAR PRIMARY KEY,
  supp_id VARCHAR NOT NULL,
  suppressed_at TIMESTAMP NOT NULL
);

-- Credit (信用) as last computed: one row per subject and calendar year. Institutions get a 0–100
-- score from their confirmed cases and amounts; practitioners the 医保支付资格 记分 (points out of 12
-- per calendar year). case_ids lists the confirmed cases behind the figure.
CREATE TABLE credit_score (
  subject_kind VARCHAR NOT NULL CHECK (subject_kind IN ('institution', 'practitioner')),
  subject_key VARCHAR NOT NULL,       -- institution <fixmedins_code>, practitioner <fixmedins_code>:<dr_codg>
  year INTEGER NOT NULL,
  fixmedins_code VARCHAR NOT NULL,
  score DOUBLE,                       -- institutions: 0–100, higher is better
  points INTEGER,                     -- practitioners: 记分 this year
  level VARCHAR NOT NULL,             -- a Chinese grade or consequence (e.g. 暂停医保支付资格)
  case_ids JSON NOT NULL,
  detail JSON NOT NULL,
  computed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (subject_kind, subject_key, year)
);

-- Every run of a scheduled job: when it was due, when it ran, how it ended, what it counted.
CREATE SEQUENCE job_run_seq START 1;
CREATE TABLE job_run (
  run_id BIGINT PRIMARY KEY DEFAULT nextval('job_run_seq'),
  job VARCHAR NOT NULL,
  trigger VARCHAR NOT NULL CHECK (trigger IN ('schedule', 'manual', 'catch-up')),
  scheduled_for TIMESTAMP,            -- the schedule slot it serves (UTC); NULL for a manual run
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  outcome VARCHAR NOT NULL CHECK (outcome IN ('running', 'ok', 'failed')),
  counts JSON,
  error VARCHAR
);

-- The job lock: a run inserts its job's row and deletes it when done; a second run of the same job
-- fails on the primary key and reports the run in progress. This is fundwatch's own lock, apart
-- from DuckDB's file lock, so "started twice, runs once" is decided here.
CREATE TABLE job_lock (
  job VARCHAR PRIMARY KEY,
  run_id BIGINT NOT NULL,
  holder VARCHAR NOT NULL,            -- host:pid of the process running it
  acquired_at TIMESTAMP NOT NULL
);
