-- nat-frequency v1; params: {"p1":" ","p2":"收取 ","p3":" 个计价单位（金额 ","p4":" 元），超过每日 ","p5":" 个的限定；违规金额按超出的单位计","p6":"quantity","p7":"list.max_cnt","p8":"list.unit"}
WITH d AS (
  SELECT f."fixmedins_code" AS d_inst, f."mdtrt_id" AS d_mdtrt, f."med_list_codg" AS d_item, date_trunc('day', f."fee_ocur_time") AS d_slot,
    any_value(f."psn_no") AS d_psn, any_value(f."med_type_class") AS d_class, any_value(d_cat."name") AS d_name,
    sum(f."cnt") AS d_cnt, sum(coalesce(f."inscp_amt", f."det_item_fee_sumamt")) AS d_amt, count(*) FILTER (WHERE f."cnt" > 0) AS d_lines,
    min(f."fee_ocur_time") AS d_t, max(f."fee_ocur_time") FILTER (WHERE f."cnt" > 0) AS d_tmax, min(f."bilg_dr_codg") FILTER (WHERE f."cnt" > 0) AS d_dr
  FROM fee_line AS f
  LEFT JOIN catalog AS d_cat ON d_cat."med_list_codg" = split_part(f."med_list_codg", '-', 1)
  
  WHERE (CAST($since AS DATE) IS NULL OR f."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR f."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true AND split_part(f."med_list_codg", '-', 1) IN (SELECT "med_list_codg" FROM k_nat_frequency)
  GROUP BY f."fixmedins_code", f."mdtrt_id", f."med_list_codg", date_trunc('day', f."fee_ocur_time")
  HAVING sum(f."cnt") > 0
),
h0 AS (
  SELECT row_number() OVER () AS hk, [{'item': d.d_item, 'slot': d.d_slot}] AS h_keys,
    d.d_inst AS h_inst, d.d_psn AS h_psn, d.d_mdtrt AS h_mdtrt, d.d_dr AS h_dr, ((d.d_amt * (d.d_cnt - k_nat_frequency."max_cnt")) / nullif(d.d_cnt, 0)) AS h_amt, concat(coalesce(CAST(CAST(d.d_slot AS DATE) AS VARCHAR), ''), CAST($p1 AS VARCHAR), coalesce(CAST(k_nat_frequency."name" AS VARCHAR), ''), CAST($p2 AS VARCHAR), coalesce(CASE WHEN contains(CAST(d.d_cnt AS VARCHAR), '.') THEN rtrim(rtrim(CAST(d.d_cnt AS VARCHAR), '0'), '.') ELSE CAST(d.d_cnt AS VARCHAR) END, ''), CAST($p3 AS VARCHAR), coalesce(CASE WHEN contains(CAST(d.d_amt AS VARCHAR), '.') THEN rtrim(rtrim(CAST(d.d_amt AS VARCHAR), '0'), '.') ELSE CAST(d.d_amt AS VARCHAR) END, ''), CAST($p4 AS VARCHAR), coalesce(CASE WHEN contains(CAST(k_nat_frequency."max_cnt" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(k_nat_frequency."max_cnt" AS VARCHAR), '0'), '.') ELSE CAST(k_nat_frequency."max_cnt" AS VARCHAR) END, ''), CAST($p5 AS VARCHAR)) AS h_cont,
    CAST(d.d_t AS DATE) AS h_on, json_object(CAST($p6 AS VARCHAR), d.d_cnt, CAST($p7 AS VARCHAR), k_nat_frequency."max_cnt", CAST($p8 AS VARCHAR), k_nat_frequency."unit") AS h_evidence
  FROM d
  
  LEFT JOIN k_nat_frequency AS k_nat_frequency ON k_nat_frequency."med_list_codg" = split_part(d.d_item, '-', 1)
  WHERE coalesce((coalesce((coalesce((k_nat_frequency."med_list_codg" IS NOT NULL), false)), false) AND coalesce((coalesce((d.d_cnt > k_nat_frequency."max_cnt"), false)), false)), false)
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
