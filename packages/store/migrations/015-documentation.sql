-- Documentation of evidence: taxonomy, facilities and cameras, persons (with protected identities
-- kept apart), versioned annotations, incidents with their evidence segments and reviews, saved views.
-- Rules (who may do what, what goes to the ledger) live in the use cases of @custodia/core; the
-- database keeps the shapes, the history tables append-only, and the full-text vectors fed.

CREATE TABLE taxonomy_terms (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('ill-treatment', 'facility-type')),
  key         text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(key) <= 80),
  labels      jsonb NOT NULL CHECK (jsonb_typeof(labels) = 'object' AND labels ? 'en' AND labels ? 'ru'),
  parent_id   bigint REFERENCES taxonomy_terms(id),
  built_in    boolean NOT NULL DEFAULT false,
  archived    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, key)
);

CREATE TABLE facilities (
  id                     bigserial PRIMARY KEY,
  kind                   text NOT NULL CHECK (kind IN ('region', 'facility', 'unit', 'camera')),
  name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  parent_id              bigint REFERENCES facilities(id),
  facility_type_term_id  bigint REFERENCES taxonomy_terms(id),
  -- The camera's name as burned into its picture (e.g. «КАМЕРА 3 ПОДЪЕЗД»), and the same text
  -- normalised for matching what overlay OCR reads.
  overlay_label          text,
  overlay_label_norm     text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'camera' OR overlay_label IS NULL),
  CHECK (kind = 'facility' OR facility_type_term_id IS NULL)
);
CREATE INDEX facilities_parent ON facilities (parent_id);
CREATE INDEX facilities_overlay ON facilities (overlay_label_norm) WHERE kind = 'camera';

CREATE TABLE persons (
  id          bigserial PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases(id),
  role        text NOT NULL CHECK (role IN ('victim', 'perpetrator', 'official', 'witness', 'other')),
  pseudonym   text NOT NULL CHECK (length(pseudonym) BETWEEN 1 AND 200),
  created_by  bigint NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  version     integer NOT NULL DEFAULT 1,
  UNIQUE (case_id, pseudonym)
);

