-- nat-drug-course v1; params: {"p1":0,"p2":0,"p3":0,"p4":"使用","p5":" ","p6":" 天（","p7":" 次就诊），超过支付疗程 ","p8":" 天（","p9":"）","p10":"days","p11":"visits","p12":"list.max_days","p13":"list.desc"}
WITH g AS (
  SELECT src."psn_no" AS g_0, src."med_list_codg" AS g_1, coalesce(len(list_distinct(list(CAST(src."fee_ocur_time" AS DATE)) FILTER (WHERE coalesce((CASE WHEN src."cnt" < 0 THEN 0 ELSE src."cnt" + coalesce((SELECT sum(rv."cnt") FROM fee_line rv WHERE rv."fixmedins_code" = src."fixmedins_code" AND rv."mdtrt_id" = src."mdtrt_id" AND rv."init_feedetl_sn" = src."feedetl_sn" AND rv."cnt" < 0), 0) END > CAST($p1 AS DOUBLE)), false)))), 0) AS "m_days", coalesce(len(list_distinct(list(src."mdtrt_id") FILTER (WHERE coalesce((CASE WHEN src."cnt" < 0 THEN 0 ELSE src."cnt" + coalesce((SELECT sum(rv."cnt") FROM fee_line rv WHERE rv."fixmedins_code" = src."fixmedins_code" AND rv."mdtrt_id" = src."mdtrt_id" AND rv."init_feedetl_sn" = src."feedetl_sn" AND rv."cnt" < 0), 0) END > CAST($p2 AS DOUBLE)), false)))), 0) AS "m_visits", coalesce(sum(coalesce(src."inscp_amt", src."det_item_fee_sumamt")), 0) AS "m_amt", min(src."fee_ocur_time") AS g_t,
    list({'vola_item_type': 1, 'ref': 'fee:' || src."fixmedins_code" || ':' || src."mdtrt_id" || ':' || src."feedetl_sn", 'amount': CAST(NULL AS DECIMAL(16,2))}) FILTER (WHERE coalesce((CASE WHEN src."cnt" < 0 THEN 0 ELSE src."cnt" + coalesce((SELECT sum(rv."cnt") FROM fee_line rv WHERE rv."fixmedins_code" = src."fixmedins_code" AND rv."mdtrt_id" = src."mdtrt_id" AND rv."init_feedetl_sn" = src."feedetl_sn" AND rv."cnt" < 0), 0) END > CAST($p3 AS DOUBLE)), false)) AS g_details
  FROM fee_line AS src
  
  WHERE (CAST($since AS DATE) IS NULL OR src."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR src."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND src."med_list_codg" IN (SELECT "med_list_codg" FROM k_nat_drug_course)
  GROUP BY ALL
),
h AS (
  SELECT '' AS h_inst, g.g_0 AS h_psn, '' AS h_mdtrt, '' AS h_dr, ((g."m_amt" * (g."m_days" - k_nat_drug_course."max_days")) / nullif(g."m_days", 0)) AS h_amt,
    concat(CAST($p4 AS VARCHAR), coalesce(CAST(k_nat_drug_course."name" AS VARCHAR), ''), CAST($p5 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_days" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_days" AS VARCHAR), '0'), '.') ELSE CAST(g."m_days" AS VARCHAR) END, ''), CAST($p6 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_visits" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_visits" AS VARCHAR), '0'), '.') ELSE CAST(g."m_visits" AS VARCHAR) END, ''), CAST($p7 AS VARCHAR), coalesce(CASE WHEN contains(CAST(k_nat_drug_course."max_days" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(k_nat_drug_course."max_days" AS VARCHAR), '0'), '.') ELSE CAST(k_nat_drug_course."max_days" AS VARCHAR) END, ''), CAST($p8 AS VARCHAR), coalesce(CAST(k_nat_drug_course."desc" AS VARCHAR), ''), CAST($p9 AS VARCHAR)) AS h_cont, CAST(g.g_t AS DATE) AS h_on, json_object(CAST($p10 AS VARCHAR), g."m_days", CAST($p11 AS VARCHAR), g."m_visits", CAST($p12 AS VARCHAR), k_nat_drug_course."max_days", CAST($p13 AS VARCHAR), k_nat_drug_course."desc") AS h_evidence, g.g_details AS h_details
  FROM g
  
  LEFT JOIN k_nat_drug_course AS k_nat_drug_course ON k_nat_drug_course."med_list_codg" = g.g_1
  WHERE coalesce((coalesce((coalesce((k_nat_drug_course."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((g."m_days" > k_nat_drug_course."max_days"), false)), false)), false)
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
