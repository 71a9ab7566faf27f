-- 0011: 一公开 (issue 15): the public record of a draw, its results and the registries' history.
-- See inspection/README.md.

-- What the inspector wrote beside the outcome (optional, shown in the public record).
ALTER TABLE draw_result ADD COLUMN note VARCHAR;

-- Every publication of a draw's public record (HTML and XLSX, written again once results come in).
-- The deadline is the one in force when it was published: 20 working days after the draw by default.
CREATE SEQUENCE draw_publication_seq START 1;
CREATE TABLE draw_publication (
  seq BIGINT PRIMARY KEY DEFAULT nextval('draw_publication_seq'),
  draw_id VARCHAR NOT NULL,
  published_at TIMESTAMP NOT NULL,     -- UTC
  files JSON NOT NULL,                 -- the paths written, as a JSON array
  actor VARCHAR NOT NULL,
  deadline_on DATE NOT NULL,           -- working days after the draw (China's holiday calendar)
  results INTEGER NOT NULL             -- how many results the record showed
);

-- The registries' history: every accepted version of every row, with when its load happened.
CREATE VIEW institution_history AS
SELECT v.*, l.loaded_at, l.sha256 FROM institution_version v JOIN reference_load l USING (load_id)
WHERE l.table_name = 'institution' AND l.status = 'loaded';

CREATE VIEW inspector_history AS
SELECT v.*, l.loaded_at, l.sha256 FROM inspector_version v JOIN reference_load l USING (load_id)
WHERE l.table_name = 'inspector' AND l.status = 'loaded';
