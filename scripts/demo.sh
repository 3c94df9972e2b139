#!/usr/bin/env bash
# One command: install what is needed, build the geoinr command line, train a range model on the
# bundled demo data (Bradypus variegatus + WorldClim, resources/demo/bradypus) and write its range
# as a GeoTIFF (and a PNG quick-look). Results go to ./out/demo/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" geoinr
build="${GEOINR_BUILD_DIR:-$root/build}"
geoinr="$build/cli/geoinr"
data="$root/resources/demo/bradypus"
out="$root/out/demo"
mkdir -p "$out"

"$geoinr" --version
echo
echo "== Training: 116 presences, 8 WorldClim layers + biome (one-hot), sin-cos + env input =="
"$geoinr" train "$data/bradypus.csv" \
    --covariates "$data/sa_bio_stack.tif" "$data/biome.tif" --categorical biome \
    --input env+coords --pseudo-absences valid_area --pos-weight 16 \
    --epochs 600 --threads 1 --seed 0 -o "$out/bradypus.geoinr.ckpt"
echo
"$geoinr" info "$out/bradypus.geoinr.ckpt"
echo
echo "== Predicting the range (probability of presence on a 0.1 degree grid over the covariates) =="
"$geoinr" predict "$out/bradypus.geoinr.ckpt" --resolution 0.1 -o "$out/bradypus_range.tif"
"$geoinr" predict "$out/bradypus.geoinr.ckpt" --resolution 0.1 --threshold max_tss -q \
    -o "$out/bradypus_range_binary.tif"
echo
echo "== The same map through the GEOINR GDAL driver (pixels computed when GDAL reads them) =="
cat > "$out/bradypus_range.geoinr" <<'GEOINR'
{
  "geoinr_raster": 1,
  "checkpoint": "bradypus.geoinr.ckpt",
  "species": "all",
  "grid": {"crs": "EPSG:4326", "resolution": 0.1}
}
GEOINR
GDAL_DRIVER_PATH="$build/gdalplugins" gdal_translate -q -of COG "$out/bradypus_range.geoinr" \
    "$out/bradypus_range_driver.tif"
gdalinfo -stats "$out/bradypus_range.tif" | grep -E "Size is|Pixel Size|Description|STATISTICS_MEAN"
# Quick-look PNG: yellow (unlikely) to dark green (likely), grey where there are no covariates.
cat > "$out/ramp.txt" <<'RAMP'
nv 200 200 200
0 255 255 204
0.5 120 198 121
1 0 69 41
RAMP
gdaldem color-relief -q "$out/bradypus_range.tif" "$out/ramp.txt" "$out/bradypus_range.png"
rm -f "$out"/*.aux.xml "$out/ramp.txt"
echo
echo "Range GeoTIFF: $out/bradypus_range.tif (binary, max-TSS threshold: $out/bradypus_range_binary.tif)"
echo "Through GDAL:  GDAL_DRIVER_PATH=$build/gdalplugins gdal_translate $out/bradypus_range.geoinr ..."
echo "Quick-look:    $out/bradypus_range.png"
