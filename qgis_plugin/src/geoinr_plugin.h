// SPDX-License-Identifier: MIT
// The QGIS plugin object: registers the Processing provider and the GEOINR GDAL driver, and owns
// the range-explorer dock and its menu entry.
#pragma once

#include <QObject>
#include <QPointer>
#include <qgisplugin.h>

class QAction;
class QgisInterface;

namespace geoinr::qgis
{

class RangeDock;

class GeoInrPlugin : public QObject, public QgisPlugin
{
    Q_OBJECT

  public:
    explicit GeoInrPlugin(QgisInterface* iface);
    void initGui() override;
    void unload() override;

  private:
    QgisInterface* m_iface = nullptr;
    QPointer<RangeDock> m_dock;
    QPointer<QAction> m_action;
};

} // namespace geoinr::qgis
