-- Near-duplicates (ADR 0009): a perceptual fingerprint per video blob, its multi-index-hashing keys
-- (so that candidate lookup is an indexed query, not a comparison with every video of the case),
-- and the case's duplicate groups.

-- One row per blob and tool version; a video with no usable picture gets a row with its reason.
CREATE TABLE fingerprints (
  sha256       text NOT NULL REFERENCES blobs(sha256),
  tool         text NOT NULL,
  status       text NOT NULL CHECK (status IN ('ok', 'failed')),
  reason       text,
  fps          double precision,
  duration_sec double precision,
  algorithm    text,
  hashes       bytea,            -- 8 bytes per hash, big-endian, in time order
  ledger_seq   bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, tool),
  CHECK ((status = 'ok') = (hashes IS NOT NULL AND reason IS NULL))
);
CREATE TRIGGER fingerprints_append_only BEFORE UPDATE OR DELETE ON fingerprints
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();

-- The 16-bit substrings (table number × 65536 + value) of the moving frames' hashes: two hashes
-- within 3 bits share at least one. A derived index, rebuilt from `fingerprints` if ever needed.
CREATE TABLE fingerprint_keys (
  key    integer NOT NULL,
  sha256 text NOT NULL REFERENCES blobs(sha256),
  PRIMARY KEY (key, sha256)
);
CREATE INDEX fingerprint_keys_sha256 ON fingerprint_keys (sha256);

-- Groups are conclusions that new evidence can extend or merge (a later export joins a group, a
-- video bridges two groups), so membership rows change; every change is a `duplicates-found`
-- ledger entry written in the same transaction, which is the history.
CREATE TABLE duplicate_groups (
  id               bigserial PRIMARY KEY,
  case_id          bigint NOT NULL REFERENCES cases(id),
  reference_sha256 text NOT NULL REFERENCES blobs(sha256),
  reference_sec    double precision NOT NULL,
  merged_into      bigint REFERENCES duplicate_groups(id),
  ledger_seq       bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX duplicate_groups_case ON duplicate_groups (case_id);

CREATE TABLE duplicate_members (
  case_id      bigint NOT NULL REFERENCES cases(id),
  sha256       text NOT NULL REFERENCES blobs(sha256),
  group_id     bigint NOT NULL REFERENCES duplicate_groups(id),
  kind         text NOT NULL CHECK (kind IN ('exact', 're-encoded', 'segment')),
  offset_sec   double precision NOT NULL,   -- where this video starts on the reference's timeline
  duration_sec double precision NOT NULL,
  similarity   double precision NOT NULL CHECK (similarity >= 0 AND similarity <= 1),
  ledger_seq   bigint NOT NULL,
  PRIMARY KEY (case_id, sha256)
);
CREATE INDEX duplicate_members_group ON duplicate_members (group_id);
