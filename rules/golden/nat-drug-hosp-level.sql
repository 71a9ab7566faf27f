-- nat-drug-hosp-level v1; params: {"p1":"1","p2":2,"p3":"1","p4":3,"p5":"1","p6":"2","p7":"首次处方时需由二级及以上医疗机构","p8":3,"p9":"2","p10":"眼科专科医院","p11":"","p12":"眼","p13":"限","p14":"级及以上医疗机构使用，在 ","p15":" 级机构 ","p16":" 收费 ","p17":" 个单位，金额 ","p18":" 元","p19":"inst.hosp_lv","p20":"list.min_hosp_lv","p21":"inst.specialty","p22":"list.desc"}
WITH fl AS MATERIALIZED (
  SELECT * FROM fee_line AS fl0 WHERE fl0."med_list_codg" IN (SELECT "med_list_codg" FROM k_nat_drug_hosp_level)
),
m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, coalesce(f."inscp_amt", f."det_item_fee_sumamt") AS k_amt,
    k_nat_drug_hosp_level."name" AS _x0,
    k_nat_drug_hosp_level."min_hosp_lv" AS _x1,
    r_inst."hosp_lv" AS _x2,
    f."fixmedins_code" AS _x3,
    r_inst."hosp_lv" AS _x4,
    k_nat_drug_hosp_level."min_hosp_lv" AS _x5,
    r_inst."specialty" AS _x6,
    k_nat_drug_hosp_level."desc" AS _x7
  FROM fl AS f
  LEFT JOIN institution AS r_inst ON r_inst."fixmedins_code" = f."fixmedins_code"
  LEFT JOIN k_nat_drug_hosp_level AS k_nat_drug_hosp_level ON k_nat_drug_hosp_level."med_list_codg" = f."med_list_codg"
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND coalesce((coalesce((coalesce((coalesce((coalesce((coalesce((k_nat_drug_hosp_level."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((r_inst."fixmedins_type" = CAST($p1 AS VARCHAR)), false)), false)), false) AND coalesce((coalesce((coalesce((coalesce((k_nat_drug_hosp_level."min_hosp_lv" = CAST($p2 AS DOUBLE)), false) AND coalesce((r_inst."hosp_lv" = CAST($p3 AS VARCHAR)), false)), false) OR coalesce((coalesce((k_nat_drug_hosp_level."min_hosp_lv" = CAST($p4 AS DOUBLE)), false) AND coalesce((r_inst."hosp_lv" IN (CAST($p5 AS VARCHAR), CAST($p6 AS VARCHAR))), false)), false)), false)), false)), false) AND coalesce((NOT coalesce((coalesce(contains(k_nat_drug_hosp_level."desc", CAST($p7 AS VARCHAR)), false)), false)), false)), false) AND coalesce((NOT coalesce((coalesce((coalesce((coalesce((coalesce((k_nat_drug_hosp_level."min_hosp_lv" = CAST($p8 AS DOUBLE)), false) AND coalesce((r_inst."hosp_lv" = CAST($p9 AS VARCHAR)), false)), false) AND coalesce(contains(k_nat_drug_hosp_level."desc", CAST($p10 AS VARCHAR)), false)), false) AND coalesce(contains(coalesce(r_inst."specialty", CAST($p11 AS VARCHAR)), CAST($p12 AS VARCHAR)), false)), false)), false)), false)), false)
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, concat(coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p13 AS VARCHAR), coalesce(CASE WHEN contains(CAST(any_value(m._x1) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(any_value(m._x1) AS VARCHAR), '0'), '.') ELSE CAST(any_value(m._x1) AS VARCHAR) END, ''), CAST($p14 AS VARCHAR), coalesce(CAST(any_value(m._x2) AS VARCHAR), ''), CAST($p15 AS VARCHAR), coalesce(CAST(any_value(m._x3) AS VARCHAR), ''), CAST($p16 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_cnt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_cnt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_cnt) AS VARCHAR) END, ''), CAST($p17 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p18 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p19 AS VARCHAR), any_value(m._x4), CAST($p20 AS VARCHAR), any_value(m._x5), CAST($p21 AS VARCHAR), any_value(m._x6), CAST($p22 AS VARCHAR), any_value(m._x7)) AS h_evidence,
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
