// The case database's tables. Events carry no index: DuckDB's zone maps on the sequential id
// and on ts make page and detail lookups fast, and an index would slow the bulk append.

export const SCHEMA_VERSION = 3;

/**
 * The oldest schema a case can be opened from: every later version only added tables, which
 * SCHEMA_SQL creates when they are missing (3: findings, allow_list, notes).
 */
export const OLDEST_OPENABLE_SCHEMA = 2;

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
-- Detection results (detect/detection.ts): one row per finding, recomputed with detection;
-- suppression is re-applied in place when the allow-list changes. tags, event_ids, context and
-- suppressed are JSON.
CREATE TABLE IF NOT EXISTS findings (
  id VARCHAR NOT NULL,
  rule_id VARCHAR NOT NULL,
  rule_title VARCHAR NOT NULL,
  level VARCHAR NOT NULL,
  level_rank INTEGER NOT NULL,
  origin VARCHAR NOT NULL,
  tags VARCHAR NOT NULL,
  event_ids VARCHAR NOT NULL,
  ts BIGINT NOT NULL,
  time VARCHAR NOT NULL,
  host VARCHAR NOT NULL,
  session_id VARCHAR,
  process_id VARCHAR,
  summary VARCHAR NOT NULL,
  context VARCHAR NOT NULL,
  suppressed VARCHAR
);
-- The case's allow-list and baselines, in list order (the first matching entry suppresses).
CREATE TABLE IF NOT EXISTS allow_list (
  position INTEGER NOT NULL,
  id VARCHAR NOT NULL,
  value VARCHAR NOT NULL
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
