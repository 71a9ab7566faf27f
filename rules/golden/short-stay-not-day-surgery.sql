-- short-stay-not-day-surgery v2; params: {"p1":"21","p2":"22","p3":"24","p4":"25","p5":"52","p6":"1","p7":"9","p8":"28","p9":"Z51.0","p10":"Z51.1","p11":24,"p12":0,"p13":"住院 ","p14":1,"p15":" 小时即医嘱出院，未按日间手术办理","p16":"hours"}
WITH g AS (
  SELECT src."fixmedins_code" AS g_0, src."mdtrt_id" AS g_1, src."psn_no" AS g_2, max(((epoch(CAST(src."endtime" AS TIMESTAMP)) - epoch(CAST(src."begntime" AS TIMESTAMP))) / 3600.0)) AS "m_hours", count(*) FILTER (WHERE coalesce((coalesce((coalesce((src."dscg_way" IN (CAST($p6 AS VARCHAR), CAST($p7 AS VARCHAR))), false) AND coalesce((src."med_type" IS DISTINCT FROM CAST($p8 AS VARCHAR)), false)), false) AND coalesce((left(coalesce(src."dscg_maindiag_code", src."dise_codg"), 5) IS NULL OR left(coalesce(src."dscg_maindiag_code", src."dise_codg"), 5) NOT IN (CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR))), false)), false)) AS "m_ordinary", min(src."begntime") AS g_t,
    list({'vola_item_type': 1, 'ref': 'visit:' || src."fixmedins_code" || ':' || src."mdtrt_id", 'amount': CAST(NULL AS DECIMAL(16,2))}) AS g_details
  FROM visit AS src
  
  WHERE (CAST($since AS DATE) IS NULL OR src."begntime" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR src."begntime" < CAST($until AS DATE) + INTERVAL 1 DAY) AND src."med_type_class" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR), CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR))
  GROUP BY ALL
),
h AS (
  SELECT g.g_0 AS h_inst, g.g_2 AS h_psn, g.g_1 AS h_mdtrt, '' AS h_dr, 0 AS h_amt,
    concat(CAST($p13 AS VARCHAR), coalesce(CASE WHEN contains(CAST(round(g."m_hours", CAST(CAST($p14 AS DOUBLE) AS INTEGER)) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(round(g."m_hours", CAST(CAST($p14 AS DOUBLE) AS INTEGER)) AS VARCHAR), '0'), '.') ELSE CAST(round(g."m_hours", CAST(CAST($p14 AS DOUBLE) AS INTEGER)) AS VARCHAR) END, ''), CAST($p15 AS VARCHAR)) AS h_cont, CAST(g.g_t AS DATE) AS h_on, json_object(CAST($p16 AS VARCHAR), g."m_hours") AS h_evidence, g.g_details AS h_details
  FROM g
  
  
  WHERE coalesce((coalesce((coalesce((g."m_hours" < CAST($p11 AS DOUBLE)), false)), false) AND coalesce((g."m_ordinary" > CAST($p12 AS DOUBLE)), false)), false)
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
