#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the test data if missing, builds every module
# and runs every test (unit, real-data and multi-process tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mvn -B -ntp verify "$@"
