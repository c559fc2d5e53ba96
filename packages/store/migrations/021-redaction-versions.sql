-- Every version of a redaction's recipe as written (the redactions row holds the current one), and
-- the ledger entries of the current version's render and review, so that publication can cite the
-- render entry without searching the ledger. Editing a recipe writes a new version and resets the
-- row to draft (output and review cleared); older versions, their outputs and reviews stay in the
-- ledger and here.

ALTER TABLE redactions ADD COLUMN render_ledger_seq bigint;
ALTER TABLE redactions ADD COLUMN review_ledger_seq bigint;

CREATE TABLE redaction_versions (
  redaction_id  bigint NOT NULL REFERENCES redactions(id),
  version       integer NOT NULL CHECK (version >= 1),
  title         text NOT NULL,
  recipe        jsonb NOT NULL,
  recipe_sha256 text NOT NULL CHECK (recipe_sha256 ~ '^[0-9a-f]{64}$'),
  author        bigint NOT NULL REFERENCES users(id),
  ledger_seq    bigint NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (redaction_id, version)
);

CREATE TRIGGER redaction_versions_append_only BEFORE UPDATE OR DELETE ON redaction_versions
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();

CREATE INDEX redactions_publishable ON redactions (case_id, id) WHERE status = 'approved' AND output_sha256 IS NOT NULL;
