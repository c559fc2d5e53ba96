#!/usr/bin/env bash
# Brings Custodia up on its embedded defaults: installs, builds, creates the instance in
# $CUSTODIA_HOME (default ./data) with the embedded database, then serves the workspace.
# Safe to run again. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node packages/cli/dist/main.js init
exec node packages/cli/dist/main.js serve "$@"
