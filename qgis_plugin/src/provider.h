// SPDX-License-Identifier: MIT
// The "GeoINR" Processing provider: the toolbox entries (and `qgis_process run geoinr:...`).
#pragma once

#include <qgsprocessingprovider.h>

namespace geoinr::qgis
{

class Provider : public QgsProcessingProvider
{
  public:
    QString id() const override { return QStringLiteral("geoinr"); }
    QString name() const override { return QStringLiteral("GeoINR"); }
    QString longName() const override;
    QIcon icon() const override;
    QString helpId() const override { return QStringLiteral("geoinr"); }

  protected:
    void loadAlgorithms() override;
};

/** Adds the provider to QGIS's processing registry unless it is there already (the C++ plugin
 *  and the qgis_process loader may both ask). Returns true when it is registered afterwards. */
bool registerProvider();

} // namespace geoinr::qgis
