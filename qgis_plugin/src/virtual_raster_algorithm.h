// SPDX-License-Identifier: MIT
// geoinr:virtualrange: writes a .geoinr descriptor for the GEOINR GDAL driver and (optionally) adds
// it to the map, so the range is computed for what is on screen and re-rendered on pan and zoom.
#pragma once

#include "algorithm_base.h"

namespace geoinr::qgis
{

class VirtualRasterAlgorithm : public GeoInrAlgorithm
{
  public:
    QString name() const override { return QStringLiteral("virtualrange"); }
    QString displayName() const override;
    QString group() const override;
    QString groupId() const override { return QStringLiteral("maps"); }
    QString shortHelpString() const override;
    QgsProcessingAlgorithm* createInstance() const override { return new VirtualRasterAlgorithm; }
    void initAlgorithm(const QVariantMap& configuration = QVariantMap()) override;

  protected:
    QVariantMap run(const QVariantMap& parameters, QgsProcessingContext& context,
                    QgsProcessingFeedback* feedback) override;
};

} // namespace geoinr::qgis
