#!/usr/bin/env bash
# Every test: type check, unit tests (vitest) and end-to-end tests (Playwright in Debian's Chromium).
# Installs what is missing first. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --browser || exit 1
# Reports live outside test-results/, which Playwright empties when it starts.
mkdir -p .reports
rm -f .reports/vitest.json .reports/playwright.json

status=0
echo "» type check (the app, then the core alone without the DOM library)" >&2
npm run --silent typecheck || status=1
echo "» unit tests" >&2
npx vitest run --reporter=default --reporter=json --outputFile.json=.reports/vitest.json || status=1
echo "» build" >&2
npx vite build --logLevel warn || status=1
echo "» end-to-end tests" >&2
PW_JSON=.reports/playwright.json npx playwright test || status=1
node scripts/summary.mjs .reports/vitest.json .reports/playwright.json || status=1
exit $status
