# SPDX-License-Identifier: MIT
"""Runs inside the real QGIS desktop (qgis --code gui_smoke.py) with libgeoinrplugin enabled: opens
the Processing toolbox entry and the GeoINR dock, selects a species through the dock's own widgets,
asks "what lives here", saves screenshots and a report, then quits. Paths come from the
environment (GEOINR_SMOKE_*), set by gui_smoke_test.sh."""
import os
import subprocess

import processing
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, Qt, QTimer
from qgis.PyQt.QtWidgets import QDockWidget, QLabel, QLineEdit, QListView, QTableWidget
from qgis.utils import iface

OUT = os.environ["GEOINR_SMOKE_OUT"]
CHECKPOINT = os.environ["GEOINR_SMOKE_CHECKPOINT"]
lines = []
keep = []  # dialogs must outlive this script's functions


def note(text):
    lines.append(text)
    with open(os.path.join(OUT, "report.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def shot(name, widget=None):
    path = os.path.join(OUT, name)
    if widget is not None:
        widget.grab().save(path)
    else:  # the whole X screen, as a person sees it
        subprocess.run(["import", "-window", "root", path], check=False)
    note(f"screenshot {name}")


def step1_dock():
    registry = QgsApplication.processingRegistry()
    note(f"provider {registry.providerById('geoinr') is not None}")
    for alg in ("trainrange", "predictrange", "virtualrange", "evaluate"):
        note(f"algorithm geoinr:{alg} {registry.algorithmById('geoinr:' + alg) is not None}")
    dock = iface.mainWindow().findChild(QDockWidget, "GeoInrRangeDock")
    note(f"dock {dock is not None}")
    if dock is None:
        QTimer.singleShot(500, finish)
        return
    iface.mainWindow().setGeometry(0, 0, 1600, 1000)  # no window manager under Xvfb
    dock.show()
    ok = QMetaObject.invokeMethod(dock, "openCheckpoint", Qt.DirectConnection,
                                  Q_RETURN_ARG(bool), Q_ARG(str, CHECKPOINT))
    note(f"checkpoint opened {ok}")
    dock.findChild(QLineEdit, "speciesSearch").setText("brady")
    species = dock.findChild(QListView, "speciesList")
    note(f"species listed {species.model().rowCount()}")
    species.setCurrentIndex(species.model().index(0, 0))  # the user's click
    layers = [l for l in QgsProject.instance().mapLayers().values() if l.name().startswith("Range:")]
    note(f"range layers {len(layers)} valid {all(l.isValid() for l in layers)}")
    if layers:
        note(f"range provider {layers[0].providerType()} source {os.path.basename(layers[0].source())}")
        canvas = iface.mapCanvas()
        canvas.setDestinationCrs(layers[0].crs())
        canvas.setExtent(layers[0].extent())
        canvas.refresh()
    rows = QMetaObject.invokeMethod(dock, "queryPoint", Qt.DirectConnection, Q_RETURN_ARG(int),
                                    Q_ARG(float, -60.0), Q_ARG(float, -5.0))
    table = dock.findChild(QTableWidget, "whatLivesHereTable")
    first = table.item(0, 0).text() + " " + table.item(0, 1).text() if rows else "-"
    note(f"what lives here rows {rows} first {first}")
    note(f"status {dock.findChild(QLabel, 'status').text()}")

    toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    if toolbox is not None:
        toolbox.show()
        search = toolbox.findChild(QLineEdit)
        if search is not None:
            search.setText("GeoINR")
    QTimer.singleShot(4000, guarded(step2_screens))


def step2_screens():
    shot("qgis_range_explorer.png")
    shot("qgis_main_window.png", iface.mainWindow())
    dialog = processing.createAlgorithmDialog("geoinr:predictrange", {"CHECKPOINT": CHECKPOINT})
    note(f"algorithm dialog {dialog is not None}")
    if dialog is not None:
        keep.append(dialog)
        dialog.show()
        QTimer.singleShot(1500, lambda: (shot("qgis_predict_dialog.png", dialog), dialog.close()))
    QTimer.singleShot(2500, finish)


def finish():
    note("done")
    QgsProject.instance().setDirty(False)
    iface.actionExit().trigger()


def guarded(step):
    def run():
        try:
            step()
        except Exception as e:  # report and quit rather than leave QGIS running
            note(f"error {type(e).__name__}: {e}")
            finish()
    return run


QTimer.singleShot(1500, guarded(step1_dock))
