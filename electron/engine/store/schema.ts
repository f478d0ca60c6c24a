// The case database's tables. Events carry no index: DuckDB's zone maps on the sequential id
// and on ts make page and detail lookups fast, and an index would slow the bulk append.

export const SCHEMA_VERSION = 2;

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
  host VARCHAR NOT NULL,
  channel VARCHAR NOT NULL,
  provider VARCHAR NOT NULL,
  event_id INTEGER NOT NULL,
  record_id BIGINT,
  summary VARCHAR NOT NULL,
  system VARCHAR NOT NULL,       -- JSON of the System section
  data VARCHAR NOT NULL,         -- JSON of the named data fields
  -- JSON of what is only read per event (EventMeta in case-store.ts): time precision and
  -- source, the pointer into the evidence, recovered/suspect marks. Folding these into one
  -- value keeps the bulk append to twelve values per event, which is what bounds its speed.
  meta VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS read_errors (
  evidence_id INTEGER NOT NULL,
  "offset" BIGINT,
  line BIGINT,
  message VARCHAR NOT NULL
);
-- Results computed over the whole case (the correlation document, …), kept with the case.
CREATE TABLE IF NOT EXISTS analysis (
  name VARCHAR PRIMARY KEY,
  value VARCHAR NOT NULL,
  computed_at VARCHAR NOT NULL,
  events BIGINT NOT NULL
);
`;
