// The case database's tables. Events carry no index: DuckDB's zone maps on the sequential id
// and on ts make page and detail lookups fast, and an index would slow the bulk append.

export const SCHEMA_VERSION = 3;

/**
 * The oldest schema a case may have and still be opened: every change since it only added
 * tables (created IF NOT EXISTS on open), so such a case is brought forward in place.
 */
export const MIN_COMPATIBLE_SCHEMA_VERSION = 2;

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
-- The investigator's notes, tags and bookmarks: one row per target (event, process, session).
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY,
  target_kind VARCHAR NOT NULL,
  target_id VARCHAR NOT NULL,
  label VARCHAR NOT NULL,
  bookmarked BOOLEAN NOT NULL,
  tags VARCHAR NOT NULL,         -- JSON array of strings
  text VARCHAR NOT NULL,
  created_at VARCHAR NOT NULL,
  updated_at VARCHAR NOT NULL,
  UNIQUE (target_kind, target_id)
);
`;
