-- Publication: an incident marked public, with a title and summary written for the public (never the
-- internal description) and the approved redactions published with it; and the sites built from
-- those marks. The public site is built from an allow-list of fields (docs/adr/0018-publication.md).
-- Marking, unmarking and every build are ledgered with the user who did them.

CREATE TABLE publications (
  incident_id     bigint PRIMARY KEY REFERENCES incidents(id),
  case_id         bigint NOT NULL REFERENCES cases(id),
  public_title    text NOT NULL CHECK (length(public_title) BETWEEN 1 AND 300),
  public_summary  text NOT NULL CHECK (length(public_summary) BETWEEN 1 AND 5000),
  redaction_ids   bigint[] NOT NULL DEFAULT '{}',
  marked_by       bigint NOT NULL REFERENCES users(id),
  marked_at       timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  ledger_seq      bigint NOT NULL
);
CREATE INDEX publications_case ON publications (case_id);

-- Every public site built on the server (the CLI's builds are in the ledger only): where it is, so
-- that it can be downloaded as a zip.
CREATE TABLE site_builds (
  id           bigserial PRIMARY KEY,
  case_id      bigint NOT NULL REFERENCES cases(id),
  dir          text NOT NULL,
  zip          text,
  incidents    integer NOT NULL,
  videos       integer NOT NULL,
  built_by     bigint NOT NULL REFERENCES users(id),
  built_at     timestamptz NOT NULL DEFAULT now(),
  ledger_seq   bigint NOT NULL
);
CREATE INDEX site_builds_case ON site_builds (case_id, id);
