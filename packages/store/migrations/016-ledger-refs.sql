-- Which case each custody-ledger entry concerns, for the ledger view ("who did what in this case")
-- without parsing a million entries per request. Fed by a trigger, so every writer of the ledger
-- (ingest, pipeline, server, documentation) is indexed without knowing about it.
-- An entry whose details name a case belongs to that case only (a "viewed" entry of a blob shared
-- by two cases must not show one case's readers to the other); an entry naming no case is indexed
-- by its subjects' hashes and belongs to every case holding those blobs.
CREATE TABLE ledger_refs (
  seq      bigint NOT NULL REFERENCES ledger_entries(seq),
  case_id  bigint,
  sha256   text,
  -- Copied from the entry so that "what did this person do" needs no JSON parsing.
  actor    text NOT NULL,
  action   text NOT NULL,
  CHECK ((case_id IS NULL) <> (sha256 IS NULL))
);
CREATE INDEX ledger_refs_case ON ledger_refs (case_id, seq) WHERE case_id IS NOT NULL;
CREATE INDEX ledger_refs_case_actor ON ledger_refs (case_id, actor, seq) WHERE case_id IS NOT NULL;
CREATE INDEX ledger_refs_sha256 ON ledger_refs (sha256, seq) WHERE sha256 IS NOT NULL;
CREATE INDEX ledger_refs_blob_seq ON ledger_refs (seq) WHERE sha256 IS NOT NULL;
CREATE INDEX ledger_refs_blob_actor ON ledger_refs (actor, seq) WHERE sha256 IS NOT NULL;

CREATE FUNCTION custodia_ledger_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  e jsonb := NEW.entry::jsonb;
BEGIN
  IF jsonb_typeof(e -> 'details' -> 'case') = 'number' THEN
    INSERT INTO ledger_refs (seq, case_id, actor, action) VALUES (NEW.seq, (e -> 'details' ->> 'case')::bigint, e ->> 'actor', NEW.action);
  ELSIF jsonb_typeof(e -> 'subjects') = 'array' THEN
    INSERT INTO ledger_refs (seq, sha256, actor, action)
      SELECT DISTINCT NEW.seq, s, e ->> 'actor', NEW.action FROM jsonb_array_elements_text(e -> 'subjects') AS s;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER ledger_entries_refs AFTER INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION custodia_ledger_refs();

INSERT INTO ledger_refs (seq, case_id, actor, action)
  SELECT seq, (entry::jsonb -> 'details' ->> 'case')::bigint, entry::jsonb ->> 'actor', action FROM ledger_entries
  WHERE jsonb_typeof(entry::jsonb -> 'details' -> 'case') = 'number';
INSERT INTO ledger_refs (seq, sha256, actor, action)
  SELECT DISTINCT l.seq, s, l.entry::jsonb ->> 'actor', l.action FROM ledger_entries l, jsonb_array_elements_text(l.entry::jsonb -> 'subjects') AS s
  WHERE jsonb_typeof(l.entry::jsonb -> 'details' -> 'case') <> 'number' OR l.entry::jsonb -> 'details' -> 'case' IS NULL;
