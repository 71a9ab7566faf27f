-- inventory-sold-beyond-stock v1; params: {"p1":"3505","p2":"3506","p3":"3503","p4":"3504","p5":"3502","p6":"3501","p7":"3505","p8":0,"p9":"净销售 ","p10":" 个单位，期初库存 ","p11":"、净采购 ","p12":" 、库存变更 ","p13":"，超出可售库存","p14":"sold","p15":"returned","p16":"opening","p17":"bought","p18":"purchase_returned","p19":"changed"}
WITH g AS (
  SELECT src."fixmedins_code" AS g_0, src."med_list_codg" AS g_1, coalesce(sum(src."sel_retn_cnt") FILTER (WHERE coalesce((src."infno" = CAST($p1 AS VARCHAR)), false)), 0) AS "m_sold", coalesce(sum(src."sel_retn_cnt") FILTER (WHERE coalesce((src."infno" = CAST($p2 AS VARCHAR)), false)), 0) AS "m_returned", coalesce(sum(src."purc_retn_cnt") FILTER (WHERE coalesce((src."infno" = CAST($p3 AS VARCHAR)), false)), 0) AS "m_bought", coalesce(sum(src."purc_retn_cnt") FILTER (WHERE coalesce((src."infno" = CAST($p4 AS VARCHAR)), false)), 0) AS "m_purchase_returned", coalesce(sum(src."cnt") FILTER (WHERE coalesce((src."infno" = CAST($p5 AS VARCHAR)), false)), 0) AS "m_changed", arg_min(src."inv_cnt", src."invdate") FILTER (WHERE coalesce((src."infno" = CAST($p6 AS VARCHAR)), false)) AS "m_opening", min(coalesce(src."sel_retn_time", src."purc_retn_stoin_time", src."inv_chg_time", CAST(src."invdate" AS TIMESTAMP))) AS g_t,
    list({'vola_item_type': 1, 'ref': 'psi:' || src."fixmedins_code" || ':' || CAST(src."kind" AS VARCHAR) || ':' || src."fixmedins_bchno", 'amount': CAST(NULL AS DECIMAL(16,2))}) FILTER (WHERE coalesce((src."infno" = CAST($p7 AS VARCHAR)), false)) AS g_details
  FROM psi_line AS src
  
  WHERE NOT src."deleted" AND (CAST($since AS DATE) IS NULL OR coalesce(src."sel_retn_time", src."purc_retn_stoin_time", src."inv_chg_time", CAST(src."invdate" AS TIMESTAMP)) >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR coalesce(src."sel_retn_time", src."purc_retn_stoin_time", src."inv_chg_time", CAST(src."invdate" AS TIMESTAMP)) < CAST($until AS DATE) + INTERVAL 1 DAY) AND true
  GROUP BY ALL
),
h AS (
  SELECT g.g_0 AS h_inst, '' AS h_psn, '' AS h_mdtrt, '' AS h_dr, 0 AS h_amt,
    concat(coalesce(CAST(r_catalog."name" AS VARCHAR), ''), CAST($p9 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_sold" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_sold" AS VARCHAR), '0'), '.') ELSE CAST(g."m_sold" AS VARCHAR) END, ''), CAST($p10 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_opening" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_opening" AS VARCHAR), '0'), '.') ELSE CAST(g."m_opening" AS VARCHAR) END, ''), CAST($p11 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_bought" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_bought" AS VARCHAR), '0'), '.') ELSE CAST(g."m_bought" AS VARCHAR) END, ''), CAST($p12 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_changed" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_changed" AS VARCHAR), '0'), '.') ELSE CAST(g."m_changed" AS VARCHAR) END, ''), CAST($p13 AS VARCHAR)) AS h_cont, CAST(g.g_t AS DATE) AS h_on, json_object(CAST($p14 AS VARCHAR), g."m_sold", CAST($p15 AS VARCHAR), g."m_returned", CAST($p16 AS VARCHAR), g."m_opening", CAST($p17 AS VARCHAR), g."m_bought", CAST($p18 AS VARCHAR), g."m_purchase_returned", CAST($p19 AS VARCHAR), g."m_changed") AS h_evidence, g.g_details AS h_details
  FROM g
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(g.g_1, '-', 1)
  
  WHERE coalesce((coalesce(((g."m_sold" - g."m_returned") > (((coalesce(g."m_opening", CAST($p8 AS DOUBLE)) + g."m_bought") - g."m_purchase_returned") + g."m_changed")), false)), false)
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
