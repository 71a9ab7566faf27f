-- 0002: detection output (contract §6). One row per hit in the shape of the national 事前事中 audit
-- result (3101/3102), whoever found it (a rule or a statistical detector), plus fundwatch's own
-- bookkeeping (score, detected_at, withdrawn). Subject fields that do not apply are '' (the contract
-- says "absent ones empty"), never NULL, so a hit's identity never depends on NULL semantics.
-- hit_detail holds the 违规项 (1) and 涉及项 (2) of each hit by reference. There is no foreign key:
-- DuckDB cannot replace a referenced row, and a re-run upserts hits by jr_id.

CREATE TABLE hit (
  jr_id VARCHAR PRIMARY KEY,                  -- SHA-256 of rule_id and the sorted refs of its 违规项
  rule_id VARCHAR NOT NULL,
  rule_version VARCHAR NOT NULL,
  rule_name VARCHAR NOT NULL,
  knowledge_version VARCHAR,                  -- NULL when no knowledge table was used
  pattern VARCHAR NOT NULL,                   -- contract §6 pattern vocabulary
  sev_deg VARCHAR NOT NULL CHECK (sev_deg IN ('definite', 'suspect')),
  vola_cont VARCHAR NOT NULL,                 -- 违规内容, Chinese
  vola_evid VARCHAR NOT NULL,                 -- 违规依据
  vola_amt DECIMAL(16,2) NOT NULL DEFAULT 0,
  fixmedins_code VARCHAR NOT NULL DEFAULT '',
  psn_no VARCHAR NOT NULL DEFAULT '',
  mdtrt_id VARCHAR NOT NULL DEFAULT '',
  dr_codg VARCHAR NOT NULL DEFAULT '',
  score DOUBLE,
  detected_at TIMESTAMP,
  withdrawn BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE hit_detail (
  jr_id VARCHAR NOT NULL,
  vola_item_type TINYINT NOT NULL CHECK (vola_item_type IN (1, 2)),
  ref VARCHAR NOT NULL,                       -- fee:… visit:… setl:… psi:… trace:… person:… inst:…
  amount DECIMAL(16,2),
  PRIMARY KEY (jr_id, vola_item_type, ref)
);
