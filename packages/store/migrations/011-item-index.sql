-- What the workspace browses and searches, kept up to date by triggers as the vault and the
-- pipeline record facts. Both tables are indexes (derived, rebuildable from the evidence tables),
-- not evidence: they change as facts arrive.

-- One row per item: the facets and sort keys of the items browser.
CREATE TABLE item_index (
  item_id           bigint PRIMARY KEY REFERENCES items(id),
  case_id           bigint NOT NULL REFERENCES cases(id),
  path              text NOT NULL,
  kind              text NOT NULL,
  status            text NOT NULL,
  sha256            text,
  size              bigint,
  duration_sec      double precision,
  poster_sha256     text,
  proxy_sha256      text,
  activity_seconds  double precision NOT NULL DEFAULT 0,
  -- Exact duplicates in the case share a group (the SHA-256); near-duplicate grouping may set it too.
  duplicate_group   text,
  -- The camera as read from the overlay or matched to a facility camera, and the overlay's start time.
  camera            text,
  overlay_start     timestamptz,
  -- Kept current by the documentation use cases (annotations, incidents): taxonomy term ids used in
  -- the item's annotations, and its review state: none | annotated | unreviewed | in-review |
  -- verified | disputed (the most advanced state of an incident citing it).
  tags              bigint[] NOT NULL DEFAULT '{}',
  review_state      text NOT NULL DEFAULT 'none'
);
CREATE INDEX item_index_tags ON item_index USING gin (tags);
-- The facet counts read only these columns: an index-only scan of this index reads a tenth of the
-- heap (once the visibility map is set by VACUUM).
-- Tag counts look only at tagged items.
CREATE INDEX item_index_tagged ON item_index (case_id) INCLUDE (item_id, tags) WHERE tags <> '{}';
CREATE INDEX item_index_facets ON item_index (case_id) INCLUDE (item_id, kind, status, camera, activity_seconds, duplicate_group, review_state);
CREATE INDEX item_index_case_path ON item_index (case_id, path, item_id);
CREATE INDEX item_index_case_sha ON item_index (case_id, sha256);
CREATE INDEX item_index_sha ON item_index (sha256);

-- Search documents: any number per item, from any source ('path', 'ocr', …); a new source adds
-- rows (from its own trigger or use case) and is searched with the rest. Russian and English
-- stemming both: an analyst may search «избиение» or "beating".
CREATE TABLE search_docs (
  id        bigserial PRIMARY KEY,
  case_id   bigint NOT NULL REFERENCES cases(id),
  item_id   bigint NOT NULL REFERENCES items(id),
  source    text NOT NULL,
  ref_id    bigint,
  tsv       tsvector NOT NULL
);
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
CREATE INDEX search_docs_item ON search_docs (item_id, source);

