// SPDX-License-Identifier: MIT
#include "predict_range_algorithm.h"

#include <geoinr/rasters/range_raster.h>

#include <qgsprocessingparameters.h>

namespace geoinr::qgis
{

QString PredictRangeAlgorithm::displayName() const
{
    return QObject::tr("Predict range raster");
}

QString PredictRangeAlgorithm::group() const
{
    return QObject::tr("Range maps");
}

QString PredictRangeAlgorithm::shortHelpString() const
{
    return QObject::tr(
        "Maps the species of a GeoINR model on a grid: one band per species with the "
        "probability of presence, a binary range at a threshold, the logit or a Byte-scaled "
        "probability; or the model's location embedding (one band per learned feature). "
        "Covariates are read from "
        "the rasters the model was trained on. Written as a tiled, compressed GeoTIFF or a "
        "Cloud Optimized GeoTIFF, atomically; the pixels equal those of `geoinr predict` on the "
        "same grid.");
}

void PredictRangeAlgorithm::initAlgorithm(const QVariantMap&)
{
    addCheckpointParameter();
    addSpeciesParameter();
    addGridParameters();
    addValueParameters();
    addWithHelp(
        new QgsProcessingParameterEnum(
            QStringLiteral("FORMAT"), QObject::tr("Format"),
            {QStringLiteral("GeoTIFF"), QStringLiteral("Cloud Optimized GeoTIFF")}, false, 0),
        QObject::tr("GeoTIFF: tiled, DEFLATE. COG: with overviews for fast display."), true);
    addWithHelp(
        new QgsProcessingParameterRasterDestination(param::kOutput, QObject::tr("Range raster")),
        QObject::tr("The GeoTIFF to write."));
}

QVariantMap PredictRangeAlgorithm::run(const QVariantMap& parameters, QgsProcessingContext& context,
                                       QgsProcessingFeedback* feedback)
{
    rasters::PredictRasterOptions o;
    o.checkpoint = checkpointFrom(parameters, context);
    o.model.species = speciesFrom(parameters, context);
    const auto values = valuesFrom(parameters, context);
    o.model.output = rasters::parseRangeOutput(values.output);
    o.model.threshold = values.threshold;
    o.grid = gridFrom(parameters, context);
    o.format =
        parameterAsEnum(parameters, QStringLiteral("FORMAT"), context) == 1 ? "COG" : "GTiff";
    const auto output = parameterAsOutputLayer(parameters, param::kOutput, context);
    if (output.isEmpty())
    {
        throw QgsProcessingException(QObject::tr("Range raster: no output file given"));
    }
    o.output = toStd(output);
    if (feedback != nullptr)
    {
        const auto what =
            values.output == "embedding"
                ? QObject::tr("the location embedding")
                : (o.model.species.empty() ? QObject::tr("every species")
                                           : QObject::tr("%n species", nullptr,
                                                         static_cast<int>(o.model.species.size())));
        feedback->pushInfo(QObject::tr("Mapping %1 on %2").arg(what, toQ(o.grid.crs)));
    }
    rasters::predictRangeRaster(o, feedbackProgress(feedback));
    return {{param::kOutput, output}};
}

} // namespace geoinr::qgis
