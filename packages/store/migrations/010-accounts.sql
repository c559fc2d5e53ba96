-- Accounts, sessions and case memberships of the workspace (packages/server).
-- Secrets never stored in the clear: passwords as Argon2id encodings (parameters included), TOTP
-- secrets encrypted with a key kept in $CUSTODIA_HOME/keys (not in the database), session tokens as
-- SHA-256 only. No IP address or user agent is stored anywhere.

CREATE TABLE users (
  id                bigserial PRIMARY KEY,
  username          text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name      text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  password_hash     text NOT NULL,
  -- AES-256-GCM(iv ‖ ciphertext ‖ tag) of the base32 secret, once confirmed.
  totp_secret_enc   bytea,
  -- An enrolment started but not confirmed yet.
  totp_pending_enc  bytea,
  -- The last time step whose code was accepted: the same code is never accepted twice.
  totp_last_step    bigint,
  settings          jsonb NOT NULL DEFAULT '{}',
  is_admin          boolean NOT NULL DEFAULT false,
  disabled          boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id            bigserial PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users(id),
  token_sha256  bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
  csrf_token    text NOT NULL,
  restricted    boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE memberships (
  case_id     bigint NOT NULL REFERENCES cases(id),
  user_id     bigint NOT NULL REFERENCES users(id),
  role        text NOT NULL CHECK (role IN ('observer', 'analyst', 'reviewer', 'coordinator', 'admin')),
  grants      text[] NOT NULL DEFAULT '{}' CHECK (grants <@ ARRAY['protected-identities', 'source-identity']::text[]),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Failed sign-ins per username (whether or not such a user exists), never per address.
CREATE TABLE login_attempts (
  username         text PRIMARY KEY,
  failures         integer NOT NULL DEFAULT 0,
  last_failure_at  timestamptz NOT NULL DEFAULT now(),
  locked_until     timestamptz
);

-- Organisation-wide policy (e.g. {"totpRequired": true}); one row per key.
CREATE TABLE org_settings (
  key    text PRIMARY KEY,
  value  jsonb NOT NULL
);
