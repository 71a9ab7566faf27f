-- cheap-sold-dear-billed v1; params: {"p1":"41","p2":"3505","p3":6,"p4":6,"p5":0.7,"p6":6,"p7":6,"p8":0,"p9":0,"p10":0,"p11":" 医保结算","p12":" ","p13":" 个单位（单价 ","p14":" 元），当日销售记录中只有同类药品，成交单价 ","p15":" 元","p16":"a.pric","p17":"sold_price","p18":0}
WITH a0 AS MATERIALIZED (
  SELECT a0.*, 'fee:' || a0."fixmedins_code" || ':' || a0."mdtrt_id" || ':' || a0."feedetl_sn" AS a_ref
  FROM fee_line AS a0
  
  WHERE (CAST($since AS DATE) IS NULL OR a0."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR a0."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (a0."med_type_class" IN (CAST($p1 AS VARCHAR)))
),
g AS (
  SELECT ra.a_ref, count(*) AS m_related, count(*) FILTER (WHERE coalesce((rb."med_list_codg" = ra."med_list_codg"), false)) AS "m_same_item", count(*) FILTER (WHERE coalesce((coalesce((coalesce((rb."med_list_codg" IS DISTINCT FROM ra."med_list_codg"), false) AND coalesce((left(rb."med_list_codg", CAST(CAST($p3 AS DOUBLE) AS INTEGER)) = left(ra."med_list_codg", CAST(CAST($p4 AS DOUBLE) AS INTEGER))), false)), false) AND coalesce((rb."finl_trns_pric" < (ra."pric" * CAST($p5 AS DOUBLE))), false)), false)) AS "m_cheaper_kin", min(rb."finl_trns_pric") FILTER (WHERE coalesce((coalesce((rb."med_list_codg" IS DISTINCT FROM ra."med_list_codg"), false) AND coalesce((left(rb."med_list_codg", CAST(CAST($p6 AS DOUBLE) AS INTEGER)) = left(ra."med_list_codg", CAST(CAST($p7 AS DOUBLE) AS INTEGER))), false)), false)) AS "m_sold_price"
  FROM a0 AS ra
  JOIN (SELECT * FROM psi_line AS rb WHERE NOT rb."deleted" AND coalesce((rb."infno" = CAST($p2 AS VARCHAR)), false)) AS rb ON rb."psn_no" = ra."psn_no" AND rb."fixmedins_code" = ra."fixmedins_code"
    AND CAST(coalesce(rb."sel_retn_time", rb."purc_retn_stoin_time", rb."inv_chg_time", CAST(rb."invdate" AS TIMESTAMP)) AS DATE) <= CAST(ra."fee_ocur_time" AS DATE) + to_days($p18::INTEGER) AND CAST(coalesce(rb."sel_retn_time", rb."purc_retn_stoin_time", rb."inv_chg_time", CAST(rb."invdate" AS TIMESTAMP)) AS DATE) >= CAST(ra."fee_ocur_time" AS DATE) - to_days($p18::INTEGER)
  
  
  WHERE true
  GROUP BY ra.a_ref
),
h0 AS MATERIALIZED (
  SELECT a0.a_ref AS h_ref, a0."fixmedins_code" AS h_inst, a0."psn_no" AS h_psn, a0."mdtrt_id" AS h_mdtrt, '' AS h_dr,
    coalesce(a0."inscp_amt", a0."det_item_fee_sumamt") AS h_amt, concat(coalesce(CAST(CAST(a0."fee_ocur_time" AS DATE) AS VARCHAR), ''), CAST($p11 AS VARCHAR), coalesce(CAST(r_catalog."name" AS VARCHAR), ''), CAST($p12 AS VARCHAR), coalesce(CASE WHEN contains(CAST(a0."cnt" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(a0."cnt" AS VARCHAR), '0'), '.') ELSE CAST(a0."cnt" AS VARCHAR) END, ''), CAST($p13 AS VARCHAR), coalesce(CASE WHEN contains(CAST(a0."pric" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(a0."pric" AS VARCHAR), '0'), '.') ELSE CAST(a0."pric" AS VARCHAR) END, ''), CAST($p14 AS VARCHAR), coalesce(CASE WHEN contains(CAST(coalesce(g."m_sold_price", NULL) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(coalesce(g."m_sold_price", NULL) AS VARCHAR), '0'), '.') ELSE CAST(coalesce(g."m_sold_price", NULL) AS VARCHAR) END, ''), CAST($p15 AS VARCHAR)) AS h_cont, CAST(a0."fee_ocur_time" AS DATE) AS h_on, json_object(CAST($p16 AS VARCHAR), a0."pric", CAST($p17 AS VARCHAR), coalesce(g."m_sold_price", NULL)) AS h_evidence
  FROM a0
  LEFT JOIN g ON g.a_ref = a0.a_ref
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(a0."med_list_codg", '-', 1)
  
  WHERE coalesce((coalesce((coalesce((coalesce((a0."cnt" > CAST($p8 AS DOUBLE)), false)), false) AND coalesce((coalesce((coalesce(g."m_same_item", 0) = CAST($p9 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((coalesce(g."m_cheaper_kin", 0) > CAST($p10 AS DOUBLE)), false)), false)), false)
),
r AS (
  SELECT ra.a_ref, list('psi:' || rb."fixmedins_code" || ':' || CAST(rb."kind" AS VARCHAR) || ':' || rb."fixmedins_bchno") AS g_refs
  FROM (SELECT * FROM a0 WHERE a_ref IN (SELECT h_ref FROM h0)) AS ra
  JOIN (SELECT * FROM psi_line AS rb WHERE NOT rb."deleted" AND coalesce((rb."infno" = CAST($p2 AS VARCHAR)), false)) AS rb ON rb."psn_no" = ra."psn_no" AND rb."fixmedins_code" = ra."fixmedins_code"
    AND CAST(coalesce(rb."sel_retn_time", rb."purc_retn_stoin_time", rb."inv_chg_time", CAST(rb."invdate" AS TIMESTAMP)) AS DATE) <= CAST(ra."fee_ocur_time" AS DATE) + to_days($p18::INTEGER) AND CAST(coalesce(rb."sel_retn_time", rb."purc_retn_stoin_time", rb."inv_chg_time", CAST(rb."invdate" AS TIMESTAMP)) AS DATE) >= CAST(ra."fee_ocur_time" AS DATE) - to_days($p18::INTEGER)
  
  
  WHERE true
  GROUP BY ra.a_ref
),
h AS (
  SELECT h0.* EXCLUDE (h_ref),
    list_concat([{'vola_item_type': 1, 'ref': h0.h_ref, 'amount': CAST(h0.h_amt AS DECIMAL(16,2))}], list_transform(list_sort(coalesce(r.g_refs, [])), x -> {'vola_item_type': 2, 'ref': x, 'amount': CAST(NULL AS DECIMAL(16,2))})) AS h_details
  FROM h0
  LEFT JOIN r ON r.a_ref = h0.h_ref
)
SELECT * FROM (
  SELECT sha256(CAST($rule_id AS VARCHAR) || chr(10) || array_to_string(list_sort(list_distinct([x.ref FOR x IN h_details IF x.vola_item_type = 1])), chr(10))) AS jr_id,
    coalesce(h_inst, '') AS fixmedins_code, coalesce(h_psn, '') AS psn_no, coalesce(h_mdtrt, '') AS mdtrt_id, coalesce(h_dr, '') AS dr_codg,
    CAST(round(coalesce(h_amt, 0), 2) AS DECIMAL(16,2)) AS vola_amt, h_cont AS vola_cont, h_on AS occurred_on, h_evidence AS evidence,
    h_details AS details
  FROM h
  WHERE len(h_details) > 0
)
QUALIFY row_number() OVER (PARTITION BY jr_id ORDER BY vola_amt DESC, vola_cont) = 1
