-- billed-never-purchased v1; params: {"p1":"41","p2":0,"p3":0,"p4":0,"p5":"医保结算 ","p6":" 个单位（","p7":" 次购药，","p8":" 元），本店进销存中无任何采购入库或盘存记录","p9":"billed","p10":"visits","p11":"stock.purchased","p12":"stock.opening","p13":"stock.sold"}
WITH g AS (
  SELECT src."fixmedins_code" AS g_0, src."med_list_codg" AS g_1, coalesce(sum(src."cnt"), 0) AS "m_billed", coalesce(sum(src."det_item_fee_sumamt"), 0) AS "m_amt", coalesce(len(list_distinct(list(src."mdtrt_id"))), 0) AS "m_visits", min(src."fee_ocur_time") AS g_t,
    list({'vola_item_type': 1, 'ref': 'fee:' || src."fixmedins_code" || ':' || src."mdtrt_id" || ':' || src."feedetl_sn", 'amount': CAST(NULL AS DECIMAL(16,2))}) AS g_details
  FROM fee_line AS src
  
  WHERE (CAST($since AS DATE) IS NULL OR src."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR src."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (src."med_type_class" IN (CAST($p1 AS VARCHAR)))
  GROUP BY ALL
),
h AS (
  SELECT g.g_0 AS h_inst, '' AS h_psn, '' AS h_mdtrt, '' AS h_dr, g."m_amt" AS h_amt,
    concat(coalesce(CAST(r_catalog."name" AS VARCHAR), ''), CAST($p5 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_billed" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_billed" AS VARCHAR), '0'), '.') ELSE CAST(g."m_billed" AS VARCHAR) END, ''), CAST($p6 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_visits" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_visits" AS VARCHAR), '0'), '.') ELSE CAST(g."m_visits" AS VARCHAR) END, ''), CAST($p7 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_amt" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_amt" AS VARCHAR), '0'), '.') ELSE CAST(g."m_amt" AS VARCHAR) END, ''), CAST($p8 AS VARCHAR)) AS h_cont, CAST(g.g_t AS DATE) AS h_on, json_object(CAST($p9 AS VARCHAR), g."m_billed", CAST($p10 AS VARCHAR), g."m_visits", CAST($p11 AS VARCHAR), coalesce(r_stock."purchased", 0), CAST($p12 AS VARCHAR), coalesce(r_stock."opening", 0), CAST($p13 AS VARCHAR), coalesce(r_stock."sold", 0)) AS h_evidence, g.g_details AS h_details
  FROM g
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(g.g_1, '-', 1)
  LEFT JOIN (SELECT "fixmedins_code" AS s_inst, "med_list_codg" AS s_item, sum("purc_retn_cnt") FILTER (WHERE "infno" = '3503') AS "purchased", sum("purc_retn_cnt") FILTER (WHERE "infno" = '3504') AS "purchase_returned", arg_min("inv_cnt", "invdate") FILTER (WHERE "infno" = '3501') AS "opening", sum("sel_retn_cnt") FILTER (WHERE "infno" = '3505') AS "sold", sum("sel_retn_cnt") FILTER (WHERE "infno" = '3506') AS "sale_returned", sum("cnt") FILTER (WHERE "infno" = '3502') AS "changed", count(*) AS "lines" FROM psi_line WHERE NOT "deleted" GROUP BY ALL) AS r_stock ON r_stock.s_inst = g.g_0 AND r_stock.s_item = split_part(g.g_1, '-', 1)
  LEFT JOIN (SELECT "fixmedins_code" AS s_inst, count(*) AS inst_lines FROM psi_line WHERE NOT "deleted" GROUP BY ALL) AS r_psi ON r_psi.s_inst = g.g_0
  
  WHERE coalesce((coalesce((coalesce((coalesce((coalesce(r_psi.inst_lines, 0) > CAST($p2 AS DOUBLE)), false)), false) AND coalesce((coalesce(((coalesce(r_stock."purchased", 0) + coalesce(r_stock."opening", 0)) = CAST($p3 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((g."m_billed" > CAST($p4 AS DOUBLE)), false)), false)), false)
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
