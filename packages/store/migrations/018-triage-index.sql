-- Triage results feed the items browser's index (migration 011): the camera read from the overlay
-- (matched to a facility camera when one's overlay label matches), the overlay clock's start time,
-- the near-duplicate group, and the OCR text as a search document. Trigger-fed and derived, like the
-- rest of the index; back-filled at the end for what was recorded before.

-- The same folding as normaliseOverlayLabel (@custodia/core facilities): case, punctuation, and Latin
-- look-alikes of Cyrillic letters inside Cyrillic (or all-look-alike) words. Letters are listed
-- explicitly: lower() and [[:alnum:]] do not know Cyrillic under the C locale.
CREATE FUNCTION custodia_overlay_label_norm(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(
           CASE WHEN w ~ '[а-яё]' OR w ~ '^[abcehkmoptxy]+$' THEN translate(w, 'abcehkmoptxyё', 'авсенкмортхуе') ELSE w END,
           ' ' ORDER BY n), '')
  FROM regexp_split_to_table(
         btrim(regexp_replace(
           translate(lower(normalize(t, NFKC)), 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ', 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя'),
           '[^0-9a-zа-яё]+', ' ', 'g')),
         ' ') WITH ORDINALITY AS s(w, n)
  WHERE w <> ''
$$;

-- The facility camera whose overlay label matches, or null when none or several do (an ambiguous
-- match is no match, as in matchCamera).
CREATE FUNCTION custodia_match_camera(label text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN count(*) = 1 THEN min(COALESCE(overlay_label, name)) END
  FROM facilities WHERE kind = 'camera' AND overlay_label_norm = custodia_overlay_label_norm(label)
$$;

-- The overlay run an original's facts come from: its own (else its salvaged copy's), latest first.
CREATE FUNCTION custodia_item_index_overlay(s text) RETURNS TABLE (sha256 text, tool text, start_time timestamptz, camera_label text)
LANGUAGE sql STABLE AS $$
  SELECT r.sha256, r.tool, r.start_time, r.camera_label FROM overlay_runs r
  WHERE r.sha256 IN (SELECT custodia_item_index_sources(s))
  ORDER BY (r.sha256 = s) DESC, r.created_at DESC, r.tool LIMIT 1
$$;

CREATE FUNCTION custodia_item_index_triage(s text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  o record;
  cam text;
  doc text;
BEGIN
  IF s IS NULL THEN RETURN; END IF;
  SELECT * INTO o FROM custodia_item_index_overlay(s);
  IF o.sha256 IS NOT NULL AND o.camera_label IS NOT NULL AND btrim(o.camera_label) <> '' THEN
    cam := COALESCE(custodia_match_camera(o.camera_label), btrim(o.camera_label));
  END IF;
  UPDATE item_index ix SET
    camera = cam,
    overlay_start = o.start_time,
    duplicate_group = COALESCE(
      (SELECT COALESCE(g.merged_into, m.group_id)::text FROM duplicate_members m JOIN duplicate_groups g ON g.id = m.group_id
        WHERE m.case_id = ix.case_id AND m.sha256 IN (SELECT custodia_item_index_sources(s))
        ORDER BY (m.sha256 = s) DESC LIMIT 1),
      CASE WHEN EXISTS (SELECT 1 FROM item_index x WHERE x.case_id = ix.case_id AND x.sha256 = s AND x.item_id <> ix.item_id) THEN s END)
  WHERE ix.sha256 = s;

  DELETE FROM search_docs d USING item_index ix WHERE d.item_id = ix.item_id AND ix.sha256 = s AND d.source = 'ocr';
  IF o.sha256 IS NOT NULL THEN
    SELECT concat_ws(' ', o.camera_label, cam, string_agg(DISTINCT r.text, ' ')) INTO doc
      FROM overlay_readings r WHERE r.sha256 = o.sha256 AND r.tool = o.tool;
    IF btrim(coalesce(doc, '')) <> '' THEN
      INSERT INTO search_docs (case_id, item_id, source, tsv)
        SELECT ix.case_id, ix.item_id, 'ocr', custodia_search_vector(doc) FROM item_index ix WHERE ix.sha256 = s;
    END IF;
  END IF;
END
$$;

-- An overlay run's readings are inserted after the run in the same transaction: the index is
-- refreshed at commit, when they are all there.
CREATE FUNCTION custodia_item_index_on_triage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s text;
BEGIN
  s := to_jsonb(NEW) ->> 'sha256';
  PERFORM custodia_item_index_triage(s);
  PERFORM custodia_item_index_triage(d.source_sha256) FROM derivatives d WHERE d.sha256 = s AND d.kind = 'salvage';
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER overlay_runs_index AFTER INSERT ON overlay_runs
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_triage();
CREATE TRIGGER duplicate_members_index AFTER INSERT OR UPDATE ON duplicate_members
  FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_triage();

-- A merged group's members follow the group they were merged into.
CREATE FUNCTION custodia_item_index_on_group_merge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM custodia_item_index_triage(m.sha256) FROM duplicate_members m WHERE m.group_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER duplicate_groups_index AFTER UPDATE OF merged_into ON duplicate_groups
  FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_group_merge();

-- A later item holding an already-read blob (fires after items_index, which creates its row). Most
-- new items are new blobs with nothing to copy: no update, so no dead row version, for those.
CREATE FUNCTION custodia_item_index_on_item_triage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sha256 IS NOT NULL AND (
       EXISTS (SELECT 1 FROM overlay_runs r WHERE r.sha256 IN (SELECT custodia_item_index_sources(NEW.sha256)))
       OR EXISTS (SELECT 1 FROM duplicate_members m WHERE m.case_id = NEW.case_id AND m.sha256 IN (SELECT custodia_item_index_sources(NEW.sha256)))) THEN
    PERFORM custodia_item_index_triage(NEW.sha256);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER items_triage_index AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_item_triage();

-- A camera given (or changed) an overlay label claims the recordings whose label matches it.
CREATE FUNCTION custodia_item_index_on_camera() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind = 'camera' THEN
    PERFORM custodia_item_index_triage(ix.sha256) FROM (
      SELECT DISTINCT i.sha256 FROM item_index i
      WHERE i.sha256 IS NOT NULL AND EXISTS (
        SELECT 1 FROM overlay_runs r WHERE r.sha256 IN (SELECT custodia_item_index_sources(i.sha256))
          AND custodia_overlay_label_norm(r.camera_label) IN (NEW.overlay_label_norm, OLD.overlay_label_norm))) ix;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER facilities_camera_index AFTER UPDATE OF overlay_label_norm ON facilities
  FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_camera();
CREATE FUNCTION custodia_item_index_on_new_camera() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind = 'camera' AND NEW.overlay_label_norm IS NOT NULL THEN
    PERFORM custodia_item_index_triage(ix.sha256) FROM (
      SELECT DISTINCT i.sha256 FROM item_index i
      WHERE i.sha256 IS NOT NULL AND EXISTS (
        SELECT 1 FROM overlay_runs r WHERE r.sha256 IN (SELECT custodia_item_index_sources(i.sha256))
          AND custodia_overlay_label_norm(r.camera_label) = NEW.overlay_label_norm)) ix;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER facilities_new_camera_index AFTER INSERT ON facilities
  FOR EACH ROW EXECUTE FUNCTION custodia_item_index_on_new_camera();

CREATE INDEX item_index_case_overlay ON item_index (case_id, overlay_start);

-- Recorded before this migration.
SELECT custodia_item_index_triage(s.sha256) FROM (
  SELECT DISTINCT i.sha256 FROM item_index i WHERE i.sha256 IS NOT NULL AND (
    EXISTS (SELECT 1 FROM overlay_runs r WHERE r.sha256 IN (SELECT custodia_item_index_sources(i.sha256)))
    OR EXISTS (SELECT 1 FROM duplicate_members m WHERE m.sha256 IN (SELECT custodia_item_index_sources(i.sha256))))) s;
