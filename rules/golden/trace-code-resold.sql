-- trace-code-resold v1; params: {"p1":"psi_line","p2":"3505","p3":"psi_line","p4":"3506","p5":"fee_line","p6":"fee_line","p7":"1","p8":1,"p9":1,"p10":0,"p11":"追溯码 ","p12":" 在本机构售出 ","p13":" 次、退货 ","p14":" 次，结算 ","p15":" 次、冲销 ","p16":" 次：同一盒药品重复销售","p17":"sold","p18":"returned","p19":"billed","p20":"reversed"}
WITH g AS (
  SELECT src."drug_trac_codg" AS g_0, src."fixmedins_code" AS g_1, count(*) FILTER (WHERE coalesce((coalesce((src."line_table" = CAST($p1 AS VARCHAR)), false) AND coalesce((src."infno" = CAST($p2 AS VARCHAR)), false)), false)) AS "m_sold", count(*) FILTER (WHERE coalesce((coalesce((src."line_table" = CAST($p3 AS VARCHAR)), false) AND coalesce((src."infno" = CAST($p4 AS VARCHAR)), false)), false)) AS "m_returned", count(*) FILTER (WHERE coalesce((coalesce((src."line_table" = CAST($p5 AS VARCHAR)), false) AND coalesce((NOT coalesce(src."is_return", false)), false)), false)) AS "m_billed", count(*) FILTER (WHERE coalesce((coalesce((src."line_table" = CAST($p6 AS VARCHAR)), false) AND coalesce(src."is_return", false)), false)) AS "m_reversed", count(*) FILTER (WHERE coalesce((src."trdn_flag" = CAST($p7 AS VARCHAR)), false)) AS "m_split", min(src."event_time") AS g_t,
    list({'vola_item_type': 1, 'ref': src."ref", 'amount': CAST(NULL AS DECIMAL(16,2))}) AS g_details
  FROM trace_code AS src
  
  WHERE (CAST($since AS DATE) IS NULL OR src."event_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR src."event_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND true
  GROUP BY ALL
),
h AS (
  SELECT g.g_1 AS h_inst, '' AS h_psn, '' AS h_mdtrt, '' AS h_dr, 0 AS h_amt,
    concat(CAST($p11 AS VARCHAR), coalesce(CAST(g.g_0 AS VARCHAR), ''), CAST($p12 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_sold" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_sold" AS VARCHAR), '0'), '.') ELSE CAST(g."m_sold" AS VARCHAR) END, ''), CAST($p13 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_returned" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_returned" AS VARCHAR), '0'), '.') ELSE CAST(g."m_returned" AS VARCHAR) END, ''), CAST($p14 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_billed" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_billed" AS VARCHAR), '0'), '.') ELSE CAST(g."m_billed" AS VARCHAR) END, ''), CAST($p15 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_reversed" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_reversed" AS VARCHAR), '0'), '.') ELSE CAST(g."m_reversed" AS VARCHAR) END, ''), CAST($p16 AS VARCHAR)) AS h_cont, CAST(g.g_t AS DATE) AS h_on, json_object(CAST($p17 AS VARCHAR), g."m_sold", CAST($p18 AS VARCHAR), g."m_returned", CAST($p19 AS VARCHAR), g."m_billed", CAST($p20 AS VARCHAR), g."m_reversed") AS h_evidence, list_concat([{'vola_item_type': 1, 'ref': 'trace:' || g.g_0, 'amount': CAST(NULL AS DECIMAL(16,2))}], g.g_details) AS h_details
  FROM g
  
  
  WHERE coalesce((coalesce((coalesce((coalesce(((g."m_sold" - g."m_returned") > CAST($p8 AS DOUBLE)), false) OR coalesce(((g."m_billed" - g."m_reversed") > CAST($p9 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((g."m_split" = CAST($p10 AS DOUBLE)), false)), false)), false)
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
