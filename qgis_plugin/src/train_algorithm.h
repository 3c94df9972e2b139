// SPDX-License-Identifier: MIT
// geoinr:trainrange: a point layer (any CRS) + covariate rasters -> a GeoINR checkpoint, with the
// same preparation and trainer as `geoinr train`.
#pragma once

#include "algorithm_base.h"

namespace geoinr::qgis
{

class TrainAlgorithm : public GeoInrAlgorithm
{
  public:
    QString name() const override { return QStringLiteral("trainrange"); }
    QString displayName() const override;
    QString group() const override;
    QString groupId() const override { return QStringLiteral("models"); }
    QString shortHelpString() const override;
    QgsProcessingAlgorithm* createInstance() const override { return new TrainAlgorithm; }
    void initAlgorithm(const QVariantMap& configuration = QVariantMap()) override;

  protected:
    QVariantMap run(const QVariantMap& parameters, QgsProcessingContext& context,
                    QgsProcessingFeedback* feedback) override;
};

} // namespace geoinr::qgis
