// SPDX-License-Identifier: MIT
// geoinr:evaluate: a checkpoint against a presence-absence point layer -> per-species ROC-AUC and
// average precision as a table, their means, and an HTML report.
#pragma once

#include "algorithm_base.h"

namespace geoinr::qgis
{

class EvaluateAlgorithm : public GeoInrAlgorithm
{
  public:
    QString name() const override { return QStringLiteral("evaluate"); }
    QString displayName() const override;
    QString group() const override;
    QString groupId() const override { return QStringLiteral("evaluation"); }
    QString shortHelpString() const override;
    QgsProcessingAlgorithm* createInstance() const override { return new EvaluateAlgorithm; }
    void initAlgorithm(const QVariantMap& configuration = QVariantMap()) override;

  protected:
    QVariantMap run(const QVariantMap& parameters, QgsProcessingContext& context,
                    QgsProcessingFeedback* feedback) override;
};

} // namespace geoinr::qgis
