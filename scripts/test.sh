#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what is missing, builds, runs every test
# on the embedded database (PGlite) and on the PostgreSQL server at $CUSTODIA_TEST_PG_URL
# (default postgresql://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pg_url=${CUSTODIA_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
if ! node -e "const c=new (require('pg').Client)({connectionString:process.argv[1]});c.connect().then(()=>c.end(),()=>process.exit(1))" "$pg_url" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "test: starting the local PostgreSQL server" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    sleep 2
  fi
fi
exec node scripts/run-tests.mjs "$@"
