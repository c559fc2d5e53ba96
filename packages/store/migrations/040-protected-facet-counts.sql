-- The kept facet counts know which items are protected (ADR 0031), so that a list for a member
-- without the source-identity grant reads counts that already leave protected items out (ADR 0021),
-- with no subtraction and no look-up of protected_items at read time.
--
-- protected_items stays the record of protection. Its item's index row carries a copy of it
-- (item_index.protected), written by statement triggers on protected_items in the same transaction
-- as the protection itself; item_facet_counts is keyed by that column as by any other facet, so the
-- delta triggers of migration 033 move an item's +1 between protected = false and protected = true
-- when the flag changes, like a change of kind or review state. Writers of one item meet on that
-- item's index row (the row lock any update of it takes), never on a shared counter row: protecting
-- an item and, say, a new review state of the same item are applied one after the other to the row,
-- and each delta is computed from the row versions it actually replaced.

ALTER TABLE item_index ADD COLUMN protected boolean NOT NULL DEFAULT false;
ALTER TABLE item_facet_counts ADD COLUMN protected boolean NOT NULL DEFAULT false;

-- The facet counts read the flag with the other facet columns (index-only scans, as before).
DROP INDEX item_index_facets;
CREATE INDEX item_index_facets ON item_index (case_id) INCLUDE (item_id, kind, status, camera, activity_seconds, duplicate_group, review_state, protected);
DROP INDEX item_index_tagged;
CREATE INDEX item_index_tagged ON item_index (case_id) INCLUDE (item_id, tags, protected) WHERE tags <> '{}';

-- The delta rows of a set of index rows (sign +1 or −1), grouped by combination, the flag included.
CREATE OR REPLACE FUNCTION custodia_item_facets_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, protected, tag, n)
      SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0, r.duplicate_group IS NOT NULL, r.review_state, r.protected, t.tag, count(*)
      FROM new_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, protected, tag, n)
      SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0, r.duplicate_group IS NOT NULL, r.review_state, r.protected, t.tag, -count(*)
      FROM old_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  ELSE
    -- Most updates (a poster, a duration) change no facet: their +1 and −1 cancel and nothing is written.
    INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, protected, tag, n)
      SELECT case_id, kind, status, camera, has, dup, review_state, prot, tag, sum(d)
      FROM (SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0 AS has, r.duplicate_group IS NOT NULL AS dup, r.review_state, r.protected AS prot, t.tag, 1 AS d
              FROM new_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t
            UNION ALL
            SELECT r.case_id, r.kind, r.status, r.camera, r.activity_seconds > 0, r.duplicate_group IS NOT NULL, r.review_state, r.protected, t.tag, -1
              FROM old_rows r CROSS JOIN LATERAL (SELECT NULL::bigint AS tag UNION ALL SELECT unnest(r.tags)) t) x
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END
$$;

-- Folding keeps the flag apart, like every other facet column.
CREATE OR REPLACE FUNCTION custodia_item_facets_compact(c bigint) RETURNS void LANGUAGE sql AS $$
  WITH d AS (DELETE FROM item_facet_counts WHERE case_id = c RETURNING *)
  INSERT INTO item_facet_counts (case_id, kind, status, camera, has_activity, duplicate, review_state, protected, tag, n)
    SELECT case_id, kind, status, camera, has_activity, duplicate, review_state, protected, tag, sum(n)
    FROM d GROUP BY case_id, kind, status, camera, has_activity, duplicate, review_state, protected, tag
    HAVING sum(n) <> 0
$$;

-- Protection written or lifted: the items' index rows follow, in the same transaction (the update
-- fires the delta trigger above). An item's index row is written with the item itself, so it
-- exists before any protection can name the item (protected_items.item_id references items).
CREATE FUNCTION custodia_protected_items_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE item_index ix SET protected = false
      WHERE ix.item_id IN (SELECT o.item_id FROM old_rows o) AND ix.protected
        AND NOT EXISTS (SELECT 1 FROM protected_items p WHERE p.item_id = ix.item_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE item_index ix SET protected = true WHERE ix.item_id IN (SELECT n.item_id FROM new_rows n) AND NOT ix.protected;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER protected_items_index_insert AFTER INSERT ON protected_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION custodia_protected_items_index();
CREATE TRIGGER protected_items_index_update AFTER UPDATE ON protected_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION custodia_protected_items_index();
CREATE TRIGGER protected_items_index_delete AFTER DELETE ON protected_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION custodia_protected_items_index();

-- Items protected before this migration (their counts move with the update).
UPDATE item_index ix SET protected = true WHERE ix.item_id IN (SELECT item_id FROM protected_items);
