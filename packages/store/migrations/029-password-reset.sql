-- A password reset issued by an administrator on the server's machine (`custodia user
-- reset-password`): a one-time code, stored only as its SHA-256, valid until it expires or is used.
-- The old password keeps working until then. Never a default or temporary password.
ALTER TABLE users ADD COLUMN password_reset_sha256 bytea CHECK (password_reset_sha256 IS NULL OR length(password_reset_sha256) = 32);
ALTER TABLE users ADD COLUMN password_reset_expires_at timestamptz;
