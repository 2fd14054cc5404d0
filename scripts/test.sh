#!/usr/bin/env bash
# The whole test suite, as the README's test command and CI run it: build (or reuse) the lab image,
# build the static site and drive it in Debian's Chromium (Playwright), then the unit tests and the
# real-VM tests in one node:test run (its summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules/v86 ]] || npm install --no-audit --no-fund
bash scripts/host-tools.sh --browser
# Type errors fail the run (the site build does not type-check for us any more than tsx does).
npx tsc --noEmit
npm run -s lab:image
npm run -s site:build
npx playwright test
exec npx tsx --test --test-concurrency=1 \
	src/*/*.test.ts src/*/*/*.test.ts images/builder/*.test.ts tests/vm/*.test.ts
