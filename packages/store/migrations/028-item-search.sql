-- One merged search document per item (ADR 0011, amended 2026-11-30). `search_docs` keeps one row per
-- source text (path, annotation note, incident text, OCR) so that each source can replace its own;
-- a common word matched hundreds of thousands of those rows, which all had to be read to learn a
-- few tens of thousands of item ids. `item_search` holds the concatenation of an item's documents:
-- one row per item, kept by statement triggers on `search_docs`, so every write path that feeds
-- search_docs feeds this too. Derived and rebuildable, never evidence.

-- Concatenation of tsvectors (positions of each next one shifted past the previous, as `||` does).
CREATE AGGREGATE custodia_tsv_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');

-- The vectors live out of line (TOAST) once over 128 bytes: the table's own pages hold only ids, so
-- learning which items match a word reads a hundred rows per page. The GIN index answers plain word
-- queries without reading the vectors themselves.
CREATE TABLE item_search (
  item_id  bigint PRIMARY KEY REFERENCES items(id),
  case_id  bigint NOT NULL REFERENCES cases(id),
  tsv      tsvector NOT NULL
) WITH (toast_tuple_target = 128);
CREATE INDEX item_search_tsv ON item_search USING gin (tsv);

-- New documents are appended to their items' merged documents.
CREATE FUNCTION custodia_item_search_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_search (item_id, case_id, tsv)
    SELECT item_id, min(case_id), custodia_tsv_agg(tsv ORDER BY id) FROM new_docs GROUP BY item_id
  ON CONFLICT (item_id) DO UPDATE SET tsv = item_search.tsv || EXCLUDED.tsv;
  RETURN NULL;
END
$$;
CREATE TRIGGER search_docs_merge_insert AFTER INSERT ON search_docs
  REFERENCING NEW TABLE AS new_docs FOR EACH STATEMENT EXECUTE FUNCTION custodia_item_search_on_insert();

-- A word cannot be taken out of a merged vector (another document may hold it too): the items whose
-- documents were removed or changed are merged again from what is left.
CREATE FUNCTION custodia_item_search_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_search s SET tsv = COALESCE((SELECT custodia_tsv_agg(d.tsv ORDER BY d.id) FROM search_docs d WHERE d.item_id = s.item_id), '')
    WHERE s.item_id IN (SELECT DISTINCT item_id FROM old_docs);
  RETURN NULL;
END
$$;
CREATE TRIGGER search_docs_merge_delete AFTER DELETE ON search_docs
  REFERENCING OLD TABLE AS old_docs FOR EACH STATEMENT EXECUTE FUNCTION custodia_item_search_rebuild();
-- Documents are replaced by delete and insert; an update (a repair by hand) rebuilds old and new items.
CREATE FUNCTION custodia_item_search_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_search (item_id, case_id, tsv)
    SELECT DISTINCT ON (item_id) item_id, case_id, '' FROM new_docs ORDER BY item_id
  ON CONFLICT (item_id) DO NOTHING;
  UPDATE item_search s SET tsv = COALESCE((SELECT custodia_tsv_agg(d.tsv ORDER BY d.id) FROM search_docs d WHERE d.item_id = s.item_id), '')
    WHERE s.item_id IN (SELECT item_id FROM old_docs UNION SELECT item_id FROM new_docs);
  RETURN NULL;
END
$$;
CREATE TRIGGER search_docs_merge_update AFTER UPDATE ON search_docs
  REFERENCING OLD TABLE AS old_docs NEW TABLE AS new_docs FOR EACH STATEMENT EXECUTE FUNCTION custodia_item_search_on_update();

-- Documents recorded before this migration.
INSERT INTO item_search (item_id, case_id, tsv)
  SELECT item_id, min(case_id), custodia_tsv_agg(tsv ORDER BY id) FROM search_docs GROUP BY item_id;
