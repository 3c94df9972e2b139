#!/usr/bin/env bash
# One command: install what is needed, build, check formatting and run every test with ctest.
# Shared data (../shared/data) is used when present; GEOINR_REQUIRE_DATA=1 makes its absence fail.
# Extra arguments go to ctest (e.g. -L unit, -LE integration).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
"$root/scripts/check_format.sh"
build="${GEOINR_BUILD_DIR:-$root/build}"
export GEOINR_DATA_DIR="${GEOINR_DATA_DIR:-$root/../shared/data}"
# GPU tests run only where a CUDA device exists (ctest -L gpu on such a machine).
ctest --test-dir "$build" --output-on-failure -j 2 -LE gpu "$@"
