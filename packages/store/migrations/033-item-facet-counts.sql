-- Facet counts of the items browser kept current by the database (ADR 0023), so that a list does
-- not count 100,000 index rows on every request. Derived from item_index, rebuildable, never
-- evidence.
--
-- One row per combination of the facet columns (and, for tag rows, one taxonomy term) with how many
-- items of the case have it. Rows are deltas: statement triggers on item_index append what each
-- statement added (+n) and took away (−n), so concurrent writers never wait for each other on a
-- shared counter row; the sum of a combination's rows is its count, in every snapshot the same as
-- counting item_index itself. Reads fold the rows of a case back into one per combination when
-- they have piled up (custodia_item_facets_compact).
CREATE TABLE item_facet_counts (
  case_id       bigint NOT NULL,
  kind          text NOT NULL,
  status        text NOT NULL,
  camera        text,
  has_activity  boolean NOT NULL,
  duplicate     boolean NOT NULL,
  review_state  text NOT NULL,
  -- NULL: the items themselves; a term id: the items of that combination carrying that tag.
  tag           bigint,
  n             bigint NOT NULL
);
CREATE INDEX item_facet_counts_case ON item_facet_counts (case_id);

-- The delta rows of a set of index rows (sign +1 or −1), grouped by combination.
CREATE FUNCTION custodia_item_facets_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, tag, n)
      SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0, r.duplicate_group IS NOT NULL, r.review_state, t.tag, count(*)
      FROM new_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, tag, n)
      SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0, r.duplicate_group IS NOT NULL, r.review_state, t.tag, -count(*)
      FROM old_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  ELSE
    -- Most updates (a poster, a duration) change no facet: their +1 and −1 cancel and nothing is written.
    INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, tag, n)
      SELECT case_id, kind, status, camera, has, dup, review_state, tag, sum(d)
      FROM (SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0 AS has, r.duplicate_group IS NOT NULL AS dup, r.review_state, t.tag, 1 AS d
              FROM new_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t
            UNION ALL
            SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0, r.duplicate_group IS NOT NULL, r.review_state, t.tag, -1
              FROM old_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t) x
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
      HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER item_index_facets_insert AFTER INSERT ON item_index
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION custodia_item_facets_apply();
CREATE TRIGGER item_index_facets_update AFTER UPDATE ON item_index
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION custodia_item_facets_apply();
CREATE TRIGGER item_index_facets_delete AFTER DELETE ON item_index
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION custodia_item_facets_apply();

-- Folds a case's delta rows into one row per combination. Safe beside writers and other folds: a
-- fold deletes only the rows its snapshot sees (a row another fold deleted first is skipped) and
-- inserts their sum; rows committed meanwhile are left for the next fold.
CREATE FUNCTION custodia_item_facets_compact(c bigint) RETURNS void LANGUAGE sql AS $$
  WITH d AS (DELETE FROM item_facet_counts WHERE case_id = c RETURNING *)
  INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, tag, n)
    SELECT case_id, kind, status, camera, has_activity, duplicate, review_state, tag, sum(n)
    FROM d GROUP BY case_id, kind, status, camera, has_activity, duplicate, review_state, tag
    HAVING sum(n) <> 0
$$;

-- Sort keys of the items browser, each with the item id after it (keyset pagination): a filtered
-- list sorted by one of them reads the first page from the index instead of sorting every match.
-- The overlay clock's epoch does not depend on the time zone, whatever extract()'s label says.
CREATE FUNCTION custodia_epoch(t timestamptz) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT extract(epoch FROM t)::float8
$$;
CREATE INDEX item_index_case_size ON item_index (case_id, (COALESCE(size, -1)), item_id);
CREATE INDEX item_index_case_duration ON item_index (case_id, (COALESCE(duration_sec, -1)), item_id);
CREATE INDEX item_index_case_activity ON item_index (case_id, activity_seconds, item_id);
CREATE INDEX item_index_case_recorded ON item_index (case_id, (COALESCE(custodia_epoch(overlay_start), -1e12)), item_id);

-- Items indexed before this migration.
INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, tag, n)
  SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0, r.duplicate_group IS NOT NULL, r.review_state, t.tag, count(*)
  FROM item_index r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
