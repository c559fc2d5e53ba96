-- The intake's own schema: it runs on the internet-facing machine, apart from the vault.
-- Nothing here is plaintext evidence: files, manifests and messages are age ciphertext.

CREATE TABLE intake_channels (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  title       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE intake_recipients (
  id          bigserial PRIMARY KEY,
  channel_id  bigint NOT NULL REFERENCES intake_channels(id),
  label       text NOT NULL,
  recipient   text NOT NULL CHECK (recipient ~ '^age1[02-9ac-hj-np-z]{58}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  removed_at  timestamptz,
  UNIQUE (channel_id, recipient)
);

-- A submission is pseudonymous: a random id, a lookup handle and an Argon2id verifier derived
-- from the source's codename on their device. No IP address, no user agent, no name.
CREATE TABLE intake_submissions (
  id                text PRIMARY KEY,
  channel_id        bigint NOT NULL REFERENCES intake_channels(id),
  lookup_id         text NOT NULL UNIQUE,
  verifier          bytea NOT NULL,
  verifier_salt     bytea NOT NULL,
  source_recipient  text NOT NULL,
  via               text NOT NULL CHECK (via IN ('portal', 'form')),
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE intake_sessions (
  token_sha256   text PRIMARY KEY,
  submission_id  text NOT NULL REFERENCES intake_submissions(id),
  expires_at     timestamptz NOT NULL
);

-- One sitting of the source: files, then an encrypted manifest that seals the batch and earns a receipt.
CREATE TABLE intake_batches (
  id               text PRIMARY KEY,
  submission_id    text NOT NULL REFERENCES intake_submissions(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  manifest         bytea,
  manifest_sha256  text,
  receipt          text,
  sealed_at        timestamptz,
  imported_at      timestamptz,
  purged_at        timestamptz
);
CREATE INDEX intake_batches_submission ON intake_batches (submission_id);

CREATE TABLE intake_files (
  upload_id      text PRIMARY KEY,
  batch_id       text NOT NULL REFERENCES intake_batches(id),
  submission_id  text NOT NULL REFERENCES intake_submissions(id),
  size           bigint NOT NULL CHECK (size >= 0),
  created_at     timestamptz NOT NULL DEFAULT now(),
  completed_at   timestamptz
);
CREATE INDEX intake_files_batch ON intake_files (batch_id);

CREATE TABLE intake_messages (
  id             bigserial PRIMARY KEY,
  submission_id  text NOT NULL REFERENCES intake_submissions(id),
  author         text NOT NULL CHECK (author IN ('source', 'staff')),
  ciphertext     bytea NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intake_messages_submission ON intake_messages (submission_id, id);

-- What the intake did that someone may later need to account for: imports and deletions.
CREATE TABLE intake_events (
  id             bigserial PRIMARY KEY,
  submission_id  text,
  kind           text NOT NULL,
  detail         jsonb NOT NULL DEFAULT '{}',
  at             timestamptz NOT NULL DEFAULT now()
);
