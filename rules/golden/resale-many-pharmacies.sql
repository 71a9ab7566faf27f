-- resale-many-pharmacies v2; params: {"p1":"41","p2":2,"p3":"41","p4":0,"p5":0,"p6":0,"p7":2,"p8":2,"p9":" 起 7 天内在 ","p10":1,"p11":" 家药店购买","p12":"共 ","p13":" 个单位，超过药店单次限量 ","p14":" 的两倍","p15":"others","p16":"units","p17":"list.max_units","p18":7}
WITH a0 AS MATERIALIZED (
  SELECT a0.*, 'fee:' || a0."fixmedins_code" || ':' || a0."mdtrt_id" || ':' || a0."feedetl_sn" AS a_ref
  FROM fee_line AS a0
  
  WHERE (CAST($since AS DATE) IS NULL OR a0."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR a0."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (a0."med_type_class" IN (CAST($p1 AS VARCHAR))) AND a0."med_list_codg" IN (SELECT "med_list_codg" FROM k_days_supply)
),
g AS (
  SELECT ra.a_ref, count(*) AS m_related, coalesce(len(list_distinct(list(rb."fixmedins_code") FILTER (WHERE coalesce((coalesce((rb."fixmedins_code" IS DISTINCT FROM ra."fixmedins_code"), false) AND coalesce((rb."fee_ocur_time" >= ra."fee_ocur_time"), false)), false)))), 0) AS "m_others", coalesce(sum(rb."cnt") FILTER (WHERE coalesce((rb."fee_ocur_time" >= ra."fee_ocur_time"), false)), 0) AS "m_units", coalesce(sum(rb."det_item_fee_sumamt") FILTER (WHERE coalesce((rb."fee_ocur_time" >= ra."fee_ocur_time"), false)), 0) AS "m_burst_amt", count(*) FILTER (WHERE coalesce((coalesce((rb."fee_ocur_time" < ra."fee_ocur_time"), false) OR coalesce((coalesce((rb."fee_ocur_time" = ra."fee_ocur_time"), false) AND coalesce((coalesce((rb."mdtrt_id" < ra."mdtrt_id"), false) OR coalesce((coalesce((rb."mdtrt_id" = ra."mdtrt_id"), false) AND coalesce((rb."feedetl_sn" < ra."feedetl_sn"), false)), false)), false)), false)), false)) AS "m_earlier"
  FROM a0 AS ra
  JOIN (SELECT * FROM fee_line AS rb WHERE coalesce((left(rb."med_type", CAST(CAST($p2 AS DOUBLE) AS INTEGER)) = CAST($p3 AS VARCHAR)), false) AND coalesce((rb."cnt" > CAST($p4 AS DOUBLE)), false)) AS rb ON rb."psn_no" = ra."psn_no" AND rb."med_list_codg" = ra."med_list_codg"
    AND CAST(rb."fee_ocur_time" AS DATE) <= CAST(ra."fee_ocur_time" AS DATE) + to_days($p18::INTEGER) AND CAST(rb."fee_ocur_time" AS DATE) >= CAST(ra."fee_ocur_time" AS DATE) - to_days($p18::INTEGER)
  
  
  WHERE 'fee:' || rb."fixmedins_code" || ':' || rb."mdtrt_id" || ':' || rb."feedetl_sn" <> ra.a_ref AND true
  GROUP BY ra.a_ref
),
h0 AS MATERIALIZED (
  SELECT a0.a_ref AS h_ref, a0."fixmedins_code" AS h_inst, a0."psn_no" AS h_psn, a0."mdtrt_id" AS h_mdtrt, '' AS h_dr,
    (a0."det_item_fee_sumamt" + coalesce(g."m_burst_amt", 0)) AS h_amt, concat(coalesce(CAST(CAST(a0."fee_ocur_time" AS DATE) AS VARCHAR), ''), CAST($p9 AS VARCHAR), coalesce(CASE WHEN contains(CAST((coalesce(g."m_others", 0) + CAST($p10 AS DOUBLE)) AS VARCHAR), '.') THEN rtrim(rtrim(CAST((coalesce(g."m_others", 0) + CAST($p10 AS DOUBLE)) AS VARCHAR), '0'), '.') ELSE CAST((coalesce(g."m_others", 0) + CAST($p10 AS DOUBLE)) AS VARCHAR) END, ''), CAST($p11 AS VARCHAR), coalesce(CAST(r_catalog."name" AS VARCHAR), ''), CAST($p12 AS VARCHAR), coalesce(CASE WHEN contains(CAST((a0."cnt" + coalesce(g."m_units", 0)) AS VARCHAR), '.') THEN rtrim(rtrim(CAST((a0."cnt" + coalesce(g."m_units", 0)) AS VARCHAR), '0'), '.') ELSE CAST((a0."cnt" + coalesce(g."m_units", 0)) AS VARCHAR) END, ''), CAST($p13 AS VARCHAR), coalesce(CASE WHEN contains(CAST(k_days_supply."max_units" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(k_days_supply."max_units" AS VARCHAR), '0'), '.') ELSE CAST(k_days_supply."max_units" AS VARCHAR) END, ''), CAST($p14 AS VARCHAR)) AS h_cont, CAST(a0."fee_ocur_time" AS DATE) AS h_on, json_object(CAST($p15 AS VARCHAR), coalesce(g."m_others", 0), CAST($p16 AS VARCHAR), coalesce(g."m_units", 0), CAST($p17 AS VARCHAR), k_days_supply."max_units") AS h_evidence
  FROM a0
  LEFT JOIN g ON g.a_ref = a0.a_ref
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(a0."med_list_codg", '-', 1)
  LEFT JOIN k_days_supply AS k_days_supply ON k_days_supply."med_list_codg" = a0."med_list_codg" AND k_days_supply."med_type_class" = a0."med_type_class"
  WHERE coalesce((coalesce((coalesce((coalesce((coalesce((coalesce((k_days_supply."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((a0."cnt" > CAST($p5 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((coalesce(g."m_earlier", 0) = CAST($p6 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((coalesce(g."m_others", 0) >= CAST($p7 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce(((a0."cnt" + coalesce(g."m_units", 0)) > (CAST($p8 AS DOUBLE) * k_days_supply."max_units")), false)), false)), false)
),
r AS (
  SELECT ra.a_ref, list('fee:' || rb."fixmedins_code" || ':' || rb."mdtrt_id" || ':' || rb."feedetl_sn") AS g_refs
  FROM (SELECT * FROM a0 WHERE a_ref IN (SELECT h_ref FROM h0)) AS ra
  JOIN (SELECT * FROM fee_line AS rb WHERE coalesce((left(rb."med_type", CAST(CAST($p2 AS DOUBLE) AS INTEGER)) = CAST($p3 AS VARCHAR)), false) AND coalesce((rb."cnt" > CAST($p4 AS DOUBLE)), false)) AS rb ON rb."psn_no" = ra."psn_no" AND rb."med_list_codg" = ra."med_list_codg"
    AND CAST(rb."fee_ocur_time" AS DATE) <= CAST(ra."fee_ocur_time" AS DATE) + to_days($p18::INTEGER) AND CAST(rb."fee_ocur_time" AS DATE) >= CAST(ra."fee_ocur_time" AS DATE) - to_days($p18::INTEGER)
  
  
  WHERE 'fee:' || rb."fixmedins_code" || ':' || rb."mdtrt_id" || ':' || rb."feedetl_sn" <> ra.a_ref AND true
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
