-- The evidence vault: cases, acquisitions, content-addressed blobs, items, and the custody ledger.

CREATE TABLE instance (
  id            text PRIMARY KEY,
  origin        text NOT NULL,
  public_key    bytea NOT NULL,
  verifier_key  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  singleton     boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton)
);

CREATE TABLE cases (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE acquisitions (
  id               bigserial PRIMARY KEY,
  case_id          bigint NOT NULL REFERENCES cases(id),
  kind             text NOT NULL CHECK (kind IN ('bulk-ingest', 'intake-submission')),
  resume_key       text NOT NULL,
  operator         text NOT NULL,
  host             text NOT NULL,
  tool_version     text NOT NULL,
  source_label     text,
  note             text,
  roots            jsonb NOT NULL,
  options          jsonb NOT NULL,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  status           text NOT NULL CHECK (status IN ('running', 'complete', 'complete-with-problems')),
  manifest_sha256  text,
  summary          jsonb,
  ledger_seq       bigint NOT NULL
);
CREATE INDEX acquisitions_case_key ON acquisitions (case_id, resume_key);

CREATE TABLE blobs (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size        bigint NOT NULL CHECK (size >= 0),
  stored_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE items (
  id              bigserial PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES cases(id),
  acquisition_id  bigint NOT NULL REFERENCES acquisitions(id),
  parent_id       bigint REFERENCES items(id),
  member_index    integer,
  raw_path        bytea NOT NULL,
  display_path    text NOT NULL,
  rel_path        text NOT NULL,
  path_encoding   text NOT NULL,
  size            bigint,
  mtime           text,
  sha256          text REFERENCES blobs(sha256),
  kind            text NOT NULL,
  format          text NOT NULL,
  status          text NOT NULL,
  reason          text,
  ledger_seq      bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX items_identity ON items (acquisition_id, COALESCE(parent_id, 0), COALESCE(member_index, -1), raw_path);
CREATE INDEX items_case ON items (case_id, id);
CREATE INDEX items_sha256 ON items (sha256);

-- The custody ledger. `entry` holds the exact bytes that were hashed into the Merkle tree: canonical
-- JSON, which is always valid UTF-8 with no NUL, so it is stored as text (fetched without hex overhead).
CREATE TABLE ledger_entries (
  seq        bigint PRIMARY KEY CHECK (seq >= 0),
  entry      text NOT NULL,
  leaf_hash  bytea NOT NULL,
  action     text NOT NULL
);

-- One row: the tree size and its compact range, updated in the same transaction as each append,
-- so appends are serialised by the database (SELECT … FOR UPDATE) whatever process makes them.
CREATE TABLE ledger_head (
  id        integer PRIMARY KEY CHECK (id = 1),
  size      bigint NOT NULL,
  frontier  jsonb NOT NULL
);
INSERT INTO ledger_head (id, size, frontier) VALUES (1, 0, '[]');

CREATE TABLE checkpoints (
  id          bigserial PRIMARY KEY,
  tree_size   bigint NOT NULL,
  root_hash   bytea NOT NULL,
  note        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoints_size ON checkpoints (tree_size);

CREATE TABLE timestamp_tokens (
  id             bigserial PRIMARY KEY,
  checkpoint_id  bigint NOT NULL REFERENCES checkpoints(id),
  tsa_url        text NOT NULL,
  token          bytea NOT NULL,
  gen_time       timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- Evidence records are append-only. Changing one takes a deliberate act (disabling the trigger as
-- the table owner), and `custodia ledger verify` then catches the change against the ledger.
CREATE FUNCTION custodia_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custodia: % on % is refused: evidence records are append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER timestamp_tokens_append_only BEFORE UPDATE OR DELETE ON timestamp_tokens
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER items_append_only BEFORE UPDATE OR DELETE ON items
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER blobs_append_only BEFORE UPDATE OR DELETE ON blobs
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
