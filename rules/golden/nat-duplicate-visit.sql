-- nat-duplicate-visit v1; params: {"p1":"visit","p2":"同一次就诊中（","p3":"、","p4":"）收取","p5":"（","p6":"）与其已包含的","p7":"，金额较小一项 ","p8":" 元","p9":"list.main_codg","p10":"list.sub_codg","p11":"list.per","p12":"list.note"}
WITH d AS (
  SELECT f."fixmedins_code" AS d_inst, f."mdtrt_id" AS d_mdtrt, f."med_list_codg" AS d_item, date_trunc('day', f."fee_ocur_time") AS d_slot,
    any_value(f."psn_no") AS d_psn, any_value(f."med_type_class") AS d_class, any_value(d_cat."name") AS d_name,
    sum(f."cnt") AS d_cnt, sum(coalesce(f."inscp_amt", f."det_item_fee_sumamt")) AS d_amt, count(*) FILTER (WHERE f."cnt" > 0) AS d_lines,
    min(f."fee_ocur_time") AS d_t, max(f."fee_ocur_time") FILTER (WHERE f."cnt" > 0) AS d_tmax, min(f."bilg_dr_codg") FILTER (WHERE f."cnt" > 0) AS d_dr
  FROM fee_line AS f
  LEFT JOIN catalog AS d_cat ON d_cat."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND ((split_part(f."med_list_codg", '-', 1) IN (SELECT "item_a" FROM k_nat_duplicate)) OR (split_part(f."med_list_codg", '-', 1) IN (SELECT "item_b" FROM k_nat_duplicate)))
  GROUP BY f."fixmedins_code", f."mdtrt_id", f."med_list_codg", date_trunc('day', f."fee_ocur_time")
  HAVING sum(f."cnt") > 0
),
m AS (
  SELECT a.d_inst AS k_inst, a.d_mdtrt AS k_mdtrt, a.d_psn AS k_psn, a.d_item AS k_a, b.d_item AS k_b,
    least(a.d_slot, b.d_slot) AS k_slot, a.d_slot AS k_slot_a, b.d_slot AS k_slot_b,
    least(a.d_t, b.d_t) AS k_t, coalesce(a.d_dr, b.d_dr) AS k_dr, least(a.d_amt, b.d_amt) AS k_amt,
    CAST(a.d_slot AS DATE) AS _x0,
    CAST(b.d_slot AS DATE) AS _x1,
    k_nat_duplicate."main_name" AS _x2,
    k_nat_duplicate."note" AS _x3,
    k_nat_duplicate."sub_name" AS _x4,
    k_nat_duplicate."main_codg" AS _x5,
    k_nat_duplicate."sub_codg" AS _x6,
    k_nat_duplicate."per" AS _x7,
    k_nat_duplicate."note" AS _x8
  FROM d AS a
  JOIN d AS b ON b.d_inst = a.d_inst AND b.d_mdtrt = a.d_mdtrt AND a.d_item < b.d_item
  
  LEFT JOIN k_nat_duplicate AS k_nat_duplicate ON k_nat_duplicate."item_a" = split_part(a.d_item, '-', 1) AND k_nat_duplicate."item_b" = split_part(b.d_item, '-', 1)
  WHERE coalesce((coalesce((coalesce((k_nat_duplicate."item_a" IS NOT NULL), false)), false) AND coalesce((coalesce((k_nat_duplicate."per" = CAST($p1 AS VARCHAR)), false)), false)), false)
),
h0 AS (
  SELECT row_number() OVER () AS hk, [{'item': m.k_a, 'slot': CAST(NULL AS TIMESTAMP)}, {'item': m.k_b, 'slot': CAST(NULL AS TIMESTAMP)}] AS h_keys,
    m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) AS h_dr, sum(m.k_amt) AS h_amt,
    concat(CAST($p2 AS VARCHAR), coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p3 AS VARCHAR), coalesce(CAST(any_value(m._x1) AS VARCHAR), ''), CAST($p4 AS VARCHAR), coalesce(CAST(any_value(m._x2) AS VARCHAR), ''), CAST($p5 AS VARCHAR), coalesce(CAST(any_value(m._x3) AS VARCHAR), ''), CAST($p6 AS VARCHAR), coalesce(CAST(any_value(m._x4) AS VARCHAR), ''), CAST($p7 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p8 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p9 AS VARCHAR), any_value(m._x5), CAST($p10 AS VARCHAR), any_value(m._x6), CAST($p11 AS VARCHAR), any_value(m._x7), CAST($p12 AS VARCHAR), any_value(m._x8)) AS h_evidence
  FROM m
  GROUP BY m.k_inst, m.k_mdtrt, m.k_a, m.k_b, CAST(NULL AS TIMESTAMP)
),
hd AS (
  SELECT h0.hk, list({'vola_item_type': 1, 'ref': 'fee:' || f."fixmedins_code" || ':' || f."mdtrt_id" || ':' || f."feedetl_sn", 'amount': CAST(coalesce(f."inscp_amt", f."det_item_fee_sumamt") AS DECIMAL(16,2))}) AS h_details
  FROM h0
  JOIN d ON d.d_inst = h0.h_inst AND d.d_mdtrt = h0.h_mdtrt
    AND len(list_filter(h0.h_keys, k -> k.item = d.d_item AND (k.slot IS NULL OR k.slot = d.d_slot))) > 0
  JOIN fee_line AS f ON f."fixmedins_code" = d.d_inst AND f."mdtrt_id" = d.d_mdtrt AND f."med_list_codg" = d.d_item
    AND (d.d_slot IS NULL OR date_trunc('day', f."fee_ocur_time") = d.d_slot)
  
  WHERE f."cnt" > 0 AND (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true
  GROUP BY h0.hk
),
h AS (
  SELECT h0.* EXCLUDE (hk, h_keys), hd.h_details FROM h0 JOIN hd USING (hk)
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