-- Text → tsvector with both configurations. Path separators become spaces so "cam3/2020-02-11.mp4"
-- is found by "cam3".
CREATE FUNCTION custodia_search_vector(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT to_tsvector('russian', t) || to_tsvector('english', t)
$$;
CREATE FUNCTION custodia_search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE AS $$
  SELECT websearch_to_tsquery('russian', q) || websearch_to_tsquery('english', q)
$$;
CREATE FUNCTION custodia_path_text(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT p || ' ' || regexp_replace(p, '[/\\_.!:-]+', ' ', 'g')
$$;

-- The blobs an original's facts may come from: itself, and its salvaged copy.
CREATE FUNCTION custodia_item_index_sources(s text) RETURNS SETOF text LANGUAGE sql STABLE AS $$
  SELECT s UNION SELECT d.sha256 FROM derivatives d WHERE d.source_sha256 = s AND d.kind = 'salvage'
$$;

CREATE FUNCTION custodia_item_index_refresh(s text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_index ix SET
    duration_sec = (SELECT (p.facts->>'durationSec')::double precision FROM media_probes p
                    WHERE p.sha256 IN (SELECT custodia_item_index_sources(s)) AND p.status = 'ok' AND p.facts ? 'durationSec'
                    ORDER BY (p.sha256 = s) DESC LIMIT 1),
    poster_sha256 = (SELECT d.sha256 FROM derivatives d WHERE d.source_sha256 IN (SELECT custodia_item_index_sources(s)) AND d.kind = 'poster'
                     ORDER BY (d.source_sha256 = s) DESC, d.id LIMIT 1),
    proxy_sha256 = (SELECT d.sha256 FROM derivatives d WHERE d.source_sha256 IN (SELECT custodia_item_index_sources(s)) AND d.kind = 'proxy'
                    ORDER BY (d.source_sha256 = s) DESC, d.id LIMIT 1),
    activity_seconds = COALESCE((SELECT sum(g.end_sec - g.start_sec) FROM segments g WHERE g.sha256 IN (SELECT custodia_item_index_sources(s)) AND g.kind = 'activity'), 0)
  WHERE ix.sha256 = s;
END
$$;

CREATE FUNCTION custodia_item_index_on_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_index (item_id, case_id, path, kind, status, sha256, size)
    VALUES (NEW.id, NEW.case_id, NEW.display_path, NEW.kind, NEW.status, NEW.sha256, NEW.size);
  INSERT INTO search_docs (case_id, item_id, source, tsv)
    VALUES (NEW.case_id, NEW.id, 'path', custodia_search_vector(custodia_path_text(NEW.display_path)));
  IF NEW.sha256 IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM item_index WHERE case_id = NEW.case_id AND sha256 = NEW.sha256 AND item_id <> NEW.id) THEN
      UPDATE item_index SET duplicate_group = NEW.sha256 WHERE case_id = NEW.case_id AND sha256 = NEW.sha256 AND duplicate_group IS NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM media_probes WHERE sha256 = NEW.sha256) THEN
      PERFORM custodia_item_index_refresh(NEW.sha256);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER items_index AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_item();

-- A fact about a blob (or about its salvaged copy) refreshes the items holding the original.
CREATE FUNCTION custodia_item_index_on_fact() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s text;
BEGIN
  s := to_jsonb(NEW) ->> TG_ARGV[0];
  PERFORM custodia_item_index_refresh(s);
  PERFORM custodia_item_index_refresh(d.source_sha256) FROM derivatives d WHERE d.sha256 = s AND d.kind = 'salvage';
  RETURN NULL;
END
$$;
CREATE TRIGGER media_probes_index AFTER INSERT ON media_probes FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_fact('sha256');
CREATE TRIGGER derivatives_index AFTER INSERT ON derivatives FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_fact('source_sha256');
CREATE TRIGGER segments_index AFTER INSERT ON segments FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_fact('sha256');

-- Items recorded before this migration.
INSERT INTO item_index (item_id, case_id, path, kind, status, sha256, size)
  SELECT id, case_id, display_path, kind, status, sha256, size FROM items;
INSERT INTO search_docs (case_id, item_id, source, tsv)
  SELECT case_id, id, 'path', custodia_search_vector(custodia_path_text(display_path)) FROM items;
UPDATE item_index ix SET duplicate_group = ix.sha256
  WHERE ix.sha256 IS NOT NULL AND EXISTS (SELECT 1 FROM item_index o WHERE o.case_id = ix.case_id AND o.sha256 = ix.sha256 AND o.item_id <> ix.item_id);
SELECT custodia_item_index_refresh(s.sha256) FROM (SELECT DISTINCT sha256 FROM item_index WHERE sha256 IS NOT NULL) s;

-- Which ledger entries name an item (details.item): an item's custody history (ingested, viewed,
-- annotated, …) without parsing the ledger. Facts about its blob are found from the evidence
-- tables' own ledger_seq columns.
CREATE TABLE ledger_item_refs (
  item_id  bigint NOT NULL,
  seq      bigint NOT NULL REFERENCES ledger_entries(seq),
  PRIMARY KEY (item_id, seq)
);

CREATE FUNCTION custodia_ledger_item_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  e jsonb := NEW.entry::jsonb;
BEGIN
  IF jsonb_typeof(e -> 'details' -> 'item') = 'number' THEN
    INSERT INTO ledger_item_refs (item_id, seq) VALUES ((e -> 'details' ->> 'item')::bigint, NEW.seq) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER ledger_entries_item_refs AFTER INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION custodia_ledger_item_refs();

INSERT INTO ledger_item_refs (item_id, seq)
  SELECT (entry::jsonb -> 'details' ->> 'item')::bigint, seq FROM ledger_entries
  WHERE jsonb_typeof(entry::jsonb -> 'details' -> 'item') = 'number'
  ON CONFLICT DO NOTHING;
