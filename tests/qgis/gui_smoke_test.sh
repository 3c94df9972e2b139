#!/usr/bin/env bash
# Starts the real QGIS desktop under Xvfb with libgeoinrplugin enabled in a throwaway profile,
# drives the toolbox entry and the GeoINR dock (gui_smoke.py), and keeps the screenshots in
# <build>/test_artifacts/qgis_gui/.
# Usage: gui_smoke_test.sh <geoinr executable> <build folder> <resources folder>
set -euo pipefail
geoinr="$1" build="$2" resources="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$build/test_artifacts/qgis_gui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$out" && mkdir -p "$out"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

data="$resources/demo/bradypus"
"$geoinr" train "$data/bradypus.csv" --covariates "$data/sa_bio_stack.tif" "$data/biome.tif" \
    --categorical biome --input env+coords --pseudo-absences valid_area --pos-weight 16 \
    --epochs 300 --threads 1 --seed 0 -q -o "$work/bradypus.ckpt"

# Installed into a throwaway profile with the documented install script.
profiles="$work/profiles"
GEOINR_BUILD_DIR="$build" "$here/../../scripts/install_qgis_plugin.sh" --profiles-path "$profiles" \
    --no-build >/dev/null

# QGIS asks on exit about layers under the temporary folder; the profile (where the dock keeps its
# .geoinr files) lives in $work, so give QGIS a temporary folder beside it, not above it.
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"
export GEOINR_SMOKE_OUT="$out" GEOINR_SMOKE_CHECKPOINT="$work/bradypus.ckpt"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
timeout 180 xvfb-run -a -s "-screen 0 1600x1000x24" \
    qgis --nologo --noversioncheck --profiles-path "$profiles" --code "$here/gui_smoke.py" \
    >"$out/qgis.log" 2>&1 || { status=$?; cat "$out/report.txt" "$out/qgis.log"; echo "qgis exited with $status"; exit 1; }

cat "$out/report.txt"
expect() { grep -qx "$1" "$out/report.txt" || { echo "missing: $1"; exit 1; }; }
expect "provider True"
expect "algorithm geoinr:predictrange True"
expect "algorithm geoinr:trainrange True"
expect "dock True"
expect "checkpoint opened True"
expect "species listed 1"
expect "range layers 1 valid True"
grep -q "^range provider gdal source Bradypus_variegatus_[0-9a-f]*.geoinr$" "$out/report.txt" \
    || { echo "range layer: unexpected source"; exit 1; }
grep -q "^what lives here rows 1 first Bradypus variegatus 0\.[0-9]*$" "$out/report.txt" \
    || { echo "what lives here: unexpected"; exit 1; }
expect "algorithm dialog True"
expect "done"
# Screenshots exist and are real pictures, not blank screens.
for png in qgis_range_explorer.png qgis_main_window.png qgis_predict_dialog.png; do
    colours=$(identify -format "%k" "$out/$png")
    [ "$colours" -gt 50 ] || { echo "$png: only $colours colours"; exit 1; }
done
echo "QGIS GUI smoke test passed; screenshots in $out"
