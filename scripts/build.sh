#!/usr/bin/env bash
# Installs dependencies (Debian packages) and builds GeoINR in ./build (Release, -j2, ccache).
# Usage: scripts/build.sh [cmake target...]   (default: everything)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install_deps.sh"
build="${GEOINR_BUILD_DIR:-$root/build}"
# ccache keys on paths relative to the checkout, so fresh clones (CI) reuse earlier builds.
export CCACHE_BASEDIR="$root"
jobs="${GEOINR_JOBS:-2}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGEOINR_WERROR=ON \
      ${GEOINR_CMAKE_ARGS:-}
if [ $# -gt 0 ]; then
    cmake --build "$build" -j "$jobs" --target "$@"
else
    cmake --build "$build" -j "$jobs"
fi
