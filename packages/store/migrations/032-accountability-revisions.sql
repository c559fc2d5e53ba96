-- Claims are edited and withdrawn, links removed (ADR 0021). A claim keeps every version it had
-- (accountability_claim_versions); a withdrawn claim stays in history but supports nothing: not
-- listed with its event or position, not counted, not exported. A removed link is kept with who
-- removed it and when.
ALTER TABLE accountability_claims ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE accountability_claims ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE accountability_claims ADD COLUMN updated_by bigint REFERENCES users(id);
ALTER TABLE accountability_claims ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE accountability_claims ADD COLUMN withdrawn_by bigint REFERENCES users(id);
ALTER TABLE accountability_claims ADD COLUMN withdrawn_reason text CHECK (withdrawn_reason IS NULL OR length(withdrawn_reason) BETWEEN 1 AND 1000);

CREATE TABLE accountability_claim_versions (
  claim_id    bigint NOT NULL REFERENCES accountability_claims(id),
  version     integer NOT NULL,
  quote       text NOT NULL,
  confidence  text NOT NULL,
  source_id   bigint NOT NULL REFERENCES accountability_sources(id),
  withdrawn   boolean NOT NULL DEFAULT false,
  written_by  bigint NOT NULL REFERENCES users(id),
  written_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (claim_id, version)
);

ALTER TABLE accountability_links ADD COLUMN removed_at timestamptz;
ALTER TABLE accountability_links ADD COLUMN removed_by bigint REFERENCES users(id);
