-- same-day-distant-settlements v1; params: {"p1":"11","p2":"12","p3":"13","p4":"14","p5":"41","p6":"51","p7":2,"p8":"11","p9":"12","p10":"13","p11":"14","p12":"41","p13":"51","p14":4,"p15":4,"p16":4,"p17":0,"p18":" 在 ","p19":" 结算后 ","p20":1,"p21":" 小时内，又在另一地市的 ","p22":" 家机构结算","p23":"places","p24":"gap_hours","p25":0}
WITH a0 AS MATERIALIZED (
  SELECT a0.*, 'setl:' || a0."fixmedins_code" || ':' || a0."setl_id" AS a_ref
  FROM settlement AS a0
  
  WHERE NOT a0."cancelled" AND (CAST($since AS DATE) IS NULL OR a0."setl_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR a0."setl_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND a0."med_type_class" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR), CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR), CAST($p6 AS VARCHAR))
),
g AS (
  SELECT ra.a_ref, count(*) AS m_related, coalesce(len(list_distinct(list(rb."fixmedins_code"))), 0) AS "m_places", min(((epoch(CAST(rb."setl_time" AS TIMESTAMP)) - epoch(CAST(ra."setl_time" AS TIMESTAMP))) / 3600.0)) AS "m_gap_hours"
  FROM a0 AS ra
  JOIN (SELECT * FROM settlement AS rb WHERE NOT rb."cancelled" AND coalesce((left(rb."med_type", CAST(CAST($p7 AS DOUBLE) AS INTEGER)) IN (CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR))), false)) AS rb ON rb."psn_no" = ra."psn_no"
    AND CAST(rb."setl_time" AS DATE) <= CAST(ra."setl_time" AS DATE) + to_days($p25::INTEGER) AND CAST(rb."setl_time" AS DATE) >= CAST(ra."setl_time" AS DATE) - to_days($p25::INTEGER)
  LEFT JOIN institution AS ra_inst ON ra_inst."fixmedins_code" = ra."fixmedins_code"
  LEFT JOIN institution AS rb_inst ON rb_inst."fixmedins_code" = rb."fixmedins_code"
  WHERE 'setl:' || rb."fixmedins_code" || ':' || rb."setl_id" <> ra.a_ref AND coalesce((rb."fixmedins_code" IS DISTINCT FROM ra."fixmedins_code"), false) AND coalesce((rb."setl_time" >= ra."setl_time"), false) AND coalesce((((epoch(CAST(rb."setl_time" AS TIMESTAMP)) - epoch(CAST(ra."setl_time" AS TIMESTAMP))) / 3600.0) < CAST($p14 AS DOUBLE)), false) AND coalesce((left(rb_inst."admdvs", CAST(CAST($p15 AS DOUBLE) AS INTEGER)) IS DISTINCT FROM left(ra_inst."admdvs", CAST(CAST($p16 AS DOUBLE) AS INTEGER))), false)
  GROUP BY ra.a_ref
),
h0 AS MATERIALIZED (
  SELECT a0.a_ref AS h_ref, a0."fixmedins_code" AS h_inst, a0."psn_no" AS h_psn, a0."mdtrt_id" AS h_mdtrt, '' AS h_dr,
    a0."medfee_sumamt" AS h_amt, concat(coalesce(strftime(a0."setl_time", '%Y-%m-%d %H:%M'), ''), CAST($p18 AS VARCHAR), coalesce(CAST(a0."fixmedins_code" AS VARCHAR), ''), CAST($p19 AS VARCHAR), coalesce(CASE WHEN contains(CAST(round(coalesce(g."m_gap_hours", NULL), CAST(CAST($p20 AS DOUBLE) AS INTEGER)) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(round(coalesce(g."m_gap_hours", NULL), CAST(CAST($p20 AS DOUBLE) AS INTEGER)) AS VARCHAR), '0'), '.') ELSE CAST(round(coalesce(g."m_gap_hours", NULL), CAST(CAST($p20 AS DOUBLE) AS INTEGER)) AS VARCHAR) END, ''), CAST($p21 AS VARCHAR), coalesce(CASE WHEN contains(CAST(coalesce(g."m_places", 0) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(coalesce(g."m_places", 0) AS VARCHAR), '0'), '.') ELSE CAST(coalesce(g."m_places", 0) AS VARCHAR) END, ''), CAST($p22 AS VARCHAR)) AS h_cont, CAST(a0."setl_time" AS DATE) AS h_on, json_object(CAST($p23 AS VARCHAR), coalesce(g."m_places", 0), CAST($p24 AS VARCHAR), coalesce(g."m_gap_hours", NULL)) AS h_evidence
  FROM a0
  LEFT JOIN g ON g.a_ref = a0.a_ref
  
  
  WHERE coalesce((coalesce((coalesce(g.m_related, 0) > CAST($p17 AS DOUBLE)), false)), false)
),
r AS (
  SELECT ra.a_ref, list('setl:' || rb."fixmedins_code" || ':' || rb."setl_id") AS g_refs
  FROM (SELECT * FROM a0 WHERE a_ref IN (SELECT h_ref FROM h0)) AS ra
  JOIN (SELECT * FROM settlement AS rb WHERE NOT rb."cancelled" AND coalesce((left(rb."med_type", CAST(CAST($p7 AS DOUBLE) AS INTEGER)) IN (CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR))), false)) AS rb ON rb."psn_no" = ra."psn_no"
    AND CAST(rb."setl_time" AS DATE) <= CAST(ra."setl_time" AS DATE) + to_days($p25::INTEGER) AND CAST(rb."setl_time" AS DATE) >= CAST(ra."setl_time" AS DATE) - to_days($p25::INTEGER)
  LEFT JOIN institution AS ra_inst ON ra_inst."fixmedins_code" = ra."fixmedins_code"
  LEFT JOIN institution AS rb_inst ON rb_inst."fixmedins_code" = rb."fixmedins_code"
  WHERE 'setl:' || rb."fixmedins_code" || ':' || rb."setl_id" <> ra.a_ref AND coalesce((rb."fixmedins_code" IS DISTINCT FROM ra."fixmedins_code"), false) AND coalesce((rb."setl_time" >= ra."setl_time"), false) AND coalesce((((epoch(CAST(rb."setl_time" AS TIMESTAMP)) - epoch(CAST(ra."setl_time" AS TIMESTAMP))) / 3600.0) < CAST($p14 AS DOUBLE)), false) AND coalesce((left(rb_inst."admdvs", CAST(CAST($p15 AS DOUBLE) AS INTEGER)) IS DISTINCT FROM left(ra_inst."admdvs", CAST(CAST($p16 AS DOUBLE) AS INTEGER))), false)
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
