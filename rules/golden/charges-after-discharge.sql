-- charges-after-discharge v1; params: {"p1":"21","p2":"22","p3":"24","p4":"25","p5":"28","p6":"52","p7":" 收取","p8":" ","p9":" 个单位、金额 ","p10":" 元，晚于出院时间 ","p11":"visit.endtime"}
WITH m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, coalesce(f."inscp_amt", f."det_item_fee_sumamt") AS k_amt,
    CAST(f."fee_ocur_time" AS DATE) AS _x0,
    r_catalog."name" AS _x1,
    r_visit."endtime" AS _x2,
    r_visit."endtime" AS _x3
  FROM fee_line AS f
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  LEFT JOIN visit AS r_visit ON r_visit."fixmedins_code" = f."fixmedins_code" AND r_visit."mdtrt_id" = f."mdtrt_id"
  
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (f."cnt" < 0 OR ((f."med_type_class" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR), CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR), CAST($p6 AS VARCHAR))))) AND coalesce((coalesce((coalesce((r_visit."endtime" IS NOT NULL), false)), false) AND coalesce((coalesce((CAST(f."fee_ocur_time" AS DATE) > CAST(r_visit."endtime" AS DATE)), false)), false)), false)
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, concat(coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p7 AS VARCHAR), coalesce(CAST(any_value(m._x1) AS VARCHAR), ''), CAST($p8 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_cnt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_cnt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_cnt) AS VARCHAR) END, ''), CAST($p9 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p10 AS VARCHAR), coalesce(strftime(any_value(m._x2), '%Y-%m-%d %H:%M'), '')) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p11 AS VARCHAR), any_value(m._x3)) AS h_evidence,
    list({'vola_item_type': 1, 'ref': 'fee:' || m.k_inst || ':' || m.k_mdtrt || ':' || m.k_sn, 'amount': CAST(m.k_amt AS DECIMAL(16,2))}) FILTER (WHERE m.k_cnt > 0) AS h_details
  FROM m
  GROUP BY m.k_inst, m.k_mdtrt, m.k_item
  HAVING sum(m.k_cnt) > 0
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
