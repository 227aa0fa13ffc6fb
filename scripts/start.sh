#!/usr/bin/env bash
# Quick start: installs what is missing, builds the app and serves it on http://localhost:5173
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx vite build --logLevel warn
echo "» Unlearning Playground: http://localhost:${PORT:-5173}" >&2
exec npx vite preview --host "${HOST:-localhost}" --port "${PORT:-5173}" --strictPort
