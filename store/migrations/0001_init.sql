-- 0001: canonical store. Column names are the national interface's own field names (contract §2).
-- Versioned tables keep every version ever landed (*_version); the view of the same name without the
-- suffix shows the current one per natural key (is_current, maintained per batch by ingest/land.ts).
-- Table layouts are a frozen snapshot of contract/tables.ts; test/store.test.ts checks they agree.

CREATE SEQUENCE batch_id_seq START 1;
CREATE SEQUENCE load_id_seq START 1;

CREATE TABLE ingest_batch (
  batch_id BIGINT PRIMARY KEY,
  run_id VARCHAR NOT NULL,
  source_kind VARCHAR NOT NULL,      -- file | kafka
  source VARCHAR NOT NULL,           -- file path as given, or topic
  "partition" INTEGER,
  first_offset BIGINT,               -- byte offset in the file, or Kafka offset
  last_offset BIGINT,
  started_at TIMESTAMP NOT NULL,
  committed_at TIMESTAMP NOT NULL,
  messages_read INTEGER NOT NULL,
  messages_accepted INTEGER NOT NULL,
  messages_duplicate INTEGER NOT NULL,
  messages_rejected INTEGER NOT NULL,
  rows_landed INTEGER NOT NULL,
  rows_by_table JSON
);

-- Every accepted message once: (fixmedins_code, msgid) is the idempotency key (contract §1).
CREATE TABLE message (
  fixmedins_code VARCHAR NOT NULL,
  msgid VARCHAR NOT NULL,
  infno VARCHAR NOT NULL,
  inf_time TIMESTAMP NOT NULL,
  upload_mode VARCHAR NOT NULL,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  extra JSON,
  row_count INTEGER NOT NULL,
  batch_id BIGINT NOT NULL,
  source_kind VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  "partition" INTEGER,
  "offset" BIGINT,
  line BIGINT,
  PRIMARY KEY (fixmedins_code, msgid)
);

-- Rejected messages, raw bytes with personal data replaced; identified by the hash of those bytes,
-- so a replayed rejection is not counted twice.
CREATE TABLE rejected_message (
  reject_id VARCHAR PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  source_kind VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  "partition" INTEGER,
  "offset" BIGINT,
  line BIGINT,
  code VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  diagnostics JSON NOT NULL,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  infno VARCHAR,
  raw BLOB NOT NULL,
  raw_bytes INTEGER NOT NULL,
  rejected_at TIMESTAMP NOT NULL
);

-- Every attempt to load a reference file. A file whose header is unusable or that has no valid row is
-- `refused`: recorded with its reasons (reference_rejected, header problems at line 1) but never
-- shown by the views, which keep the latest `loaded` version.
CREATE TABLE reference_load (
  load_id BIGINT PRIMARY KEY,
  file VARCHAR NOT NULL,
  table_name VARCHAR NOT NULL,
  status VARCHAR NOT NULL,           -- loaded | refused
  sha256 VARCHAR NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  rows_loaded INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL
);

CREATE TABLE reference_rejected (
  load_id BIGINT NOT NULL,
  file VARCHAR NOT NULL,
  line INTEGER NOT NULL,
  code VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  diagnostics JSON NOT NULL
);

CREATE TABLE visit_version (
  batch_id BIGINT,
  key_hash UBIGINT,
  is_current BOOLEAN,
  infno VARCHAR,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  inf_time TIMESTAMP,
  upload_mode VARCHAR,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  mdtrt_id VARCHAR,
  psn_no VARCHAR,
  med_type VARCHAR,
  begntime TIMESTAMP,
  insutype VARCHAR,
  dise_codg VARCHAR,
  dscg_maindiag_code VARCHAR,
  adm_dept_codg VARCHAR,
  adm_bed VARCHAR,
  atddr_no VARCHAR,
  ipt_no VARCHAR,
  psn_name_hash VARCHAR,
  psn_name_mask VARCHAR,
  certno_hash VARCHAR,
  certno_mask VARCHAR,
  med_type_class VARCHAR,
  extra JSON
);

CREATE TABLE discharge_version (
  batch_id BIGINT,
  key_hash UBIGINT,
  is_current BOOLEAN,
  infno VARCHAR,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  inf_time TIMESTAMP,
  upload_mode VARCHAR,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  mdtrt_id VARCHAR,
  psn_no VARCHAR,
  endtime TIMESTAMP,
  dscg_maindiag_code VARCHAR,
  dscg_way VARCHAR,
  dscg_dept_codg VARCHAR,
  diseinfo JSON,
  extra JSON
);

