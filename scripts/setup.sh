#!/usr/bin/env bash
# Installs what Custodia needs on a fresh Debian machine, non-interactively, and builds it.
# Safe to run again: every step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
node_minor=$(node -p 'process.versions.node.split(".")[1]')
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 12 ]; }; then
  say "Node.js >= 20.12 is required (found $(node --version))"; exit 2
fi

# System tools from Debian: ffmpeg (media pipeline and test fixtures), openssl (timestamp checks), a font,
# Tesseract language data, Chromium (browser tests).
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The court package's zip is checked by readers we did not write: unzip/zipinfo and Python's zipfile.
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The intake's tests prove interoperability with the standard age tool and drive the portal in Chromium.
command -v age >/dev/null 2>&1 || missing+=(age)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The font the synthetic CCTV test footage burns its clock and camera label with.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# Russian Tesseract data: the overlay step reads Cyrillic camera labels with it (English comes
# from npm's @tesseract.js-data/eng). Without it labels are read in Latin letters only.
compgen -G '/usr/share/tesseract-ocr/*/tessdata/rus.traineddata' >/dev/null || missing+=(tesseract-ocr-rus)
# The browser the workspace's end-to-end tests drive (Playwright with Debian's Chromium).
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    say "please install: ${missing[*]} (apt-get install -y ${missing[*]})"; exit 2
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  say "installing ${missing[*]} from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# JavaScript dependencies, exactly as locked.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

say "building"
npx tsc -b
node scripts/build-verifier.mjs
say "building the source portal (packages/intake/portal-dist)"
npx vite build --config packages/intake/portal/vite.config.mjs
# The analysts' workspace (React), served by `custodia serve` from packages/web/dist.
npm run build --silent -w packages/web
