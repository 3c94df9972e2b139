// SPDX-License-Identifier: MIT
#include "provider.h"

#include "algorithm_base.h"
#include "evaluate_algorithm.h"
#include "predict_range_algorithm.h"
#include "train_algorithm.h"
#include "virtual_raster_algorithm.h"

#include <qgsapplication.h>
#include <qgsprocessingregistry.h>

namespace geoinr::qgis
{

QString Provider::longName() const
{
    return QObject::tr("GeoINR neural species range models");
}

QIcon Provider::icon() const
{
    return QgsApplication::getThemeIcon(QStringLiteral("/mIconRaster.svg"));
}

void Provider::loadAlgorithms()
{
    ensureGdalDriverRegistered();
    addAlgorithm(new TrainAlgorithm);
    addAlgorithm(new PredictRangeAlgorithm);
    addAlgorithm(new VirtualRasterAlgorithm);
    addAlgorithm(new EvaluateAlgorithm);
}

bool registerProvider()
{
    auto* registry = QgsApplication::processingRegistry();
    if (registry == nullptr)
    {
        return false;
    }
    if (registry->providerById(QStringLiteral("geoinr")) != nullptr)
    {
        return true;
    }
    return registry->addProvider(new Provider); // the registry owns it
}

} // namespace geoinr::qgis
