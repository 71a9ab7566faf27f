-- over-price v1; params: {"p1":"单价 ","p2":" 元，超过限价 ","p3":" 元，","p4":" 个单位共多收 ","p5":" 元","p6":"pric","p7":"catalog.pric_uplmt_amt","p8":"cnt"}
WITH m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, ((f."pric" - r_catalog."pric_uplmt_amt") * f."cnt") AS k_amt,
    r_catalog."name" AS _x0,
    f."pric" AS _x1,
    r_catalog."pric_uplmt_amt" AS _x2,
    f."pric" AS _x3,
    r_catalog."pric_uplmt_amt" AS _x4,
    f."cnt" AS _x5
  FROM fee_line AS f
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND coalesce((coalesce((coalesce((r_catalog."pric_uplmt_amt" IS NOT NULL), false)), false) AND coalesce((coalesce((f."pric" > r_catalog."pric_uplmt_amt"), false)), false)), false)
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, concat(coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p1 AS VARCHAR), coalesce(CASE WHEN contains(CAST(any_value(m._x1) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(any_value(m._x1) AS VARCHAR), '0'), '.') ELSE CAST(any_value(m._x1) AS VARCHAR) END, ''), CAST($p2 AS VARCHAR), coalesce(CASE WHEN contains(CAST(any_value(m._x2) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(any_value(m._x2) AS VARCHAR), '0'), '.') ELSE CAST(any_value(m._x2) AS VARCHAR) END, ''), CAST($p3 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_cnt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_cnt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_cnt) AS VARCHAR) END, ''), CAST($p4 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p5 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p6 AS VARCHAR), any_value(m._x3), CAST($p7 AS VARCHAR), any_value(m._x4), CAST($p8 AS VARCHAR), any_value(m._x5)) AS h_evidence,
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
