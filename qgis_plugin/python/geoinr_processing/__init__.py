# SPDX-License-Identifier: MIT
"""Thin loader: registers the GeoINR C++ Processing provider for qgis_process (QGIS 3.22 loads
providers there only from Python plugins). No logic of its own; everything is in the C++ library
named by library_path.txt (or $GEOINR_QGIS_PLUGIN_LIBRARY)."""
import ctypes
import os


def _library_path():
    env = os.environ.get("GEOINR_QGIS_PLUGIN_LIBRARY")
    if env:
        return env
    with open(os.path.join(os.path.dirname(__file__), "library_path.txt")) as f:
        return f.read().strip()


class _Loader:
    def __init__(self):
        self._lib = None

    def _register(self):
        if self._lib is None:
            # RTLD_GLOBAL: the library shares QGIS's already-loaded Qt/QGIS symbols.
            self._lib = ctypes.CDLL(_library_path(), mode=ctypes.RTLD_GLOBAL)
        if not self._lib.geoinr_register_provider():
            raise RuntimeError("GeoINR: the processing provider could not be registered")

    def initProcessing(self):
        self._register()

    def initGui(self):
        self._register()

    def unload(self):
        pass


def classFactory(iface):  # noqa: N802 (QGIS's name)
    return _Loader()
