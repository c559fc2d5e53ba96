-- Media pipeline results. Keyed by the blob, not the item: exact duplicates are processed once.

-- ffprobe's facts about a blob, normalised (or why it could not be probed).
CREATE TABLE media_probes (
  sha256           text NOT NULL REFERENCES blobs(sha256),
  tool             text NOT NULL,
  status           text NOT NULL CHECK (status IN ('ok', 'failed')),
  failure_kind     text,
  failure_message  text,
  facts            jsonb NOT NULL,
  ledger_seq       bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, tool)
);

-- Derivatives: new blobs made from an original (or from another derivative), never replacing it.
CREATE TABLE derivatives (
  id             bigserial PRIMARY KEY,
  sha256         text NOT NULL REFERENCES blobs(sha256),
  source_sha256  text NOT NULL REFERENCES blobs(sha256),
  kind           text NOT NULL CHECK (kind IN ('proxy', 'poster', 'filmstrip', 'salvage')),
  tool           text NOT NULL,
  recipe         jsonb NOT NULL,
  ledger_seq     bigint NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_sha256, kind, tool)
);
CREATE INDEX derivatives_sha256 ON derivatives (sha256);

CREATE TRIGGER media_probes_append_only BEFORE UPDATE OR DELETE ON media_probes
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER derivatives_append_only BEFORE UPDATE OR DELETE ON derivatives
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