CREATE TABLE fee_line_version (
  batch_id BIGINT,
  key_hash UBIGINT,
  is_current BOOLEAN,
  infno VARCHAR,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  inf_time TIMESTAMP,
  upload_mode VARCHAR,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  feedetl_sn VARCHAR,
  mdtrt_id VARCHAR,
  psn_no VARCHAR,
  fee_ocur_time TIMESTAMP,
  med_list_codg VARCHAR,
  medins_list_codg VARCHAR,
  det_item_fee_sumamt DECIMAL(16,2),
  cnt DECIMAL(16,4),
  pric DECIMAL(16,6),
  bilg_dept_codg VARCHAR,
  bilg_dr_codg VARCHAR,
  init_feedetl_sn VARCHAR,
  med_type VARCHAR,
  drord_no VARCHAR,
  rxno VARCHAR,
  hosp_appr_flag VARCHAR,
  sin_dos_dscr VARCHAR,
  used_frqu_dscr VARCHAR,
  prd_days DECIMAL(16,2),
  medc_way_dscr VARCHAR,
  dise_codg VARCHAR,
  drug_trac_codg VARCHAR,
  inscp_amt DECIMAL(16,2),
  med_type_class VARCHAR,
  extra JSON
);

CREATE TABLE settlement_version (
  batch_id BIGINT,
  key_hash UBIGINT,
  is_current BOOLEAN,
  infno VARCHAR,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  inf_time TIMESTAMP,
  upload_mode VARCHAR,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  setl_id VARCHAR,
  mdtrt_id VARCHAR,
  psn_no VARCHAR,
  gend VARCHAR,
  brdy DATE,
  insutype VARCHAR,
  med_type VARCHAR,
  setl_time TIMESTAMP,
  medfee_sumamt DECIMAL(16,2),
  fund_pay_sumamt DECIMAL(16,2),
  psn_cash_pay DECIMAL(16,2),
  age DECIMAL(16,2),
  hifp_pay DECIMAL(16,2),
  acct_pay DECIMAL(16,2),
  inscp_scp_amt DECIMAL(16,2),
  hifmi_pay DECIMAL(16,2),
  hifob_pay DECIMAL(16,2),
  maf_pay DECIMAL(16,2),
  begndate DATE,
  enddate DATE,
  psn_name_hash VARCHAR,
  psn_name_mask VARCHAR,
  certno_hash VARCHAR,
  certno_mask VARCHAR,
  med_type_class VARCHAR,
  extra JSON
);

CREATE TABLE settlement_cancel (
  batch_id BIGINT,
  infno VARCHAR,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  inf_time TIMESTAMP,
  upload_mode VARCHAR,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  setl_id VARCHAR,
  mdtrt_id VARCHAR,
  psn_no VARCHAR,
  extra JSON
);

CREATE TABLE psi_line_version (
  batch_id BIGINT,
  key_hash UBIGINT,
  is_current BOOLEAN,
  infno VARCHAR,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  inf_time TIMESTAMP,
  upload_mode VARCHAR,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  med_list_codg VARCHAR,
  fixmedins_hilist_id VARCHAR,
  fixmedins_bchno VARCHAR,
  fixmedins_hilist_name VARCHAR,
  rx_flag VARCHAR,
  manu_lotnum VARCHAR,
  manu_date DATE,
  expy_end DATE,
  invdate DATE,
  inv_cnt DECIMAL(16,4),
  cnt DECIMAL(16,4),
  inv_chg_type VARCHAR,
  pric DECIMAL(16,6),
  inv_chg_time TIMESTAMP,
  trdn_flag VARCHAR,
  purc_retn_cnt DECIMAL(16,4),
  dynt_no VARCHAR,
  spler_name VARCHAR,
  prdr_name VARCHAR,
  aprvno VARCHAR,
  finl_trns_pric DECIMAL(16,6),
  purc_retn_stoin_time TIMESTAMP,
  purc_invo_no VARCHAR,
  medins_prod_purc_no VARCHAR,
  sel_retn_cnt DECIMAL(16,4),
  setl_id VARCHAR,
  psn_no VARCHAR,
  rxno VARCHAR,
  prsc_dr_certno_hash VARCHAR,
  prsc_dr_certno_mask VARCHAR,
  sel_retn_time TIMESTAMP,
  drug_trac_codg VARCHAR,
  rtal_docno VARCHAR,
  medins_prod_sel_no VARCHAR,
  kind TINYINT,
  extra JSON
);

CREATE TABLE psi_deletion (
  batch_id BIGINT,
  infno VARCHAR,
  msgid VARCHAR,
  fixmedins_code VARCHAR,
  inf_time TIMESTAMP,
  upload_mode VARCHAR,
  mdtrtarea_admvs VARCHAR,
  insuplc_admdvs VARCHAR,
  fixmedins_bchno VARCHAR,
  inv_data_type VARCHAR,
  extra JSON
);

CREATE TABLE institution_version (
  load_id BIGINT,
  fixmedins_code VARCHAR,
  fixmedins_name VARCHAR,
  fixmedins_type VARCHAR,
  hosp_lv VARCHAR,
  admdvs VARCHAR,
  beds INTEGER,
  specialty VARCHAR,
  extra JSON
);

