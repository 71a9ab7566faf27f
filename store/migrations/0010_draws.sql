-- 0010: the 双随机 draw (issue 15, contract §9). See inspection/README.md.

-- A commitment made before the public seed is known: the plan and the three hashes of contract §9
-- step 1, with who made it and when. Preparing the same plan on the same frames again records
-- nothing new; a changed registry gives a new row (all kept), and `draw run` checks its frames
-- against the latest one of the plan_id.
CREATE TABLE draw_prepare (
  plan_id VARCHAR NOT NULL,
  plan JSON NOT NULL,                  -- as parsed, directed part included (it is not hashed)
  plan_hash VARCHAR NOT NULL,
  targets_hash VARCHAR NOT NULL,
  inspectors_hash VARCHAR NOT NULL,
  prepared_at TIMESTAMP NOT NULL,      -- UTC
  actor VARCHAR NOT NULL,
  PRIMARY KEY (plan_id, plan_hash, targets_hash, inspectors_hash)
);

-- Every draw ever made, never re-rolled: the same inputs give the same draw_id and return this row.
-- A second draw for a plan_id needs a reason; the earlier one stays, pointing at its successor.
CREATE TABLE draw (
  draw_id VARCHAR PRIMARY KEY,         -- first 16 hex digits of H(seed || "id")
  plan_id VARCHAR NOT NULL,
  public_seed VARCHAR NOT NULL,
  audit JSON NOT NULL,                 -- the §9 audit document (frames included), directed part included
  prepared_at TIMESTAMP NOT NULL,      -- the commitment it was drawn against
  drawn_at TIMESTAMP NOT NULL,         -- UTC
  actor VARCHAR NOT NULL,
  superseded_by VARCHAR,               -- the draw that replaced this one
  supersede_reason VARCHAR             -- why (given with --supersede --reason)
);

-- What an inspection of a drawn target found. Its date is a last inspection for the exclusion
-- window of later draws.
CREATE TABLE draw_result (
  draw_id VARCHAR NOT NULL,
  fixmedins_code VARCHAR NOT NULL,
  inspected_on DATE NOT NULL,
  outcome VARCHAR NOT NULL,
  case_id VARCHAR,                     -- the case it confirmed or opened, if any
  recorded_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,
  PRIMARY KEY (draw_id, fixmedins_code)
);
