-- nat-main-secondary v1; params: {"p1":0,"p2":0,"p3":0,"p4":0.75,"p5":0.75,"p6":0.5,"p7":" ","p8":"（","p9":" 元）与","p10":"（","p11":" 元）同属一个手术组，均按全价收费，次要手术未折价，按半价估算多收 ","p12":" 元","p13":"a.item","p14":"b.item","p15":"a.amount","p16":"b.amount","p17":"a.pric_uplmt_amt","p18":"b.pric_uplmt_amt","p19":"ma.groups","p20":"mb.groups"}
WITH d AS (
  SELECT f."fixmedins_code" AS d_inst, f."mdtrt_id" AS d_mdtrt, f."med_list_codg" AS d_item, date_trunc('day', f."fee_ocur_time") AS d_slot,
    any_value(f."psn_no") AS d_psn, any_value(f."med_type_class") AS d_class, any_value(d_cat."name") AS d_name, any_value(d_cat."pric_uplmt_amt") AS "d_cat_pric_uplmt_amt",
    sum(f."cnt") AS d_cnt, sum(coalesce(f."inscp_amt", f."det_item_fee_sumamt")) AS d_amt, count(*) FILTER (WHERE f."cnt" > 0) AS d_lines,
    min(f."fee_ocur_time") AS d_t, max(f."fee_ocur_time") FILTER (WHERE f."cnt" > 0) AS d_tmax, min(f."bilg_dr_codg") FILTER (WHERE f."cnt" > 0) AS d_dr
  FROM fee_line AS f
  LEFT JOIN catalog AS d_cat ON d_cat."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND ((split_part(f."med_list_codg", '-', 1) IN (SELECT "med_list_codg" FROM k_nat_main_secondary)) OR (split_part(f."med_list_codg", '-', 1) IN (SELECT "med_list_codg" FROM k_nat_main_secondary)))
  GROUP BY f."fixmedins_code", f."mdtrt_id", f."med_list_codg", date_trunc('day', f."fee_ocur_time")
  HAVING sum(f."cnt") > 0
),
m AS (
  SELECT a.d_inst AS k_inst, a.d_mdtrt AS k_mdtrt, a.d_psn AS k_psn, a.d_item AS k_a, b.d_item AS k_b,
    least(a.d_slot, b.d_slot) AS k_slot, a.d_slot AS k_slot_a, b.d_slot AS k_slot_b,
    least(a.d_t, b.d_t) AS k_t, coalesce(a.d_dr, b.d_dr) AS k_dr, (least(a.d_amt, b.d_amt) * CAST($p6 AS DOUBLE)) AS k_amt,
    CAST(a.d_slot AS DATE) AS _x0,
    k_nat_main_secondary."name" AS _x1,
    a.d_amt AS _x2,
    k_nat_main_secondary_2."name" AS _x3,
    b.d_amt AS _x4,
    a.d_item AS _x5,
    b.d_item AS _x6,
    a.d_amt AS _x7,
    b.d_amt AS _x8,
    a."d_cat_pric_uplmt_amt" AS _x9,
    b."d_cat_pric_uplmt_amt" AS _x10,
    k_nat_main_secondary."groups" AS _x11,
    k_nat_main_secondary_2."groups" AS _x12
  FROM d AS a
  JOIN d AS b ON b.d_inst = a.d_inst AND b.d_mdtrt = a.d_mdtrt AND a.d_item < b.d_item AND b.d_slot = a.d_slot
  
  LEFT JOIN k_nat_main_secondary AS k_nat_main_secondary ON k_nat_main_secondary."med_list_codg" = split_part(a.d_item, '-', 1)
  LEFT JOIN k_nat_main_secondary AS k_nat_main_secondary_2 ON k_nat_main_secondary_2."med_list_codg" = split_part(b.d_item, '-', 1)
  WHERE coalesce((coalesce((coalesce((coalesce((coalesce((coalesce((coalesce((k_nat_main_secondary."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((k_nat_main_secondary_2."med_list_codg" IS NOT NULL), false)), false)), false) AND coalesce((coalesce((len(list_intersect(k_nat_main_secondary."group_ids", k_nat_main_secondary_2."group_ids")) > CAST($p1 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((coalesce((a."d_cat_pric_uplmt_amt" > CAST($p2 AS DOUBLE)), false) AND coalesce((b."d_cat_pric_uplmt_amt" > CAST($p3 AS DOUBLE)), false)), false)), false)), false) AND coalesce((coalesce((a.d_amt >= ((CAST($p4 AS DOUBLE) * a.d_cnt) * a."d_cat_pric_uplmt_amt")), false)), false)), false) AND coalesce((coalesce((b.d_amt >= ((CAST($p5 AS DOUBLE) * b.d_cnt) * b."d_cat_pric_uplmt_amt")), false)), false)), false)
),
h0 AS (
  SELECT row_number() OVER () AS hk, list_distinct(flatten(list([{'item': m.k_a, 'slot': m.k_slot_a}, {'item': m.k_b, 'slot': m.k_slot_b}]))) AS h_keys,
    m.k_inst AS h_inst, any_value(m.k_psn) AS h_psn, m.k_mdtrt AS h_mdtrt, min(m.k_dr) AS h_dr, sum(m.k_amt) AS h_amt,
    concat(coalesce(CAST(any_value(m._x0) AS VARCHAR), ''), CAST($p7 AS VARCHAR), coalesce(CAST(any_value(m._x1) AS VARCHAR), ''), CAST($p8 AS VARCHAR), coalesce(CASE WHEN contains(CAST(any_value(m._x2) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(any_value(m._x2) AS VARCHAR), '0'), '.') ELSE CAST(any_value(m._x2) AS VARCHAR) END, ''), CAST($p9 AS VARCHAR), coalesce(CAST(any_value(m._x3) AS VARCHAR), ''), CAST($p10 AS VARCHAR), coalesce(CASE WHEN contains(CAST(any_value(m._x4) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(any_value(m._x4) AS VARCHAR), '0'), '.') ELSE CAST(any_value(m._x4) AS VARCHAR) END, ''), CAST($p11 AS VARCHAR), coalesce(CASE WHEN contains(CAST(sum(m.k_amt) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(sum(m.k_amt) AS VARCHAR), '0'), '.') ELSE CAST(sum(m.k_amt) AS VARCHAR) END, ''), CAST($p12 AS VARCHAR)) AS h_cont, CAST(min(m.k_t) AS DATE) AS h_on, json_object(CAST($p13 AS VARCHAR), any_value(m._x5), CAST($p14 AS VARCHAR), any_value(m._x6), CAST($p15 AS VARCHAR), any_value(m._x7), CAST($p16 AS VARCHAR), any_value(m._x8), CAST($p17 AS VARCHAR), any_value(m._x9), CAST($p18 AS VARCHAR), any_value(m._x10), CAST($p19 AS VARCHAR), any_value(m._x11), CAST($p20 AS VARCHAR), any_value(m._x12)) AS h_evidence
  FROM m
  GROUP BY m.k_inst, m.k_mdtrt, m.k_a, m.k_b, m.k_slot
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
