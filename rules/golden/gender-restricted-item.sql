-- gender-restricted-item v1; params: {"p1":"1","p2":"2","p3":"21","p4":"22","p5":"24","p6":"25","p7":"28","p8":"52","p9":"11","p10":"12","p11":"13","p12":"14","p13":"51","p14":"41","p15":"限","p16":"性使用的","p17":"向另一性别（性别代码 ","p18":"）的参保人收费 ","p19":" 个单位，金额 ","p20":" 元","p21":"person.gend","p22":"list.gend","p23":"list.reason"}
WITH fl AS MATERIALIZED (
  SELECT * FROM fee_line AS fl0 WHERE split_part(fl0."med_list_codg", '-', 1) IN (SELECT "med_list_codg" FROM k_gender_restricted)
),
m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, coalesce(f."inscp_amt", f."det_item_fee_sumamt") AS k_amt,
    k_gender_restricted."gend_zh" AS _x0,
    r_catalog."name" AS _x1,
    r_person."gend" AS _x2,
    r_person."gend" AS _x3,
    k_gender_restricted."gend" AS _x4,
    k_gender_restricted."reason" AS _x5
  FROM fl AS f
  LEFT JOIN insured AS r_person ON r_person."psn_no" = f."psn_no"
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  LEFT JOIN k_gender_restricted AS k_gender_restricted ON k_gender_restricted."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (f."cnt" < 0 OR ((f."med_type_class" IN (CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR), CAST($p6 AS VARCHAR), CAST($p7 AS VARCHAR), CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR), CAST($p14 AS VARCHAR))))) AND coalesce((coalesce((coalesce((coalesce((k_gender_restricted."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((r_person."gend" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR))), false)), false)), false) AND coalesce((coalesce((r_person."gend" IS DISTINCT FROM k_gender_restricted."gend"), false)), false)), false)
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, concat(CAST($p15 AS VARCHAR), coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p16 AS VARCHAR), coalesce(CAST(any_value(m._x1) AS VARCHAR), ''), CAST($p17 AS VARCHAR), coalesce(CAST(any_value(m._x2) AS VARCHAR), ''), CAST($p18 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_cnt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_cnt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_cnt) AS VARCHAR) END, ''), CAST($p19 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p20 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p21 AS VARCHAR), any_value(m._x3), CAST($p22 AS VARCHAR), any_value(m._x4), CAST($p23 AS VARCHAR), any_value(m._x5)) AS h_evidence,
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
