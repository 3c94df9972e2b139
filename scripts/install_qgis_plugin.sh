#!/usr/bin/env bash
# Installs the GeoINR QGIS plugin for the current user: the C++ plugin (toolbox algorithms, range
# explorer dock, GEOINR GDAL driver registered in-process) and the small Python loader that lets
# `qgis_process` run geoinr:* algorithms. Enables both in the QGIS profile.
#
# Usage: scripts/install_qgis_plugin.sh [--profiles-path DIR] [--profile NAME] [--no-build]
#   DIR defaults to ~/.local/share/QGIS/QGIS3, NAME to "default". Restart QGIS afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GEOINR_BUILD_DIR:-$root/build}"
profiles="$HOME/.local/share/QGIS/QGIS3"
profile="default"
build_first=1
while [ $# -gt 0 ]; do
    case "$1" in
        --profiles-path) profiles="$2"; shift 2 ;;
        --profile) profile="$2"; shift 2 ;;
        --no-build) build_first=0; shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
if [ "$build_first" = 1 ]; then
    "$root/scripts/build.sh" geoinrplugin
fi
library="$build/qgisplugins/libgeoinrplugin.so"
[ -f "$library" ] || { echo "not built: $library" >&2; exit 1; }

profile_dir="$profiles/profiles/$profile"
# The C++ plugin gets a folder of its own: QGIS tries to load every .so in a plugin search path.
plugin_dir="$profile_dir/geoinr/qgis_plugin"
loader_dir="$profile_dir/python/plugins/geoinr_processing"
mkdir -p "$plugin_dir" "$loader_dir" "$profile_dir/QGIS"
cp "$library" "$plugin_dir/libgeoinrplugin.so.tmp" && mv "$plugin_dir/libgeoinrplugin.so.tmp" "$plugin_dir/libgeoinrplugin.so"
cp "$root/qgis_plugin/python/geoinr_processing/__init__.py" \
   "$root/qgis_plugin/python/geoinr_processing/metadata.txt" "$loader_dir/"
echo "$plugin_dir/libgeoinrplugin.so" >"$loader_dir/library_path.txt"

# Enable both in the profile's settings, through Qt's own INI handling (QGIS's sections are
# case-sensitive: [Plugins] enables C++ plugins, [plugins] holds the search paths).
/usr/bin/python3 - "$profile_dir/QGIS/QGIS3.ini" "$plugin_dir" <<'PY'
import sys
from PyQt5.QtCore import QSettings
ini, plugin_dir = sys.argv[1], sys.argv[2]
s = QSettings(ini, QSettings.IniFormat)
paths = s.value("plugins/searchPathsForPlugins", []) or []
if isinstance(paths, str):
    paths = [paths]
if plugin_dir not in paths:
    paths.append(plugin_dir)
# One path is stored as a plain string (what QGIS's own settings dialog writes); several as a
# string list, which QSettings writes as comma-separated values.
s.setValue("plugins/searchPathsForPlugins", paths[0] if len(paths) == 1 else paths)
s.setValue("Plugins/libgeoinrplugin", True)
s.setValue("PythonPlugins/geoinr_processing", True)
s.sync()
if s.status() != QSettings.NoError:
    sys.exit(f"cannot write {ini}")
PY
echo "Installed the GeoINR QGIS plugin into profile '$profile' ($profile_dir)."
echo "Restart QGIS: Processing Toolbox > GeoINR, and Plugins > GeoINR > GeoINR range explorer."
echo "Headless: qgis_process.bin run geoinr:predictrange --CHECKPOINT=model.ckpt --OUTPUT=range.tif"
