#!/usr/bin/env bash
# One command: install what is needed, build the geoinr command line and run the main job on
# bundled/synthetic data. Results go to ./out/demo/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" geoinr
build="${GEOINR_BUILD_DIR:-$root/build}"
geoinr="$build/cli/geoinr"
out="$root/out/demo"
mkdir -p "$out"

"$geoinr" --version
echo
echo "== Location encoders =="
"$geoinr" encoders --json > "$out/encoders.json"
"$geoinr" encoders | grep -E '^[a-z_]+ \(' 
echo
echo "== Fitting the 16-class checkerboard on the sphere, one model per encoder family =="
"$geoinr" sphere-fit --families --json "$out/sphere_fit.json"
echo
echo "Results: $out/sphere_fit.json, $out/encoders.json"
