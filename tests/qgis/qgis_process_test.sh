#!/usr/bin/env bash
# qgis_process runs geoinr:predictrange headless through the Python loader and writes the same
# pixels as `geoinr predict` on the same grid.
# Usage: qgis_process_test.sh <geoinr executable> <build folder> <resources folder>
set -euo pipefail
geoinr="$1" build="$2" resources="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A throwaway HOME keeps qgis_process's profile (plugin enabled below) out of the user's.
export HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg" QT_QPA_PLATFORM=offscreen
export QGIS_PLUGINPATH="$build/qgis_python"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

"$geoinr" train "$resources/demo/bradypus/bradypus.csv" --epochs 20 --pos-weight 16 --threads 1 --seed 1 -q \
    -o "$work/model.ckpt"
# Debian's /usr/bin/qgis_process wrapper adds --noversioncheck, which 3.22 rejects: call the binary.
qgis_process.bin plugins enable geoinr_processing >/dev/null
qgis_process.bin run geoinr:predictrange --CHECKPOINT="$work/model.ckpt" \
    "--EXTENT=-80,-40,-30,10 [EPSG:4326]" --RESOLUTION=0.5 --OUTPUT="$work/qgis.tif" \
    >"$work/log.txt" 2>&1 || { cat "$work/log.txt"; exit 1; }
grep -q "OUTPUT:.*qgis.tif" "$work/log.txt" || { cat "$work/log.txt"; exit 1; }
"$geoinr" predict "$work/model.ckpt" --extent -80 -30 -40 10 --resolution 0.5 -q -o "$work/cli.tif"

gdalinfo "$work/qgis.tif" | grep -q "Size is 80, 80" || { gdalinfo "$work/qgis.tif"; exit 1; }
gdal_translate -q -of ENVI "$work/qgis.tif" "$work/qgis.bin"
gdal_translate -q -of ENVI "$work/cli.tif" "$work/cli.bin"
cmp "$work/qgis.bin" "$work/cli.bin"
# Not a constant map: the probabilities span a range.
gdalinfo -stats "$work/qgis.tif" | awk -F= '/STATISTICS_(MINIMUM|MAXIMUM)/ {v[$1]=$2}
    END {exit !(v["    STATISTICS_MAXIMUM"] - v["    STATISTICS_MINIMUM"] > 0.1)}'
echo "qgis_process geoinr:predictrange == geoinr predict (80 x 80 pixels)"
