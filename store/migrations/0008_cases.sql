-- 0008: cases (issue 14): cases grouped from hits, their workflow fields and audit log, comments.
-- See cases/README.md.

-- A case: the hits of one pattern on one subject in one period (cases/subject.ts). case_id is
-- derived from case_key, so re-running detection finds the same case again. States (English codes,
-- Chinese names in cases/workflow.ts): new 待初审, triaged 初审, reviewed 复核, confirmed 确认,
-- dismissed 驳回, rectifying 整改, closed 结案. `version` rises by one with every change; a change
-- that names an older version is refused (optimistic concurrency).
CREATE TABLE case_file (
  case_id VARCHAR PRIMARY KEY,
  case_key VARCHAR NOT NULL,           -- pattern|subject_kind|subject_key|period; a detached case gets its own
  pattern VARCHAR NOT NULL,
  subject_kind VARCHAR NOT NULL CHECK (subject_kind IN ('doctor', 'person', 'institution')),
  subject_key VARCHAR NOT NULL,        -- doctor <fixmedins_code>:<dr_codg>, person <psn_no>, institution <fixmedins_code>
  fixmedins_code VARCHAR NOT NULL DEFAULT '',
  psn_no VARCHAR NOT NULL DEFAULT '',
  dr_codg VARCHAR NOT NULL DEFAULT '',
  period VARCHAR NOT NULL,             -- visit:<fixmedins_code>:<mdtrt_id> | 2026-01 | 2026-Q1
  period_start DATE,
  period_end DATE,
  title VARCHAR NOT NULL,              -- one Chinese line for the queue
  state VARCHAR NOT NULL CHECK (state IN ('new', 'triaged', 'reviewed', 'confirmed', 'dismissed', 'rectifying', 'closed')),
  assignee VARCHAR,
  due_on DATE,                         -- the state's deadline in working days (calendar table)
  version INTEGER NOT NULL,
  hit_count INTEGER NOT NULL,          -- live (not withdrawn) hits
  amount DECIMAL(16,2) NOT NULL,       -- amount at stake, each offending line counted once (cases/risk.ts)
  sev_deg VARCHAR NOT NULL,            -- definite when any live hit is definite
  sources INTEGER NOT NULL,            -- distinct rules and detectors on the same facts (cases/risk.ts)
  risk DOUBLE NOT NULL,                -- 0–100 (cases/risk.ts)
  risk_parts JSON NOT NULL,            -- {amount, severity, agreement, history} points and their inputs
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  facts_at TIMESTAMP NOT NULL,         -- when hits last joined the case
  reopened_at TIMESTAMP,               -- a dismissed or closed case that new facts reopened
  merged_into VARCHAR,                 -- set on a case merged into another; its hits moved there
  dismiss_reason VARCHAR,
  dismiss_note VARCHAR,
  recover_amt DECIMAL(16,2),           -- 追回金额 decided at 整改
  recovered_amt DECIMAL(16,2),         -- 已追回金额
  penalty_amt DECIMAL(16,2),           -- 罚款
  confirmed_at TIMESTAMP,
  closed_at TIMESTAMP
);

-- Which case a hit belongs to: one case per hit. how: grouped (by its key), merged (moved by a
-- merge), detached (moved into a case of its own). is_new: joined after the case was reviewed or
-- dismissed, so the reviewer sees what is new.
CREATE TABLE case_hit (
  jr_id VARCHAR PRIMARY KEY,
  case_id VARCHAR NOT NULL,
  attached_at TIMESTAMP NOT NULL,
  how VARCHAR NOT NULL CHECK (how IN ('grouped', 'merged', 'detached')),
  is_new BOOLEAN NOT NULL DEFAULT false
);

-- Append-only: every change to a case, who made it, when, and the fields before and after.
CREATE SEQUENCE case_audit_seq START 1;
CREATE TABLE case_audit (
  seq BIGINT PRIMARY KEY DEFAULT nextval('case_audit_seq'),
  case_id VARCHAR NOT NULL,
  happened_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,              -- a person, or system:<job> for detection
  action VARCHAR NOT NULL,             -- created, facts, reopened, transition, assign, comment, merge, detach, amounts
  before JSON,
  after JSON
);

CREATE SEQUENCE case_comment_seq START 1;
CREATE TABLE case_comment (
  seq BIGINT PRIMARY KEY DEFAULT nextval('case_comment_seq'),
  case_id VARCHAR NOT NULL,
  happened_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,
  body VARCHAR NOT NULL
);
