-- nat-service-gender v1; params: {"p1":"1","p2":"2","p3":"限","p4":"性的项目","p5":"（","p6":"）向另一性别（性别代码 ","p7":"）的参保人收费 ","p8":" 次，金额 ","p9":" 元","p10":"person.gend","p11":"list.gend","p12":"list.desc"}
WITH fl AS MATERIALIZED (
  SELECT * FROM fee_line AS fl0 WHERE split_part(fl0."med_list_codg", '-', 1) IN (SELECT "med_list_codg" FROM k_nat_service_gender)
),
m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, coalesce(f."inscp_amt", f."det_item_fee_sumamt") AS k_amt,
    k_nat_service_gender."gend_zh" AS _x0,
    k_nat_service_gender."name" AS _x1,
    k_nat_service_gender."desc" AS _x2,
    r_person."gend" AS _x3,
    r_person."gend" AS _x4,
    k_nat_service_gender."gend" AS _x5,
    k_nat_service_gender."desc" AS _x6
  FROM fl AS f
  LEFT JOIN insured AS r_person ON r_person."psn_no" = f."psn_no"
  LEFT JOIN k_nat_service_gender AS k_nat_service_gender ON k_nat_service_gender."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND coalesce((coalesce((coalesce((coalesce((k_nat_service_gender."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((r_person."gend" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR))), false)), false)), false) AND coalesce((coalesce((r_person."gend" IS DISTINCT FROM k_nat_service_gender."gend"), false)), false)), false)
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, concat(CAST($p3 AS VARCHAR), coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p4 AS VARCHAR), coalesce(CAST(any_value(m._x1) AS VARCHAR), ''), CAST($p5 AS VARCHAR), coalesce(CAST(any_value(m._x2) AS VARCHAR), ''), CAST($p6 AS VARCHAR), coalesce(CAST(any_value(m._x3) AS VARCHAR), ''), CAST($p7 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_cnt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_cnt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_cnt) AS VARCHAR) END, ''), CAST($p8 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p9 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p10 AS VARCHAR), any_value(m._x4), CAST($p11 AS VARCHAR), any_value(m._x5), CAST($p12 AS VARCHAR), any_value(m._x6)) AS h_evidence,
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
