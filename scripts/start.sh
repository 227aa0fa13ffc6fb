#!/usr/bin/env bash
# Quick start: installs what is missing, builds the app and serves it on http://localhost:5173, with the
# COOP/COEP headers (vite.config.ts) that make the page cross-origin isolated; offline after the first visit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx vite build --logLevel warn
echo "» Unlearning Playground: http://localhost:${PORT:-5173}" >&2
exec npx vite preview --host "${HOST:-localhost}" --port "${PORT:-5173}" --strictPort
