// SPDX-License-Identifier: MIT
#include "geoinr_plugin.h"

#include "algorithm_base.h"
#include "provider.h"
#include "range_dock.h"

#include <QAction>
#include <qgisinterface.h>
#include <qgsapplication.h>
#include <qgsprocessingregistry.h>

namespace geoinr::qgis
{

GeoInrPlugin::GeoInrPlugin(QgisInterface* iface)
    : QgisPlugin(QStringLiteral("GeoINR"), tr("Neural species range models"),
                 QStringLiteral("Plugins"), QStringLiteral(GEOINR_VERSION), QgisPlugin::UI),
      m_iface(iface)
{
}

void GeoInrPlugin::initGui()
{
    ensureGdalDriverRegistered();
    registerProvider();
    m_dock = new RangeDock(m_iface->mapCanvas(), m_iface->mainWindow());
    m_iface->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    m_action = new QAction(tr("GeoINR range explorer"), this);
    m_action->setObjectName(QStringLiteral("GeoInrRangeExplorerAction"));
    m_action->setCheckable(true);
    m_action->setChecked(true);
    connect(m_action, &QAction::toggled, m_dock, &QWidget::setVisible);
    connect(m_dock, &RangeDock::visibilityChanged, m_action, &QAction::setChecked);
    m_iface->addPluginToMenu(tr("&GeoINR"), m_action);
}

void GeoInrPlugin::unload()
{
    if (auto* registry = QgsApplication::processingRegistry())
    {
        if (auto* p = registry->providerById(QStringLiteral("geoinr")))
        {
            registry->removeProvider(p); // deletes it
        }
    }
    if (m_action)
    {
        m_iface->removePluginMenu(tr("&GeoINR"), m_action);
        delete m_action;
    }
    if (m_dock)
    {
        m_iface->removeDockWidget(m_dock);
        delete m_dock;
    }
}

} // namespace geoinr::qgis
