// SPDX-License-Identifier: MIT
// The symbols QGIS's plugin loader looks up in libgeoinrplugin.so, and the C function the
// qgis_process loader (python/geoinr_processing) calls to register the Processing provider.
#include "geoinr_plugin.h"
#include "provider.h"

#include <qgisplugin.h>

namespace
{
const QString sName = QStringLiteral("GeoINR");
const QString sDescription =
    QStringLiteral("Neural species range models: train, map, evaluate and explore (GeoINR)");
const QString sCategory = QStringLiteral("Plugins");
const QString sVersion = QStringLiteral(GEOINR_VERSION);
const QString sIcon = QStringLiteral(":/images/themes/default/mIconRaster.svg");
} // namespace

QGISEXTERN QgisPlugin* classFactory(QgisInterface* iface)
{
    return new geoinr::qgis::GeoInrPlugin(iface);
}
QGISEXTERN const QString* name()
{
    return &sName;
}
QGISEXTERN const QString* description()
{
    return &sDescription;
}
QGISEXTERN const QString* category()
{
    return &sCategory;
}
QGISEXTERN const QString* version()
{
    return &sVersion;
}
QGISEXTERN const QString* icon()
{
    return &sIcon;
}
QGISEXTERN int type()
{
    return QgisPlugin::UI;
}
QGISEXTERN void unload(QgisPlugin* plugin)
{
    delete plugin;
}

extern "C" Q_DECL_EXPORT int geoinr_register_provider()
{
    return geoinr::qgis::registerProvider() ? 1 : 0;
}
