-- split-admission v1; params: {"p1":"21","p2":"22","p3":"24","p4":"25","p5":"52","p6":0,"p7":15,"p8":"Z51.0","p9":"Z51.1","p10":"Z51.0","p11":"Z51.1","p12":"2","p13":24,"p14":"出院 ","p15":1,"p16":" 天后以同类诊断再次入院（本次 ","p17":"，上次 ","p18":"，上次住院 ","p19":"/","p20":"）","p21":"gap_days","p22":"main_dx","p23":"prev.main_dx","p24":"prev.dscg_way"}
WITH s AS (
  SELECT v.*, lag(v."endtime") OVER w AS _prev_end, lag(v."fixmedins_code") OVER w AS _prev_inst, lag(v."mdtrt_id") OVER w AS _prev_mdtrt,
    lag(left(coalesce(v."dscg_maindiag_code", v."dise_codg"), 3)) OVER w AS _x0,
    lag(left(coalesce(v."dscg_maindiag_code", v."dise_codg"), 5)) OVER w AS _x1,
    lag(v."dscg_way") OVER w AS _x2,
    lag(v."fixmedins_code") OVER w AS _x3,
    lag(coalesce(v."dscg_maindiag_code", v."dise_codg")) OVER w AS _x4,
    lag(v."fixmedins_code") OVER w AS _x5,
    lag(v."mdtrt_id") OVER w AS _x6,
    lag(coalesce(v."dscg_maindiag_code", v."dise_codg")) OVER w AS _x7,
    lag(v."dscg_way") OVER w AS _x8
  FROM visit AS v
  
  WHERE v."med_type_class" IN (CAST($p1 AS VARCHAR), CAST($p2 AS VARCHAR), CAST($p3 AS VARCHAR), CAST($p4 AS VARCHAR), CAST($p5 AS VARCHAR))
  WINDOW w AS (PARTITION BY v."psn_no" ORDER BY v."begntime", v."fixmedins_code", v."mdtrt_id")
),
h AS (
  SELECT s."fixmedins_code" AS h_inst, s."psn_no" AS h_psn, s."mdtrt_id" AS h_mdtrt, s."atddr_no" AS h_dr, (SELECT sum(coalesce(fl."inscp_amt", fl."det_item_fee_sumamt")) FROM fee_line fl WHERE fl."fixmedins_code" = s."fixmedins_code" AND fl."mdtrt_id" = s."mdtrt_id") AS h_amt,
    concat(CAST($p14 AS VARCHAR), coalesce(CASE WHEN contains(CAST(round((epoch(s."begntime") - epoch(s._prev_end)) / 86400.0, CAST(CAST($p15 AS DOUBLE) AS INTEGER)) AS VARCHAR), '.') THEN rtrim(rtrim(CAST(round((epoch(s."begntime") - epoch(s._prev_end)) / 86400.0, CAST(CAST($p15 AS DOUBLE) AS INTEGER)) AS VARCHAR), '0'), '.') ELSE CAST(round((epoch(s."begntime") - epoch(s._prev_end)) / 86400.0, CAST(CAST($p15 AS DOUBLE) AS INTEGER)) AS VARCHAR) END, ''), CAST($p16 AS VARCHAR), coalesce(CAST(coalesce(s."dscg_maindiag_code", s."dise_codg") AS VARCHAR), ''), CAST($p17 AS VARCHAR), coalesce(CAST(s._x4 AS VARCHAR), ''), CAST($p18 AS VARCHAR), coalesce(CAST(s._x5 AS VARCHAR), ''), CAST($p19 AS VARCHAR), coalesce(CAST(s._x6 AS VARCHAR), ''), CAST($p20 AS VARCHAR)) AS h_cont, CAST(s."begntime" AS DATE) AS h_on, json_object(CAST($p21 AS VARCHAR), (epoch(s."begntime") - epoch(s._prev_end)) / 86400.0, CAST($p22 AS VARCHAR), coalesce(s."dscg_maindiag_code", s."dise_codg"), CAST($p23 AS VARCHAR), s._x7, CAST($p24 AS VARCHAR), s._x8) AS h_evidence,
    list_concat([{'vola_item_type': 1, 'ref': 'visit:' || s."fixmedins_code" || ':' || s."mdtrt_id", 'amount': CAST((SELECT sum(coalesce(fl."inscp_amt", fl."det_item_fee_sumamt")) FROM fee_line fl WHERE fl."fixmedins_code" = s."fixmedins_code" AND fl."mdtrt_id" = s."mdtrt_id") AS DECIMAL(16,2))}],
      CASE WHEN s._prev_inst IS NULL THEN [] ELSE [{'vola_item_type': 2, 'ref': 'visit:' || s._prev_inst || ':' || s._prev_mdtrt, 'amount': CAST(NULL AS DECIMAL(16,2))}] END) AS h_details
  FROM s
  
  
  WHERE (CAST($since AS DATE) IS NULL OR s."begntime" >= CAST($since AS DATE)) AND (CAST($until AS DATE) IS NULL OR s."begntime" < CAST($until AS DATE) + INTERVAL 1 DAY) AND coalesce((coalesce((coalesce((coalesce((coalesce((coalesce(((epoch(s."begntime") - epoch(s._prev_end)) / 3600.0 > CAST($p6 AS DOUBLE)), false) AND coalesce(((epoch(s."begntime") - epoch(s._prev_end)) / 86400.0 <= CAST($p7 AS DOUBLE)), false)), false)), false) AND coalesce((coalesce((left(coalesce(s."dscg_maindiag_code", s."dise_codg"), 3) = s._x0), false)), false)), false) AND coalesce((NOT coalesce((coalesce((coalesce((left(coalesce(s."dscg_maindiag_code", s."dise_codg"), 5) IN (CAST($p8 AS VARCHAR), CAST($p9 AS VARCHAR))), false) OR coalesce((s._x1 IN (CAST($p10 AS VARCHAR), CAST($p11 AS VARCHAR))), false)), false)), false)), false)), false) AND coalesce((NOT coalesce((coalesce((coalesce((s._x2 = CAST($p12 AS VARCHAR)), false) OR coalesce((coalesce((s."fixmedins_code" IS DISTINCT FROM s._x3), false) AND coalesce(((epoch(s."begntime") - epoch(s._prev_end)) / 3600.0 <= CAST($p13 AS DOUBLE)), false)), false)), false)), false)), false)), false)
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
