#!/usr/bin/env bash
# The whole test suite, as the README's test command and CI run it: build (or reuse) the lab image,
# then unit tests and the real-VM tests in one node:test run.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules/v86 ]] || npm install --no-audit --no-fund
npm run -s lab:image
exec npx tsx --test --test-concurrency=1 \
	src/vm/*.test.ts images/build/*.test.ts tests/vm/*.test.ts