-- Real identities, apart from everything else: read only by the use case that checks the
-- membership's `protected-identities` grant, never joined into lists, never written to the ledger
-- (the ledger gets a salted commitment: sha256(salt ‖ canonical value)).
CREATE TABLE person_identities (
  person_id   bigint PRIMARY KEY REFERENCES persons(id),
  real_name   text,
  birth_date  text,
  notes       text,
  salt        bytea NOT NULL,
  updated_by  bigint NOT NULL REFERENCES users(id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE person_positions (
  id           bigserial PRIMARY KEY,
  person_id    bigint NOT NULL REFERENCES persons(id),
  facility_id  bigint REFERENCES facilities(id),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  valid_from   date,
  valid_to     date,
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX person_positions_person ON person_positions (person_id);

CREATE TABLE incidents (
  id              bigserial PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES cases(id),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  facility_id     bigint REFERENCES facilities(id),
  camera_id       bigint REFERENCES facilities(id),
  place           text,
  occurred_from   timestamptz,
  occurred_to     timestamptz,
  time_source     text NOT NULL CHECK (time_source IN ('overlay', 'metadata', 'manual')),
  victim_ids      bigint[] NOT NULL DEFAULT '{}',
  perpetrator_ids bigint[] NOT NULL DEFAULT '{}',
  term_ids        bigint[] NOT NULL DEFAULT '{}',
  description     text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'unreviewed' CHECK (status IN ('unreviewed', 'in-review', 'verified', 'disputed')),
  confidence      text CHECK (confidence IN ('low', 'medium', 'high')),
  created_by      bigint NOT NULL REFERENCES users(id),
  submitted_by    bigint REFERENCES users(id),
  reviewed_by     bigint REFERENCES users(id),
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  search          tsvector,
  CHECK (occurred_to IS NULL OR occurred_from IS NULL OR occurred_to >= occurred_from)
);
CREATE INDEX incidents_case ON incidents (case_id, id);
CREATE INDEX incidents_search ON incidents USING gin (search);

-- Every state of an incident that was ever saved, so that a review names exactly what it reviewed.
CREATE TABLE incident_versions (
  incident_id  bigint NOT NULL REFERENCES incidents(id),
  version      integer NOT NULL,
  content      jsonb NOT NULL,
  author       bigint NOT NULL REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  ledger_seq   bigint NOT NULL,
  PRIMARY KEY (incident_id, version)
);

CREATE TABLE incident_segments (
  id             bigserial PRIMARY KEY,
  incident_id    bigint NOT NULL REFERENCES incidents(id),
  item_id        bigint NOT NULL REFERENCES items(id),
  start_sec      double precision NOT NULL CHECK (start_sec >= 0),
  end_sec        double precision NOT NULL CHECK (end_sec >= start_sec),
  annotation_id  bigint,
  added_by       bigint NOT NULL REFERENCES users(id),
  added_at       timestamptz NOT NULL DEFAULT now(),
  removed_by     bigint REFERENCES users(id),
  removed_at     timestamptz,
  ledger_seq     bigint NOT NULL
);
CREATE INDEX incident_segments_incident ON incident_segments (incident_id);
CREATE INDEX incident_segments_item ON incident_segments (item_id);

CREATE TABLE incident_reviews (
  id               bigserial PRIMARY KEY,
  incident_id      bigint NOT NULL REFERENCES incidents(id),
  incident_version integer NOT NULL,
  action           text NOT NULL CHECK (action IN ('submit', 'verify', 'dispute', 'reopen')),
  from_status      text NOT NULL,
  to_status        text NOT NULL,
  reviewer         bigint NOT NULL REFERENCES users(id),
  checklist        jsonb,
  confidence       text CHECK (confidence IN ('low', 'medium', 'high')),
  note             text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now(),
  ledger_seq       bigint NOT NULL
);
CREATE INDEX incident_reviews_incident ON incident_reviews (incident_id, id);

-- The current state of each annotation (what lists, filters and search read) …
CREATE TABLE annotations (
  id           bigserial PRIMARY KEY,
  case_id      bigint NOT NULL REFERENCES cases(id),
  item_id      bigint NOT NULL REFERENCES items(id),
  version      integer NOT NULL,
  start_sec    double precision NOT NULL CHECK (start_sec >= 0),
  end_sec      double precision NOT NULL CHECK (end_sec >= start_sec),
  term_ids     bigint[] NOT NULL DEFAULT '{}',
  person_ids   bigint[] NOT NULL DEFAULT '{}',
  incident_id  bigint REFERENCES incidents(id),
  note         text NOT NULL DEFAULT '',
  deleted      boolean NOT NULL DEFAULT false,
  created_by   bigint NOT NULL REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   bigint NOT NULL REFERENCES users(id),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX annotations_item ON annotations (item_id, start_sec) WHERE NOT deleted;
CREATE INDEX annotations_case ON annotations (case_id, id);
CREATE INDEX annotations_terms ON annotations USING gin (term_ids);

-- … and every version ever written, never changed: an edit or a deletion is a new version.
CREATE TABLE annotation_versions (
  annotation_id  bigint NOT NULL REFERENCES annotations(id),
  version        integer NOT NULL,
  start_sec      double precision NOT NULL,
  end_sec        double precision NOT NULL,
  term_ids       bigint[] NOT NULL,
  person_ids     bigint[] NOT NULL,
  incident_id    bigint,
  note           text NOT NULL,
  deleted        boolean NOT NULL,
  author         bigint NOT NULL REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  ledger_seq     bigint NOT NULL,
  PRIMARY KEY (annotation_id, version)
);

ALTER TABLE incident_segments ADD FOREIGN KEY (annotation_id) REFERENCES annotations(id);

CREATE TABLE saved_views (
  id          bigserial PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases(id),
  user_id     bigint NOT NULL REFERENCES users(id),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  query       jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, user_id, name)
);

-- Full-text search of incidents (the incidents list), Russian and English stemming both; titles
-- weigh more than descriptions. Annotation notes are searched through search_docs (migration 017).
CREATE FUNCTION custodia_incident_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search := setweight(to_tsvector('russian', NEW.title), 'A') || setweight(to_tsvector('english', NEW.title), 'A')
    || to_tsvector('russian', NEW.description) || to_tsvector('english', NEW.description)
    || to_tsvector('simple', coalesce(NEW.place, ''));
  RETURN NEW;
END
$$;
CREATE TRIGGER incidents_search BEFORE INSERT OR UPDATE OF title, description, place ON incidents
  FOR EACH ROW EXECUTE FUNCTION custodia_incident_search();

CREATE TRIGGER annotation_versions_append_only BEFORE UPDATE OR DELETE ON annotation_versions
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER incident_versions_append_only BEFORE UPDATE OR DELETE ON incident_versions
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();
CREATE TRIGGER incident_reviews_append_only BEFORE UPDATE OR DELETE ON incident_reviews
  FOR EACH ROW EXECUTE FUNCTION custodia_append_only();

-- Built-in taxonomy. Keys are stable identifiers; labels can be edited by coordinators.
INSERT INTO taxonomy_terms (kind, key, labels, built_in) VALUES
  ('ill-treatment', 'beating', '{"en": "Beating", "ru": "Избиение"}', true),
  ('ill-treatment', 'stress-positions', '{"en": "Stress positions", "ru": "Стрессовые позы"}', true),
  ('ill-treatment', 'sexual-violence', '{"en": "Sexual violence", "ru": "Сексуальное насилие"}', true),
  ('ill-treatment', 'suffocation', '{"en": "Suffocation", "ru": "Удушение"}', true),
  ('ill-treatment', 'electric-shock', '{"en": "Electric shock", "ru": "Пытка электрическим током"}', true),
  ('ill-treatment', 'threats-and-humiliation', '{"en": "Threats and humiliation", "ru": "Угрозы и унижение"}', true),
  ('ill-treatment', 'denial-of-medical-care', '{"en": "Denial of medical care", "ru": "Отказ в медицинской помощи"}', true),
  ('ill-treatment', 'restraint', '{"en": "Restraint", "ru": "Связывание и фиксация"}', true),
  ('ill-treatment', 'deprivation', '{"en": "Deprivation of sleep, food or water", "ru": "Лишение сна, пищи или воды"}', true),
  ('ill-treatment', 'forced-nudity', '{"en": "Forced nudity", "ru": "Принудительное обнажение"}', true),
  ('ill-treatment', 'dog-attacks', '{"en": "Dog attacks", "ru": "Травля собаками"}', true),
  ('facility-type', 'pre-trial-detention-centre', '{"en": "Pre-trial detention centre (SIZO)", "ru": "Следственный изолятор (СИЗО)"}', true),
  ('facility-type', 'penal-colony', '{"en": "Penal colony (IK)", "ru": "Исправительная колония (ИК)"}', true),
  ('facility-type', 'prison-hospital', '{"en": "Prison hospital (OTB, LIU)", "ru": "Тюремная больница (ОТБ, ЛИУ)"}', true),
  ('facility-type', 'police-station', '{"en": "Police station", "ru": "Отдел полиции"}', true),
  ('facility-type', 'temporary-detention-facility', '{"en": "Temporary detention facility (IVS)", "ru": "Изолятор временного содержания (ИВС)"}', true),
  ('facility-type', 'psychiatric-institution', '{"en": "Psychiatric institution", "ru": "Психиатрическое учреждение"}', true),
  ('facility-type', 'migrant-detention', '{"en": "Migrant detention centre (TsVSIG)", "ru": "Центр временного содержания иностранных граждан (ЦВСИГ)"}', true);

INSERT INTO taxonomy_terms (kind, key, labels, parent_id, built_in)
SELECT 'ill-treatment', v.key, v.labels::jsonb, p.id, true
FROM (VALUES
  ('sleep-deprivation', '{"en": "Sleep deprivation", "ru": "Лишение сна"}'),
  ('food-deprivation', '{"en": "Deprivation of food", "ru": "Лишение пищи"}'),
  ('water-deprivation', '{"en": "Deprivation of water", "ru": "Лишение воды"}')
) AS v(key, labels)
JOIN taxonomy_terms p ON p.kind = 'ill-treatment' AND p.key = 'deprivation';
