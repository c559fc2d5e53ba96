-- Documentation feeds the items browser's index (migration 011): annotation notes and incident
-- texts become search documents of the items they concern, and each item's `tags` (taxonomy terms
-- of its live annotations and of the incidents citing it) and `review_state` follow every change.
-- Trigger-fed, so no write path can forget it; derived and rebuildable, never evidence.

CREATE FUNCTION custodia_doc_refresh_item(p_item bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE item_index ix SET
    tags = COALESCE((
      SELECT array_agg(DISTINCT t ORDER BY t) FROM (
        SELECT unnest(a.term_ids) AS t FROM annotations a WHERE a.item_id = p_item AND NOT a.deleted
        UNION ALL
        SELECT unnest(i.term_ids) FROM incident_segments g JOIN incidents i ON i.id = g.incident_id
          WHERE g.item_id = p_item AND g.removed_at IS NULL) terms), '{}'),
    review_state = COALESCE((
      SELECT i.status FROM incident_segments g JOIN incidents i ON i.id = g.incident_id
        WHERE g.item_id = p_item AND g.removed_at IS NULL
        ORDER BY array_position(ARRAY['unreviewed', 'in-review', 'disputed', 'verified'], i.status) DESC LIMIT 1),
      CASE WHEN EXISTS (SELECT 1 FROM annotations a WHERE a.item_id = p_item AND NOT a.deleted) THEN 'annotated' ELSE 'none' END)
  WHERE ix.item_id = p_item
$$;

CREATE FUNCTION custodia_doc_on_annotation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM search_docs WHERE source = 'annotation' AND ref_id = NEW.id;
  IF NOT NEW.deleted AND NEW.note <> '' THEN
    INSERT INTO search_docs (case_id, item_id, source, ref_id, tsv)
      VALUES (NEW.case_id, NEW.item_id, 'annotation', NEW.id, custodia_search_vector(NEW.note));
  END IF;
  PERFORM custodia_doc_refresh_item(NEW.item_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER annotations_index AFTER INSERT OR UPDATE ON annotations
  FOR EACH ROW EXECUTE FUNCTION custodia_doc_on_annotation();

-- An incident's title, place and description are a search document of every item it cites.
CREATE FUNCTION custodia_doc_sync_incident(p_incident bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  touched bigint[];
BEGIN
  WITH gone AS (DELETE FROM search_docs WHERE source = 'incident' AND ref_id = p_incident RETURNING item_id)
    SELECT array_agg(item_id) INTO touched FROM gone;
  INSERT INTO search_docs (case_id, item_id, source, ref_id, tsv)
    SELECT DISTINCT ON (g.item_id) i.case_id, g.item_id, 'incident', i.id,
      custodia_search_vector(i.title || ' ' || coalesce(i.place, '') || ' ' || i.description)
    FROM incidents i JOIN incident_segments g ON g.incident_id = i.id AND g.removed_at IS NULL
    WHERE i.id = p_incident;
  PERFORM custodia_doc_refresh_item(x) FROM (
    SELECT unnest(coalesce(touched, '{}')) AS x
    UNION SELECT g.item_id FROM incident_segments g WHERE g.incident_id = p_incident) items;
END
$$;

CREATE FUNCTION custodia_doc_on_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM custodia_doc_sync_incident(NEW.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER incidents_index AFTER UPDATE OF title, place, description, status, term_ids ON incidents
  FOR EACH ROW EXECUTE FUNCTION custodia_doc_on_incident();

CREATE FUNCTION custodia_doc_on_segment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM custodia_doc_sync_incident(NEW.incident_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER incident_segments_index AFTER INSERT OR UPDATE OF removed_at ON incident_segments
  FOR EACH ROW EXECUTE FUNCTION custodia_doc_on_segment();
