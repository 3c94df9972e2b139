// SPDX-License-Identifier: MIT
// geoinr:predictrange: checkpoint + species + grid -> a range GeoTIFF/COG
// (rasters::predictRangeRaster, the same pixels as `geoinr predict`).
#pragma once

#include "algorithm_base.h"

namespace geoinr::qgis
{

class PredictRangeAlgorithm : public GeoInrAlgorithm
{
  public:
    QString name() const override { return QStringLiteral("predictrange"); }
    QString displayName() const override;
    QString group() const override;
    QString groupId() const override { return QStringLiteral("maps"); }
    QString shortHelpString() const override;
    QgsProcessingAlgorithm* createInstance() const override { return new PredictRangeAlgorithm; }
    void initAlgorithm(const QVariantMap& configuration = QVariantMap()) override;

  protected:
    QVariantMap run(const QVariantMap& parameters, QgsProcessingContext& context,
                    QgsProcessingFeedback* feedback) override;
};

} // namespace geoinr::qgis
