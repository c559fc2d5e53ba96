-- Captured copies that concern the source's own legal exposure (ADR 0021). A source's captured copy
-- is an evidence item of the case; when it supports a record that exists only under the
-- `source-identity` grant (a source-exposure proceeding's event, a claim about the person who is the
-- source) — or when it was uploaded as such — the item is protected: for members without the grant
-- it is absent from the items list, its facets and search, the item view, derivative bytes, the
-- case dashboard, the court export and the public site, exactly as an item that does not exist.
-- Protection is never lifted by the program (withdrawing the claim leaves the copy protected).
CREATE TABLE protected_items (
  item_id       bigint PRIMARY KEY REFERENCES items(id),
  case_id       bigint NOT NULL REFERENCES cases(id),
  -- Only this grant for now; kept as a column so that the rule reads where it is stored.
  grant_name    text NOT NULL DEFAULT 'source-identity' CHECK (grant_name = 'source-identity'),
  protected_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX protected_items_case ON protected_items (case_id);

-- Protects the captured copies of the case's sources cited by a claim about a hidden record.
CREATE FUNCTION custodia_protect_captured_copies(c bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO protected_items (item_id, case_id)
  SELECT DISTINCT s.item_id, s.case_id
    FROM accountability_claims cl
    JOIN accountability_sources s ON s.id = cl.source_id
    LEFT JOIN accountability_events e ON e.id = cl.event_id
    LEFT JOIN accountability_proceedings p ON p.id = e.proceeding_id
    LEFT JOIN persons pe ON pe.id = cl.person_id
   WHERE cl.case_id = c AND s.item_id IS NOT NULL AND (p.source_exposure OR pe.is_source)
  ON CONFLICT (item_id) DO NOTHING;
END $$;

-- Every write that can make a copy support a hidden record runs the rule, in its own transaction:
-- a claim added, a proceeding turned into the source's exposure, a copy attached to a source, a
-- person marked as the source (also through `custodia accountability import`).
CREATE FUNCTION custodia_protect_on_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM custodia_protect_captured_copies(NEW.case_id); RETURN NULL; END $$;
CREATE TRIGGER protect_on_claim AFTER INSERT OR UPDATE ON accountability_claims
  FOR EACH ROW EXECUTE FUNCTION custodia_protect_on_claim();
CREATE TRIGGER protect_on_proceeding AFTER UPDATE OF source_exposure ON accountability_proceedings
  FOR EACH ROW WHEN (NEW.source_exposure) EXECUTE FUNCTION custodia_protect_on_claim();
CREATE TRIGGER protect_on_source AFTER UPDATE OF item_id ON accountability_sources
  FOR EACH ROW WHEN (NEW.item_id IS NOT NULL) EXECUTE FUNCTION custodia_protect_on_claim();
CREATE TRIGGER protect_on_person AFTER UPDATE OF is_source ON persons
  FOR EACH ROW WHEN (NEW.is_source) EXECUTE FUNCTION custodia_protect_on_claim();