CREATE TABLE practitioner_version (
  load_id BIGINT,
  dr_codg VARCHAR,
  dr_name VARCHAR,
  fixmedins_code VARCHAR,
  dept_codg VARCHAR,
  prac_type VARCHAR,
  extra JSON
);

CREATE TABLE catalog_version (
  load_id BIGINT,
  med_list_codg VARCHAR,
  name VARCHAR,
  list_type VARCHAR,
  med_chrgitm_type VARCHAR,
  chrgitm_lv VARCHAR,
  pric_uplmt_amt DECIMAL(16,6),
  spec VARCHAR,
  pac_cnt DECIMAL(16,4),
  dosform VARCHAR,
  extra JSON
);

CREATE TABLE insured_version (
  load_id BIGINT,
  psn_no VARCHAR,
  gend VARCHAR,
  brdy DATE,
  insutype VARCHAR,
  insu_admdvs VARCHAR,
  certno_hash VARCHAR,
  certno_mask VARCHAR,
  extra JSON
);

CREATE TABLE inspector_version (
  load_id BIGINT,
  inspector_id VARCHAR,
  name VARCHAR,
  org VARCHAR,
  admdvs VARCHAR,
  role VARCHAR,
  conflicts VARCHAR,
  extra JSON
);


-- Current versions. A cancellation (2208/2305) and a deletion (3507) are events kept on their own;
-- they take effect whenever their target is there, whatever the arrival order.
CREATE VIEW fee_line AS SELECT * EXCLUDE (key_hash, is_current) FROM fee_line_version WHERE is_current;

CREATE VIEW discharge AS SELECT * EXCLUDE (key_hash, is_current) FROM discharge_version WHERE is_current;

CREATE VIEW visit AS
SELECT v.* EXCLUDE (key_hash, is_current, dscg_maindiag_code),
       coalesce(d.dscg_maindiag_code, v.dscg_maindiag_code) AS dscg_maindiag_code,
       d.endtime, d.dscg_way, d.dscg_dept_codg, d.diseinfo
FROM visit_version v
LEFT JOIN discharge d ON d.fixmedins_code = v.fixmedins_code AND d.mdtrt_id = v.mdtrt_id
WHERE v.is_current;

CREATE VIEW settlement AS
SELECT s.* EXCLUDE (key_hash, is_current),
       c.msgid IS NOT NULL AS cancelled,
       c.msgid AS cancel_msgid,
       c.inf_time AS cancel_time
FROM settlement_version s
LEFT JOIN (
  SELECT fixmedins_code, setl_id, arg_min(msgid, (inf_time, msgid)) AS msgid, min(inf_time) AS inf_time
  FROM settlement_cancel GROUP BY ALL
) c ON c.fixmedins_code = s.fixmedins_code AND c.setl_id = s.setl_id
WHERE s.is_current;

CREATE VIEW psi_line AS
SELECT p.* EXCLUDE (key_hash, is_current),
       d.msgid IS NOT NULL AS deleted,
       d.msgid AS delete_msgid,
       d.inf_time AS delete_time
FROM psi_line_version p
LEFT JOIN (
  SELECT fixmedins_code, inv_data_type, fixmedins_bchno, arg_min(msgid, (inf_time, msgid)) AS msgid, min(inf_time) AS inf_time
  FROM psi_deletion GROUP BY ALL
) d ON d.fixmedins_code = p.fixmedins_code AND d.inv_data_type = CAST(p.kind AS VARCHAR) AND d.fixmedins_bchno = p.fixmedins_bchno
WHERE p.is_current;

-- Reference data: the rows of the latest accepted load of each file.
CREATE VIEW institution AS SELECT * EXCLUDE (load_id) FROM institution_version WHERE load_id = (SELECT max(load_id) FROM reference_load WHERE table_name = 'institution' AND status = 'loaded');

CREATE VIEW practitioner AS SELECT * EXCLUDE (load_id) FROM practitioner_version WHERE load_id = (SELECT max(load_id) FROM reference_load WHERE table_name = 'practitioner' AND status = 'loaded');

CREATE VIEW catalog AS SELECT * EXCLUDE (load_id) FROM catalog_version WHERE load_id = (SELECT max(load_id) FROM reference_load WHERE table_name = 'catalog' AND status = 'loaded');

CREATE VIEW insured AS SELECT * EXCLUDE (load_id) FROM insured_version WHERE load_id = (SELECT max(load_id) FROM reference_load WHERE table_name = 'insured' AND status = 'loaded');

CREATE VIEW inspector AS SELECT * EXCLUDE (load_id) FROM inspector_version WHERE load_id = (SELECT max(load_id) FROM reference_load WHERE table_name = 'inspector' AND status = 'loaded');

