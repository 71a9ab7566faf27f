-- 0007: what the statistical detectors (issue 13) keep beside their hits.
-- calendar: the working-day calendar (法定节假日, 调休) of the days a run covers, from the maintained
-- chinese-days package (core/calendar.ts), shared by the detectors and the case workflow.
CREATE TABLE calendar (
  day DATE PRIMARY KEY,
  workday BOOLEAN NOT NULL,
  holiday BOOLEAN NOT NULL,            -- a statutory holiday (not an ordinary weekend)
  name VARCHAR                         -- the holiday's name (元旦, 春节 …)
);

-- ledger: the reconstructed 进销存 of each pharmacy × drug × day (detectors/ledger.ts), in smallest
-- units after 拆零: what came in and went out that day, the stock it implies, the last stocktake
-- and what was settled; the evidence bundle shows it for the drugs and days of a case.
CREATE TABLE ledger (
  fixmedins_code VARCHAR NOT NULL,
  med_list_codg VARCHAR NOT NULL,
  day DATE NOT NULL,
  opening DECIMAL(18,4),               -- the stock counted by the first stocktake (3501), NULL if none
  purchased DECIMAL(18,4) NOT NULL,    -- 3503 purchases less 3504 returns
  changed DECIMAL(18,4) NOT NULL,      -- 3502 changes (losses, write-offs)
  sold DECIMAL(18,4) NOT NULL,         -- 3505 sales less 3506 returns
  settled DECIMAL(18,4) NOT NULL,      -- insured fee lines (med_type 41) of the item
  stock DECIMAL(18,4),                 -- reconstructed closing stock: opening + purchased − changed − sold, cumulative
  counted DECIMAL(18,4),               -- a stocktake of that day, if any
  computed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (fixmedins_code, med_list_codg, day)
);

-- detector_load: loads per institution-day (patients in bed against beds), doctor-day (distinct
-- patients) and pharmacist-hour (sales), with the plausible ceiling; the impossible ones are
-- evidence for 挂床 and 虚假住院 (detectors/loads.ts).
CREATE TABLE detector_load (
  kind VARCHAR NOT NULL,               -- beds | doctor | pharmacist
  fixmedins_code VARCHAR NOT NULL,
  subject VARCHAR NOT NULL,            -- the institution, doctor or pharmacist code
  period TIMESTAMP NOT NULL,           -- the day (or hour for pharmacists)
  load DOUBLE NOT NULL,
  ceiling DOUBLE NOT NULL,
  computed_at TIMESTAMP NOT NULL,
  PRIMARY KEY (kind, fixmedins_code, subject, period)
);
