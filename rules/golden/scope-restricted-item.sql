-- scope-restricted-item v1; params: {"p1":"9","p2":"1","p3":2,"p4":"2","p5":3,"p6":"21","p7":"22","p8":"24","p9":"25","p10":"28","p11":"52","p12":"11","p13":"12","p14":"13","p15":"14","p16":"51","p17":"限定支付范围：","p18":"；本次在 ","p19":" 级机构、医疗类别 ","p20":" 下收费 ","p21":" 个单位，金额 ","p22":" 元","p23":"inst.hosp_lv","p24":"med_type_class","p25":"list.min_hosp_lv","p26":"list.med_type_classes"}
WITH fl AS MATERIALIZED (
  SELECT * FROM fee_line AS fl0 WHERE split_part(fl0."med_list_codg", '-', 1) IN (SELECT "med_list_codg" FROM k_scope_restricted)
),
m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, coalesce(f."inscp_amt", f."det_item_fee_sumamt") AS k_amt,
    r_catalog."name" AS _x0,
    k_scope_restricted."reason" AS _x1,
    r_inst."hosp_lv" AS _x2,
    f."med_type" AS _x3,
    r_inst."hosp_lv" AS _x4,
    f."med_type_class" AS _x5,
    k_scope_restricted."min_hosp_lv" AS _x6,
    k_scope_restricted."med_type_classes" AS _x7
  FROM fl AS f
  LEFT JOIN institution AS r_inst ON r_inst."fixmedins_code" = f."fixmedins_code"
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  LEFT JOIN k_scope_restricted AS k_scope_restricted ON k_scope_restricted."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (f."cnt" < 0 OR ((f."med_type_class" IN (CAST($p6 AS VARCHAR), CAST($p7 AS VARCHAR), CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR), CAST($p14 AS VARCHAR), CAST($p15 AS VARCHAR), CAST($p16 AS VARCHAR))))) AND coalesce((coalesce((coalesce((k_scope_restricted."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((coalesce((coalesce((k_scope_restricted."min_hosp_lv" IS NOT NULL), false) AND coalesce((coalesce((coalesce((r_inst."hosp_lv" = CAST($p1 AS VARCHAR)), false) OR coalesce((coalesce((r_inst."hosp_lv" = CAST($p2 AS VARCHAR)), false) AND coalesce((k_scope_restricted."min_hosp_lv" >= CAST($p3 AS DOUBLE)), false)), false)), false) OR coalesce((coalesce((r_inst."hosp_lv" = CAST($p4 AS VARCHAR)), false) AND coalesce((k_scope_restricted."min_hosp_lv" >= CAST($p5 AS DOUBLE)), false)), false)), false)), false)), false) OR coalesce((coalesce((coalesce((k_scope_restricted."med_type_classes" IS NOT NULL), false) AND coalesce((NOT coalesce(contains(k_scope_restricted."med_type_classes", f."med_type_class"), false)), false)), false)), false)), false)), false)
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, concat(coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p17 AS VARCHAR), coalesce(CAST(any_value(m._x1) AS VARCHAR), ''), CAST($p18 AS VARCHAR), coalesce(CAST(any_value(m._x2) AS VARCHAR), ''), CAST($p19 AS VARCHAR), coalesce(CAST(any_value(m._x3) AS VARCHAR), ''), CAST($p20 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_cnt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_cnt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_cnt) AS VARCHAR) END, ''), CAST($p21 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p22 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p23 AS VARCHAR), any_value(m._x4), CAST($p24 AS VARCHAR), any_value(m._x5), CAST($p25 AS VARCHAR), any_value(m._x6), CAST($p26 AS VARCHAR), any_value(m._x7)) AS h_evidence,
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
