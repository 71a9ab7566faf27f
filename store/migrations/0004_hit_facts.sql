-- 0004: what the rule engine (issue 5) keeps with each hit besides the contract §6 fields.
-- occurred_on: the day of the hit's earliest 违规项 fact; a `detect --since/--until` run withdraws
-- only hits whose facts lie in its window. evidence: the columns a rule lists for the reviewer.
ALTER TABLE hit ADD COLUMN occurred_on DATE;
ALTER TABLE hit ADD COLUMN evidence JSON;
