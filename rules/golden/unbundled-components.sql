-- unbundled-components v1; params: {"p1":"day","p2":"visit","p3":" 分别收取","p4":"的组成项目","p5":"等 ","p6":" 项以上而未按组合项目收费，本项金额 ","p7":" 元","p8":"list.bundle","p9":"list.min_components","p10":"list.scope"}
WITH fl AS MATERIALIZED (
  SELECT * FROM fee_line AS fl0 WHERE split_part(fl0."med_list_codg", '-', 1) IN (SELECT "component" FROM k_bundles)
),
m AS (
  SELECT DISTINCT ON (f."fixmedins_code", f."mdtrt_id", f."feedetl_sn")
    f."fixmedins_code" AS k_inst, f."mdtrt_id" AS k_mdtrt, f."psn_no" AS k_psn, f."med_list_codg" AS k_item, f."feedetl_sn" AS k_sn,
    f."cnt" AS k_cnt, f."bilg_dr_codg" AS k_dr, f."fee_ocur_time" AS k_t, coalesce(f."inscp_amt", f."det_item_fee_sumamt") AS k_amt,
    CAST(f."fee_ocur_time" AS DATE) AS _x0,
    k_bundles."bundle_name" AS _x1,
    r_catalog."name" AS _x2,
    k_bundles."min_components" AS _x3,
    k_bundles."bundle" AS _x4,
    k_bundles."min_components" AS _x5,
    k_bundles."scope" AS _x6
  FROM fl AS f
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  LEFT JOIN (SELECT i_inst, i_mdtrt, list(i_item) AS items FROM (
          SELECT "fixmedins_code" AS i_inst, "mdtrt_id" AS i_mdtrt, split_part("med_list_codg", '-', 1) AS i_item
          FROM fee_line GROUP BY ALL HAVING sum("cnt") > 0) GROUP BY ALL) AS r_vitems ON r_vitems.i_inst = f."fixmedins_code" AND r_vitems.i_mdtrt = f."mdtrt_id"
  LEFT JOIN (SELECT i_inst, i_mdtrt, i_day, list(i_item) AS items FROM (
          SELECT "fixmedins_code" AS i_inst, "mdtrt_id" AS i_mdtrt, CAST("fee_ocur_time" AS DATE) AS i_day, split_part("med_list_codg", '-', 1) AS i_item
          FROM fee_line GROUP BY ALL HAVING sum("cnt") > 0) GROUP BY ALL) AS r_ditems ON r_ditems.i_inst = f."fixmedins_code" AND r_ditems.i_mdtrt = f."mdtrt_id" AND r_ditems.i_day = CAST(f."fee_ocur_time" AS DATE)
  LEFT JOIN k_bundles AS k_bundles ON k_bundles."component" = split_part(f."med_list_codg", '-', 1)
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND coalesce((coalesce((coalesce((k_bundles."component" IS NOT NULL), false)), false) AND coalesce((coalesce((coalesce((coalesce((coalesce((k_bundles."scope" = CAST($p1 AS VARCHAR)), false) AND coalesce((len(list_intersect(coalesce(r_ditems.items, []), k_bundles."components")) >= k_bundles."min_components"), false)), false) AND coalesce((NOT coalesce(list_contains(coalesce(r_ditems.items, []), k_bundles."bundle"), false)), false)), false)), false) OR coalesce((coalesce((coalesce((coalesce((k_bundles."scope" = CAST($p2 AS VARCHAR)), false) AND coalesce((len(list_intersect(coalesce(r_vitems.items, []), k_bundles."components")) >= k_bundles."min_components"), false)), false) AND coalesce((NOT coalesce(list_contains(coalesce(r_vitems.items, []), k_bundles."bundle"), false)), false)), false)), false)), false)), false)
),
h AS (
  SELECT m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) FILTER (WHERE m.k_cnt > 0) AS h_dr,
    sum(m.k_amt) AS h_amt, concat(coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p3 AS VARCHAR), coalesce(CAST(any_value(m._x1) AS VARCHAR), ''), CAST($p4 AS VARCHAR), coalesce(CAST(any_value(m._x2) AS VARCHAR), ''), CAST($p5 AS VARCHAR), coalesce(CASE WHEN contains(CAST(any_value(m._x3) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(any_value(m._x3) AS VARCHAR), '0'), '.') ELSE CAST(any_value(m._x3) AS VARCHAR) END, ''), CAST($p6 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p7 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p8 AS VARCHAR), any_value(m._x4), CAST($p9 AS VARCHAR), any_value(m._x5), CAST($p10 AS VARCHAR), any_value(m._x6)) AS h_evidence,
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
