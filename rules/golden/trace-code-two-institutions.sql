-- trace-code-two-institutions v1; params: {"p1":"fee_line","p2":"3505","p3":"1","p4":1,"p5":0,"p6":0,"p7":"追溯码 ","p8":" 在 ","p9":" 家机构售出且无退货记录：同一盒药品多处销售","p10":"places","p11":"returned"}
WITH g AS (
  SELECT src."drug_trac_codg" AS g_0, coalesce(len(list_distinct(list(src."fixmedins_code") FILTER (WHERE coalesce((coalesce((NOT coalesce(src."is_return", false)), false) AND coalesce((coalesce((src."line_table" = CAST($p1 AS VARCHAR)), false) OR coalesce((src."infno" = CAST($p2 AS VARCHAR)), false)), false)), false)))), 0) AS "m_places", count(*) FILTER (WHERE coalesce(src."is_return", false)) AS "m_returned", count(*) FILTER (WHERE coalesce((src."trdn_flag" = CAST($p3 AS VARCHAR)), false)) AS "m_split", min(src."event_time") AS g_t,
    list({'vola_item_type': 1, 'ref': src."ref", 'amount': CAST(NULL AS DECIMAL(16,2))}) AS g_details
  FROM trace_code AS src
  
  WHERE (CAST($since AS DATE) IS NULL OR src."event_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR src."event_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true
  GROUP BY ALL
),
h AS (
  SELECT '' AS h_inst, '' AS h_psn, '' AS h_mdtrt, '' AS h_dr, 0 AS h_amt,
    concat(CAST($p7 AS VARCHAR), coalesce(CAST(g.g_0 AS VARCHAR), ''), CAST($p8 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_places" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_places" AS VARCHAR), '0'), '.') ELSE CAST(g."m_places" AS VARCHAR) END, ''), CAST($p9 AS VARCHAR)) AS h_cont, CAST(g.g_t AS DATE) AS h_on, json_object(CAST($p10 AS VARCHAR), g."m_places", CAST($p11 AS VARCHAR), g."m_returned") AS h_evidence, list_concat([{'vola_item_type': 1, 'ref': 'trace:' || g.g_0, 'amount': CAST(NULL AS DECIMAL(16,2))}], g.g_details) AS h_details
  FROM g
  
  
  WHERE coalesce((coalesce((coalesce((coalesce((g."m_places" > CAST($p4 AS DOUBLE)), false)), false) AND coalesce((coalesce((g."m_returned" = CAST($p5 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((g."m_split" = CAST($p6 AS DOUBLE)), false)), false)), false)
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
