#!/usr/bin/env bash
# One lesson's tests in the real machine: `npm run test:lesson -- <lesson id>` (the id in its lesson.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 1 ]] || { echo "usage: npm run test:lesson -- <lesson id>" >&2; exit 2; }
[[ -f public/vm/manifest.json ]] || npm run -s lab:image
LAB_LESSON=$1 exec npx tsx --test --test-concurrency=1 tests/vm/lessons.test.ts
