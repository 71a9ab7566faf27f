-- The trace_code view carries what a rule needs of the box's line: when it happened, who bought it,
-- which item, whether it was a split pack (拆零, trdn_flag 1: one code for several sales is then
-- honest), so one code sold twice can be judged without re-joining every line table.
CREATE OR REPLACE VIEW trace_code AS
SELECT t.* EXCLUDE (batch_id), 'fee_line' AS line_table,
       f.fee_ocur_time AS event_time, f.psn_no, f.med_list_codg, CAST(NULL AS VARCHAR) AS trdn_flag
FROM trace_code_version t
JOIN fee_line f ON t.fixmedins_code = f.fixmedins_code AND t.msgid = f.msgid
  AND t.ref = 'fee:' || f.fixmedins_code || ':' || f.mdtrt_id || ':' || f.feedetl_sn
UNION ALL
SELECT t.* EXCLUDE (batch_id), 'psi_line',
       coalesce(p.sel_retn_time, p.inv_chg_time, p.purc_retn_stoin_time, CAST(p.invdate AS TIMESTAMP)), p.psn_no, p.med_list_codg, p.trdn_flag
FROM trace_code_version t
JOIN psi_line p ON t.fixmedins_code = p.fixmedins_code AND t.msgid = p.msgid
  AND t.ref = 'psi:' || p.fixmedins_code || ':' || p.kind || ':' || p.fixmedins_bchno
WHERE NOT p.deleted
UNION ALL
SELECT t.* EXCLUDE (batch_id), 'settlement',
       s.setl_time, s.psn_no, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR)
FROM trace_code_version t
JOIN settlement s ON t.fixmedins_code = s.fixmedins_code AND t.msgid = s.msgid
  AND t.ref = 'setl:' || s.fixmedins_code || ':' || s.setl_id
WHERE NOT s.cancelled;
