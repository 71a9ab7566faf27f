-- overlapping-stays v2; params: {"p1":"21","p2":"22","p3":"24","p4":"25","p5":"28","p6":"52","p7":2,"p8":"21","p9":"22","p10":"24","p11":"25","p12":"28","p13":"52","p14":3650,"p15":3650,"p16":24,"p17":3650,"p18":3650,"p19":0,"p20":" 起的住院与另 ","p21":" 家医院的住院同时在院 24 小时以上（已出院的重叠最长 ","p22":24,"p23":1,"p24":" 天，尚未出院的 ","p25":" 次）","p26":"overlap_hours","p27":"hospitals","p28":"open_stays","p29":0}
WITH a0 AS MATERIALIZED (
  SELECT a0.*, 'visit:' || a0."fixmedins_code" || ':' || a0."mdtrt_id" AS a_ref
  FROM visit AS a0
  
  WHERE (CAST($since AS DATE) IS NULL OR a0."begntime" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR a0."begntime" < CAST($until AS DATE) + INTERVAL 1 DAY) AND a0."med_type_class" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR), CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR), CAST($p6 AS VARCHAR))
),
g AS (
  SELECT ra.a_ref, count(*) AS m_related, max(((epoch(CAST(least(coalesce(ra."endtime", CAST(CAST(ra."begntime" AS DATE) + to_days(CAST(CAST($p17 AS DOUBLE) AS INTEGER)) AS DATE)), coalesce(rb."endtime", CAST(CAST(rb."begntime" AS DATE) + to_days(CAST(CAST($p18 AS DOUBLE) AS INTEGER)) AS DATE))) AS TIMESTAMP)) - epoch(CAST(greatest(ra."begntime", rb."begntime") AS TIMESTAMP))) / 3600.0)) AS "m_overlap_hours", coalesce(len(list_distinct(list(rb."fixmedins_code"))), 0) AS "m_hospitals", count(*) FILTER (WHERE coalesce((coalesce((ra."endtime" IS NULL), false) OR coalesce((rb."endtime" IS NULL), false)), false)) AS "m_open_stays", max(((epoch(CAST(least(ra."endtime", rb."endtime") AS TIMESTAMP)) - epoch(CAST(greatest(ra."begntime", rb."begntime") AS TIMESTAMP))) / 3600.0)) FILTER (WHERE coalesce((coalesce((ra."endtime" IS NOT NULL), false) AND coalesce((rb."endtime" IS NOT NULL), false)), false)) AS "m_closed_hours"
  FROM a0 AS ra
  JOIN (SELECT * FROM visit AS rb WHERE coalesce((left(rb."med_type", CAST(CAST($p7 AS DOUBLE) AS INTEGER)) IN (CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR))), false)) AS rb ON rb."psn_no" = ra."psn_no"
    AND CAST(rb."begntime" AS DATE) <= CAST(coalesce(ra."endtime", TIMESTAMP '9999-12-31') AS DATE) + to_days($p29::INTEGER) AND CAST(coalesce(rb."endtime", TIMESTAMP '9999-12-31') AS DATE) >= CAST(ra."begntime" AS DATE) - to_days($p29::INTEGER)
  
  
  WHERE 'visit:' || rb."fixmedins_code" || ':' || rb."mdtrt_id" <> ra.a_ref AND coalesce((rb."fixmedins_code" IS DISTINCT FROM ra."fixmedins_code"), false) AND coalesce((((epoch(CAST(least(coalesce(ra."endtime", CAST(CAST(ra."begntime" AS DATE) + to_days(CAST(CAST($p14 AS DOUBLE) AS INTEGER)) AS DATE)), coalesce(rb."endtime", CAST(CAST(rb."begntime" AS DATE) + to_days(CAST(CAST($p15 AS DOUBLE) AS INTEGER)) AS DATE))) AS TIMESTAMP)) - epoch(CAST(greatest(ra."begntime", rb."begntime") AS TIMESTAMP))) / 3600.0) >= CAST($p16 AS DOUBLE)), false)
  GROUP BY ra.a_ref
),
h0 AS MATERIALIZED (
  SELECT a0.a_ref AS h_ref, a0."fixmedins_code" AS h_inst, a0."psn_no" AS h_psn, a0."mdtrt_id" AS h_mdtrt, '' AS h_dr,
    (SELECT sum(coalesce(fl."inscp_amt", fl."det_item_fee_sumamt")) FROM fee_line fl WHERE fl."fixmedins_code" = a0."fixmedins_code" AND fl."mdtrt_id" = a0."mdtrt_id") AS h_amt, concat(coalesce(CAST(CAST(a0."begntime" AS DATE) AS VARCHAR), ''), CAST($p20 AS VARCHAR), coalesce(CASE WHEN contains(CAST(coalesce(g."m_hospitals", 0) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(coalesce(g."m_hospitals", 0) AS VARCHAR), '0'), '.') ELSE CAST(coalesce(g."m_hospitals", 0) AS VARCHAR) END, ''), CAST($p21 AS VARCHAR), coalesce(CASE WHEN contains(CAST(round((coalesce(g."m_closed_hours", NULL) / nullif(CAST($p22 AS DOUBLE), 0)), CAST(CAST($p23 AS DOUBLE) AS INTEGER)) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(round((coalesce(g."m_closed_hours", NULL) / nullif(CAST($p22 AS DOUBLE), 0)), CAST(CAST($p23 AS DOUBLE) AS INTEGER)) AS VARCHAR), '0'), '.') ELSE CAST(round((coalesce(g."m_closed_hours", NULL) / nullif(CAST($p22 AS DOUBLE), 0)), CAST(CAST($p23 AS DOUBLE) AS INTEGER)) AS VARCHAR) END, ''), CAST($p24 AS VARCHAR), coalesce(CASE WHEN contains(CAST(coalesce(g."m_open_stays", 0) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(coalesce(g."m_open_stays", 0) AS VARCHAR), '0'), '.') ELSE CAST(coalesce(g."m_open_stays", 0) AS VARCHAR) END, ''), CAST($p25 AS VARCHAR)) AS h_cont, CAST(a0."begntime" AS DATE) AS h_on, json_object(CAST($p26 AS VARCHAR), coalesce(g."m_overlap_hours", NULL), CAST($p27 AS VARCHAR), coalesce(g."m_hospitals", 0), CAST($p28 AS VARCHAR), coalesce(g."m_open_stays", 0)) AS h_evidence
  FROM a0
  LEFT JOIN g ON g.a_ref = a0.a_ref
  
  
  WHERE coalesce((coalesce((coalesce(g.m_related, 0) > CAST($p19 AS DOUBLE)), false)), false)
),
r AS (
  SELECT ra.a_ref, list('visit:' || rb."fixmedins_code" || ':' || rb."mdtrt_id") AS g_refs
  FROM (SELECT * FROM a0 WHERE a_ref IN (SELECT h_ref FROM h0)) AS ra
  JOIN (SELECT * FROM visit AS rb WHERE coalesce((left(rb."med_type", CAST(CAST($p7 AS DOUBLE) AS INTEGER)) IN (CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR), CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR), CAST($p12 AS VARCHAR), CAST($p13 AS VARCHAR))), false)) AS rb ON rb."psn_no" = ra."psn_no"
    AND CAST(rb."begntime" AS DATE) <= CAST(coalesce(ra."endtime", TIMESTAMP '9999-12-31') AS DATE) + to_days($p29::INTEGER) AND CAST(coalesce(rb."endtime", TIMESTAMP '9999-12-31') AS DATE) >= CAST(ra."begntime" AS DATE) - to_days($p29::INTEGER)
  
  
  WHERE 'visit:' || rb."fixmedins_code" || ':' || rb."mdtrt_id" <> ra.a_ref AND coalesce((rb."fixmedins_code" IS DISTINCT FROM ra."fixmedins_code"), false) AND coalesce((((epoch(CAST(least(coalesce(ra."endtime", CAST(CAST(ra."begntime" AS DATE) + to_days(CAST(CAST($p14 AS DOUBLE) AS INTEGER)) AS DATE)), coalesce(rb."endtime", CAST(CAST(rb."begntime" AS DATE) + to_days(CAST(CAST($p15 AS DOUBLE) AS INTEGER)) AS DATE))) AS TIMESTAMP)) - epoch(CAST(greatest(ra."begntime", rb."begntime") AS TIMESTAMP))) / 3600.0) >= CAST($p16 AS DOUBLE)), false)
  GROUP BY ra.a_ref
),
h AS (
  SELECT h0.* EXCLUDE (h_ref),
    list_concat([{'vola_item_type': 1, 'ref': h0.h_ref, 'amount': CAST(h0.h_amt AS DECIMAL(16,2))}], list_transform(list_sort(coalesce(r.g_refs, [])), x -> {'vola_item_type': 2, 'ref': x, 'amount': CAST(NULL AS DECIMAL(16,2))})) AS h_details
  FROM h0
  LEFT JOIN r ON r.a_ref = h0.h_ref
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
