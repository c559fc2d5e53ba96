-- The accountability tracker (ADR 0019): what the evidence changed, followed for years. Proceedings
-- (dismissals, disciplinary measures, criminal cases, the source's own legal exposure) with a status
-- timeline of events; sources (a web page, a document, a video) whose captured copy is an evidence
-- item of the case; claims quoting a source verbatim, attached to an event or to an official's
-- position; links from proceedings to incidents and evidence segments.
-- Rules (roles, the source-identity grant, what goes to the ledger) live in @custodia/core.

-- Officials' posts get the unit and rank they held; the source of the case is a person like any
-- other, but seen only by members with the `source-identity` grant.
ALTER TABLE person_positions ADD COLUMN unit text CHECK (unit IS NULL OR length(unit) BETWEEN 1 AND 300);
ALTER TABLE person_positions ADD COLUMN rank text CHECK (rank IS NULL OR length(rank) BETWEEN 1 AND 300);
ALTER TABLE persons ADD COLUMN is_source boolean NOT NULL DEFAULT false;
-- The key a person had in an imported file (`custodia accountability import`): importing again adds nothing.
ALTER TABLE persons ADD COLUMN import_key text;
CREATE UNIQUE INDEX persons_import_key ON persons (case_id, import_key) WHERE import_key IS NOT NULL;

CREATE TABLE accountability_sources (
  id            bigserial PRIMARY KEY,
  case_id       bigint NOT NULL REFERENCES cases(id),
  kind          text NOT NULL CHECK (kind IN ('web-page', 'document', 'video')),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  publisher     text CHECK (publisher IS NULL OR length(publisher) BETWEEN 1 AND 300),
  url           text CHECK (url IS NULL OR length(url) BETWEEN 1 AND 2000),
  -- "YYYY", "YYYY-MM" or "YYYY-MM-DD": a report is often dated only by month or year.
  published_on  text CHECK (published_on IS NULL OR published_on ~ '^\d{4}(-\d{2}(-\d{2})?)?$'),
  retrieved_at  timestamptz,
  -- The captured copy, preserved in the vault like any evidence (hashed, ledgered).
  item_id       bigint REFERENCES items(id),
  import_key    text,
  created_by    bigint NOT NULL REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  version       integer NOT NULL DEFAULT 1
);
CREATE INDEX accountability_sources_case ON accountability_sources (case_id, id);
CREATE UNIQUE INDEX accountability_sources_import_key ON accountability_sources (case_id, import_key) WHERE import_key IS NOT NULL;

CREATE TABLE accountability_proceedings (
  id                bigserial PRIMARY KEY,
  case_id           bigint NOT NULL REFERENCES cases(id),
  type              text NOT NULL CHECK (type IN ('criminal-case', 'disciplinary-measure', 'dismissal', 'prosecutor-inquiry', 'court-hearing',
                      'arrest-in-absentia', 'wanted-list-entry', 'asylum-application', 'charge', 'case-dismissed', 'other')),
  title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  subject_ids       bigint[] NOT NULL DEFAULT '{}',
  unnamed_subjects  integer NOT NULL DEFAULT 0 CHECK (unnamed_subjects >= 0),
  authority         text CHECK (authority IS NULL OR length(authority) BETWEEN 1 AND 300),
  legal_article     text CHECK (legal_article IS NULL OR length(legal_article) BETWEEN 1 AND 300),
  facility_id       bigint REFERENCES facilities(id),
  -- The source's own legal exposure: shown only to members with the `source-identity` grant,
  -- absent (not masked) for everyone else, in lists, counts, search, exports and the dashboard.
  source_exposure   boolean NOT NULL DEFAULT false,
  import_key        text,
  created_by        bigint NOT NULL REFERENCES users(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1
);
CREATE INDEX accountability_proceedings_case ON accountability_proceedings (case_id, id);
CREATE INDEX accountability_proceedings_subjects ON accountability_proceedings USING gin (subject_ids);
CREATE UNIQUE INDEX accountability_proceedings_import_key ON accountability_proceedings (case_id, import_key) WHERE import_key IS NOT NULL;

-- The status timeline of a proceeding. `occurred_on` keeps the precision the sources give.
CREATE TABLE accountability_events (
  id             bigserial PRIMARY KEY,
  proceeding_id  bigint NOT NULL REFERENCES accountability_proceedings(id),
  occurred_on    text CHECK (occurred_on IS NULL OR occurred_on ~ '^\d{4}(-\d{2}(-\d{2})?)?$'),
  status         text NOT NULL CHECK (status IN ('opened', 'announced', 'in-progress', 'in-court', 'convicted', 'acquitted', 'closed',
                   'dismissed', 'granted', 'refused', 'other')),
  summary        text NOT NULL CHECK (length(summary) BETWEEN 1 AND 5000),
  created_by     bigint NOT NULL REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  version        integer NOT NULL DEFAULT 1
);
CREATE INDEX accountability_events_proceeding ON accountability_events (proceeding_id, id);

-- A claim: a verbatim quote of a source supporting an event or an official's position. A position
-- claim keeps the position as it read when claimed (positions are rewritten when a person is edited).
CREATE TABLE accountability_claims (
  id              bigserial PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES cases(id),
  source_id       bigint NOT NULL REFERENCES accountability_sources(id),
  quote           text NOT NULL CHECK (length(quote) BETWEEN 1 AND 5000),
  confidence      text NOT NULL CHECK (confidence IN ('low', 'medium', 'high')),
  event_id        bigint REFERENCES accountability_events(id),
  person_id       bigint REFERENCES persons(id),
  position        jsonb,
  created_by      bigint NOT NULL REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((event_id IS NULL) <> (person_id IS NULL)),
  CHECK ((person_id IS NULL) = (position IS NULL))
);
CREATE INDEX accountability_claims_event ON accountability_claims (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX accountability_claims_person ON accountability_claims (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX accountability_claims_source ON accountability_claims (source_id);

-- What a proceeding relates to: an incident, or a segment of an evidence item.
CREATE TABLE accountability_links (
  id             bigserial PRIMARY KEY,
  proceeding_id  bigint NOT NULL REFERENCES accountability_proceedings(id),
  incident_id    bigint REFERENCES incidents(id),
  item_id        bigint REFERENCES items(id),
  start_sec      double precision CHECK (start_sec IS NULL OR start_sec >= 0),
  end_sec        double precision CHECK (end_sec IS NULL OR end_sec >= start_sec),
  created_by     bigint NOT NULL REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((incident_id IS NULL) <> (item_id IS NULL)),
  CHECK (item_id IS NOT NULL OR (start_sec IS NULL AND end_sec IS NULL))
);
CREATE INDEX accountability_links_proceeding ON accountability_links (proceeding_id);

-- Every import of an accountability file (`custodia accountability import`): which file (its hash),
-- its label (shown on the dashboard) and what it added.
CREATE TABLE accountability_imports (
  id            bigserial PRIMARY KEY,
  case_id       bigint NOT NULL REFERENCES cases(id),
  file_sha256   text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  label         text,
  created       jsonb NOT NULL,
  imported_by   bigint NOT NULL REFERENCES users(id),
  imported_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accountability_imports_case ON accountability_imports (case_id, id);
