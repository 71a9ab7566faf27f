-- 0005: what real senders send (contract §8, issue 11).

-- Whether the envelope said upload_mode (`message`) or the source's setting stood in (`source`),
-- and the provincial field names the message used (JSON [{alias, field}]).
ALTER TABLE message ADD COLUMN upload_mode_source VARCHAR;
ALTER TABLE message ADD COLUMN aliases JSON;
UPDATE message SET upload_mode_source = 'message';

-- A date-time field sent as a bare date lands as midnight, flagged: sub-day rules skip it.
ALTER TABLE visit_version ADD COLUMN begntime_date_only BOOLEAN;
ALTER TABLE discharge_version ADD COLUMN endtime_date_only BOOLEAN;
ALTER TABLE fee_line_version ADD COLUMN fee_ocur_time_date_only BOOLEAN;
ALTER TABLE settlement_version ADD COLUMN setl_time_date_only BOOLEAN;
ALTER TABLE psi_line_version ADD COLUMN inv_chg_time_date_only BOOLEAN;
ALTER TABLE psi_line_version ADD COLUMN purc_retn_stoin_time_date_only BOOLEAN;
ALTER TABLE psi_line_version ADD COLUMN sel_retn_time_date_only BOOLEAN;

-- One row per drug trace code (药品追溯码), keyed to the line version it came with: a fee line
-- (2204/2301 drug_trac_codg), a 进销存 line (3502/3505/3506, on the line or in drugtracinfo) or a
-- settlement (2207/2304 drug_trac_info). `ref` is the line's contract §6 ref; the line version is
-- (ref, msgid). A sale of three boxes is three rows.
CREATE TABLE trace_code_version (
  batch_id BIGINT NOT NULL,
  fixmedins_code VARCHAR NOT NULL,
  msgid VARCHAR NOT NULL,
  infno VARCHAR NOT NULL,
  ref VARCHAR NOT NULL,
  seq INTEGER NOT NULL,             -- position among the line's codes, from 1
  drug_trac_codg VARCHAR NOT NULL,
  is_return BOOLEAN NOT NULL,       -- a 3506 sale return or a fee-line reversal: the box came back
  origin VARCHAR NOT NULL           -- 'line' (drug_trac_codg) | 'list' (drugtracinfo, drug_trac_info)
);

-- Data-quality notes: a message that landed in a §8 variant form; what was normalised, where.
CREATE TABLE quality_note (
  batch_id BIGINT NOT NULL,
  fixmedins_code VARCHAR NOT NULL,
  msgid VARCHAR NOT NULL,
  infno VARCHAR NOT NULL,
  path VARCHAR NOT NULL,            -- field path in the message, e.g. input.feedetail[3].fee_ocur_time
  code VARCHAR NOT NULL,            -- core/diagnostics/codes.ts
  value VARCHAR                     -- the value as sent, personal data replaced; NULL when it adds nothing
);

-- The views pick up the new columns; the trace codes of current lines only, not of superseded
-- versions, deleted 进销存 lines or cancelled settlements.
CREATE OR REPLACE VIEW fee_line AS SELECT * EXCLUDE (key_hash, is_current) FROM fee_line_version WHERE is_current;

CREATE OR REPLACE VIEW discharge AS SELECT * EXCLUDE (key_hash, is_current) FROM discharge_version WHERE is_current;

CREATE OR REPLACE VIEW visit AS
SELECT v.* EXCLUDE (key_hash, is_current, dscg_maindiag_code),
       coalesce(d.dscg_maindiag_code, v.dscg_maindiag_code) AS dscg_maindiag_code,
       d.endtime, d.dscg_way, d.dscg_dept_codg, d.diseinfo, d.endtime_date_only
FROM visit_version v
LEFT JOIN discharge d ON d.fixmedins_code = v.fixmedins_code AND d.mdtrt_id = v.mdtrt_id
WHERE v.is_current;

CREATE OR REPLACE VIEW settlement AS
SELECT s.* EXCLUDE (key_hash, is_current),
       c.msgid IS NOT NULL AS cancelled,
       c.msgid AS cancel_msgid,
       c.inf_time AS cancel_time
FROM settlement_version s
LEFT JOIN (
  SELECT fixmedins_code, setl_id, arg_min(msgid, (inf_time, msgid)) AS msgid, min(inf_time) AS inf_time
  FROM settlement_cancel GROUP BY ALL
) c ON c.fixmedins_code = s.fixmedins_code AND c.setl_id = s.setl_id
WHERE s.is_current;

CREATE OR REPLACE VIEW psi_line AS
SELECT p.* EXCLUDE (key_hash, is_current),
       d.msgid IS NOT NULL AS deleted,
       d.msgid AS delete_msgid,
       d.inf_time AS delete_time
FROM psi_line_version p
LEFT JOIN (
  SELECT fixmedins_code, inv_data_type, fixmedins_bchno, arg_min(msgid, (inf_time, msgid)) AS msgid, min(inf_time) AS inf_time
  FROM psi_deletion GROUP BY ALL
) d ON d.fixmedins_code = p.fixmedins_code AND d.inv_data_type = CAST(p.kind AS VARCHAR) AND d.fixmedins_bchno = p.fixmedins_bchno
WHERE p.is_current;

CREATE VIEW trace_code AS
SELECT t.* EXCLUDE (batch_id), 'fee_line' AS line_table
FROM trace_code_version t
JOIN fee_line f ON t.fixmedins_code = f.fixmedins_code AND t.msgid = f.msgid
  AND t.ref = 'fee:' || f.fixmedins_code || ':' || f.mdtrt_id || ':' || f.feedetl_sn
UNION ALL
SELECT t.* EXCLUDE (batch_id), 'psi_line'
FROM trace_code_version t
JOIN psi_line p ON t.fixmedins_code = p.fixmedins_code AND t.msgid = p.msgid
  AND t.ref = 'psi:' || p.fixmedins_code || ':' || p.kind || ':' || p.fixmedins_bchno
WHERE NOT p.deleted
UNION ALL
SELECT t.* EXCLUDE (batch_id), 'settlement'
FROM trace_code_version t
JOIN settlement s ON t.fixmedins_code = s.fixmedins_code AND t.msgid = s.msgid
  AND t.ref = 'setl:' || s.fixmedins_code || ':' || s.setl_id
WHERE NOT s.cancelled;
