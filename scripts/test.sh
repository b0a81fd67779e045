#!/usr/bin/env bash
# The whole test suite: unit, integration (real programs under real sensors, real DuckDB) and
# conformance. Sets up first when needed, so it works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-example
# Lint and formatting are part of the suite: a change that breaks them does not land.
npx eslint . && npx prettier --check . >/dev/null
# Integration tests start real processes and tracers; two files at a time fits a 2-core machine.
exec node --test --test-concurrency=2 --test-timeout=300000 "$@" dist/test/
