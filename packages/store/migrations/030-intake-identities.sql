-- Staff recipients of the source intake: each user's X25519 age identity, stored only as an armored
-- age file encrypted to the user's passphrase (scrypt). The browser makes and opens it; the server
-- never sees the passphrase or the identity in the clear. The recipient (age1…) is public.

CREATE TABLE intake_identities (
  user_id             bigint PRIMARY KEY REFERENCES users(id),
  recipient           text NOT NULL CHECK (recipient ~ '^age1[02-9ac-hj-np-z]{58}$'),
  protected_identity  text NOT NULL CHECK (length(protected_identity) <= 8192),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
