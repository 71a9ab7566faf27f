-- care-elsewhere-during-stay v2; params: {"p1":"21","p2":"22","p3":"24","p4":"25","p5":"28","p6":"52","p7":2,"p8":"11","p9":"12","p10":"13","p11":"14","p12":"41","p13":"51","p14":1,"p15":"住院期间（","p16":" 入院）有一天在 ","p17":" 家机构发生 ","p18":" 笔门诊或购药医保结算，其中 ","p19":" 笔在其他机构","p20":"days_out","p21":"related","p22":"places","p23":"elsewhere","p24":0}
WITH a0 AS MATERIALIZED (
  SELECT a0.*, 'visit:' || a0."fixmedins_code" || ':' || a0."mdtrt_id" AS a_ref
  FROM visit AS a0
  
  WHERE (CAST($since AS DATE) IS NULL OR a0."begntime" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR a0."begntime" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (a0."med_type_class" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR), CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR), CAST($p6 AS VARCHAR)))
),
g AS (
  SELECT ra.a_ref, count(*) AS m_related, coalesce(len(list_distinct(list(rb."fixmedins_code"))), 0) AS "m_places", coalesce(len(list_distinct(list(CAST(rb."setl_time" AS DATE)))), 0) AS "m_days_out", count(*) FILTER (WHERE coalesce((rb."fixmedins_code" IS DISTINCT FROM ra."fixmedins_code"), false)) AS "m_elsewhere"
  FROM a0 AS ra
  JOIN (SELECT * FROM settlement AS rb WHERE NOT rb."cancelled" AND coalesce((left(rb."med_type", CAST(CAST($p7 AS DOUBLE) AS INTEGER)) IN (CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR))), false)) AS rb ON rb."psn_no" = ra."psn_no"
    AND CAST(rb."setl_time" AS DATE) <= CAST(coalesce(ra."endtime", TIMESTAMP '9999-12-31') AS DATE) + to_days($p24::INTEGER) AND CAST(rb."setl_time" AS DATE) >= CAST(ra."begntime" AS DATE) - to_days($p24::INTEGER)
  
  
  WHERE coalesce((CAST(rb."setl_time" AS DATE) > CAST(ra."begntime" AS DATE)), false) AND coalesce((CAST(rb."setl_time" AS DATE) < CAST(ra."endtime" AS DATE)), false)
  GROUP BY ra.a_ref
),
h0 AS MATERIALIZED (
  SELECT a0.a_ref AS h_ref, a0."fixmedins_code" AS h_inst, a0."psn_no" AS h_psn, a0."mdtrt_id" AS h_mdtrt, '' AS h_dr,
    (SELECT sum(coalesce(fl."inscp_amt", fl."det_item_fee_sumamt")) FROM fee_line fl WHERE fl."fixmedins_code" = a0."fixmedins_code" AND fl."mdtrt_id" = a0."mdtrt_id") AS h_amt, concat(CAST($p15 AS VARCHAR), coalesce(CAST(CAST(a0."begntime" AS DATE) AS VARCHAR), ''), CAST($p16 AS VARCHAR), coalesce(CASE WHEN contains(CAST(coalesce(g."m_places", 0) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(coalesce(g."m_places", 0) AS VARCHAR), '0'), '.') ELSE CAST(coalesce(g."m_places", 0) AS VARCHAR) END, ''), CAST($p17 AS VARCHAR), coalesce(CASE WHEN contains(CAST(coalesce(g.m_related, 0) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(coalesce(g.m_related, 0) AS VARCHAR), '0'), '.') ELSE CAST(coalesce(g.m_related, 0) AS VARCHAR) END, ''), CAST($p18 AS VARCHAR), coalesce(CASE WHEN contains(CAST(coalesce(g."m_elsewhere", 0) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(coalesce(g."m_elsewhere", 0) AS VARCHAR), '0'), '.') ELSE CAST(coalesce(g."m_elsewhere", 0) AS VARCHAR) END, ''), CAST($p19 AS VARCHAR)) AS h_cont, CAST(a0."begntime" AS DATE) AS h_on, json_object(CAST($p20 AS VARCHAR), coalesce(g."m_days_out", 0), CAST($p21 AS VARCHAR), coalesce(g.m_related, 0), CAST($p22 AS VARCHAR), coalesce(g."m_places", 0), CAST($p23 AS VARCHAR), coalesce(g."m_elsewhere", 0)) AS h_evidence
  FROM a0
  LEFT JOIN g ON g.a_ref = a0.a_ref
  
  
  WHERE coalesce((coalesce((coalesce((a0."endtime" IS NOT NULL), false)), false) AND coalesce((coalesce((coalesce(g."m_days_out", 0) = CAST($p14 AS DOUBLE)), false)), false)), false)
),
r AS (
  SELECT ra.a_ref, list('setl:' || rb."fixmedins_code" || ':' || rb."setl_id") AS g_refs
  FROM (SELECT * FROM a0 WHERE a_ref IN (SELECT h_ref FROM h0)) AS ra
  JOIN (SELECT * FROM settlement AS rb WHERE NOT rb."cancelled" AND coalesce((left(rb."med_type", CAST(CAST($p7 AS DOUBLE) AS INTEGER)) IN (CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR))), false)) AS rb ON rb."psn_no" = ra."psn_no"
    AND CAST(rb."setl_time" AS DATE) <= CAST(coalesce(ra."endtime", TIMESTAMP '9999-12-31') AS DATE) + to_days($p24::INTEGER) AND CAST(rb."setl_time" AS DATE) >= CAST(ra."begntime" AS DATE) - to_days($p24::INTEGER)
  
  
  WHERE coalesce((CAST(rb."setl_time" AS DATE) > CAST(ra."begntime" AS DATE)), false) AND coalesce((CAST(rb."setl_time" AS DATE) < CAST(ra."endtime" AS DATE)), false)
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
