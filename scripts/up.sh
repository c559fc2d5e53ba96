#!/usr/bin/env bash
# Brings Custodia up on its embedded defaults: installs, builds, and creates the instance in
# $CUSTODIA_HOME (default ./data) with the embedded database. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node packages/cli/dist/main.js init
cat <<'TXT'

Custodia is ready. Try:
  npx custodia ingest /path/to/usb-dump --case "My case" --source "USB stick"
  npx custodia report --case "My case"
  npx custodia verify /path/to/some/file.mp4
  npx custodia ledger verify
TXT
