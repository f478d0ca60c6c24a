// The case database's tables. Events carry no index: DuckDB's zone maps on the sequential id
// and on ts make page and detail lookups fast, and an index would slow the bulk append.

export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS evidence (
  id INTEGER PRIMARY KEY,
  path VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  size BIGINT NOT NULL,
  mtime VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  events BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  recovered BIGINT NOT NULL,
  error_samples VARCHAR NOT NULL,
  imported_at VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  id BIGINT NOT NULL,
  evidence_id INTEGER NOT NULL,
  ts BIGINT NOT NULL,            -- 100 ns ticks since the Unix epoch
  time VARCHAR NOT NULL,         -- ISO 8601 UTC, seven fractional digits
  time_precision VARCHAR NOT NULL,
  time_source VARCHAR NOT NULL,
  host VARCHAR NOT NULL,
  channel VARCHAR NOT NULL,
  provider VARCHAR NOT NULL,
  event_id INTEGER NOT NULL,
  record_id BIGINT,
  system VARCHAR NOT NULL,       -- JSON of the System section
  data VARCHAR NOT NULL,         -- JSON of the named data fields
  summary VARCHAR NOT NULL,
  src_offset BIGINT NOT NULL,
  src_length BIGINT NOT NULL,
  src_line BIGINT,
  src_chunk INTEGER,
  src_format VARCHAR NOT NULL,
  recovered BOOLEAN NOT NULL,
  suspect VARCHAR
);
CREATE TABLE IF NOT EXISTS read_errors (
  evidence_id INTEGER NOT NULL,
  "offset" BIGINT,
  line BIGINT,
  message VARCHAR NOT NULL
);
`;
