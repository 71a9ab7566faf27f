-- bed-only-days v1; params: {"p1":"21","p2":"22","p3":"24","p4":"25","p5":"28","p6":"52","p7":0,"p8":0,"p9":"01","p10":"02","p11":"07","p12":"01","p13":"02","p14":"07","p15":"01","p16":"02","p17":"07","p18":2,"p19":"住院收费 ","p20":" 天中有 ","p21":" 天只收床位、护理、诊查费，无任何诊疗、药品或检查，床位护理诊查费合计 ","p22":" 元","p23":"days","p24":"care_days"}
WITH g AS (
  SELECT src."fixmedins_code" AS g_0, src."mdtrt_id" AS g_1, src."psn_no" AS g_2, coalesce(len(list_distinct(list(CAST(src."fee_ocur_time" AS DATE)) FILTER (WHERE coalesce((src."cnt" > CAST($p7 AS DOUBLE)), false)))), 0) AS "m_days", coalesce(len(list_distinct(list(CAST(src."fee_ocur_time" AS DATE)) FILTER (WHERE coalesce((coalesce((src."cnt" > CAST($p8 AS DOUBLE)), false) AND coalesce((r_catalog."med_chrgitm_type" IS NULL OR r_catalog."med_chrgitm_type" NOT IN (CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR))), false)), false)))), 0) AS "m_care_days", coalesce(sum(coalesce(src."inscp_amt", src."det_item_fee_sumamt")) FILTER (WHERE coalesce((r_catalog."med_chrgitm_type" IN (CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR), CAST($p14 AS VARCHAR))), false)), 0) AS "m_bed_amt", min(src."fee_ocur_time") AS g_t,
    list({'vola_item_type': 1, 'ref': 'fee:' || src."fixmedins_code" || ':' || src."mdtrt_id" || ':' || src."feedetl_sn", 'amount': CAST(NULL AS DECIMAL(16,2))}) FILTER (WHERE coalesce((r_catalog."med_chrgitm_type" IN (CAST($p15 AS VARCHAR), CAST($p16 AS VARCHAR), CAST($p17 AS VARCHAR))), false)) AS g_details
  FROM fee_line AS src
  LEFT JOIN catalog AS r_catalog ON r_catalog."med_list_codg" = split_part(src."med_list_codg", '-', 1)
  WHERE (CAST($since AS DATE) IS NULL OR src."fee_ocur_time" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR src."fee_ocur_time" < CAST($until AS DATE) + INTERVAL 1 DAY) AND (src."med_type_class" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR), CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR), CAST($p6 AS VARCHAR)))
  GROUP BY ALL
),
h AS (
  SELECT g.g_0 AS h_inst, g.g_2 AS h_psn, g.g_1 AS h_mdtrt, '' AS h_dr, g."m_bed_amt" AS h_amt,
    concat(CAST($p19 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_days" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_days" AS VARCHAR), '0'), '.') ELSE CAST(g."m_days" AS VARCHAR) END, ''), CAST($p20 AS VARCHAR), coalesce(CASE WHEN contains(CAST((g."m_days" - g."m_care_days") AS VARCHAR), '.') THEN rtrim(rtrim(CAST((g."m_days" - g."m_care_days") AS VARCHAR), '0'), '.') ELSE CAST((g."m_days" - g."m_care_days") AS VARCHAR) END, ''), CAST($p21 AS VARCHAR), coalesce(CASE WHEN contains(CAST(g."m_bed_amt" AS VARCHAR), '.') THEN rtrim(rtrim(CAST(g."m_bed_amt" AS VARCHAR), '0'), '.') ELSE CAST(g."m_bed_amt" AS VARCHAR) END, ''), CAST($p22 AS VARCHAR)) AS h_cont, CAST(g.g_t AS DATE) AS h_on, json_object(CAST($p23 AS VARCHAR), g."m_days", CAST($p24 AS VARCHAR), g."m_care_days") AS h_evidence, g.g_details AS h_details
  FROM g
  
  
  WHERE coalesce((coalesce(((g."m_days" - g."m_care_days") >= CAST($p18 AS DOUBLE)), false)), false)
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
