#!/usr/bin/env bash
# Builds Despatch's front-end assets into frontend/dist (not committed):
#   - installs the pinned packages from package-lock.json (`npm ci`),
#   - compiles src/app.scss with GOV.UK Frontend's own-font setting and a system font stack
#     (no GDS Transport font files, no Crown),
#   - copies GOV.UK Frontend's ES module. No GOV.UK images are copied: the favicons and the crest
#     are the Crown, which a service not on GOV.UK must not use.
# crates/despatch-web embeds frontend/dist; its build.rs runs this script when dist is missing.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null; then
  echo "frontend/build.sh needs Node.js and npm (apt-get install nodejs npm)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
G=node_modules/govuk-frontend/dist/govuk
out=dist.tmp
rm -rf "$out"
mkdir -p "$out"
npx --no-install sass --pkg-importer=node --style=compressed --no-source-map src/app.scss "$out/app.css"
cp "$G/govuk-frontend.min.js" "$out/"
if grep -q "GDS Transport" "$out/app.css"; then
  echo "frontend/build.sh: the compiled CSS still names GDS Transport" >&2
  exit 1
fi
rm -rf dist
mv "$out" dist
echo "frontend assets built in $(pwd)/dist"
