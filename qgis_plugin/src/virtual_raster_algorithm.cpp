// SPDX-License-Identifier: MIT
#include "virtual_raster_algorithm.h"

#include <geoinr/core/predictor.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/virtual_raster.h>

#include <QFileInfo>
#include <qgsprocessingcontext.h>
#include <qgsprocessingoutputs.h>
#include <qgsprocessingparameters.h>
#include <qgsprocessingutils.h>

namespace geoinr::qgis
{

QString VirtualRasterAlgorithm::displayName() const
{
    return QObject::tr("Create virtual range raster");
}

QString VirtualRasterAlgorithm::group() const
{
    return QObject::tr("Range maps");
}

QString VirtualRasterAlgorithm::shortHelpString() const
{
    return QObject::tr(
        "Writes a small .geoinr file that names the model, species and grid. QGIS (and "
        "gdalinfo, gdal_translate) open it as a raster whose pixels the model computes when they "
        "are drawn: only the visible area is evaluated, at the zoom level's resolution, and the "
        "map re-renders on pan and zoom. Nothing is precomputed.");
}

void VirtualRasterAlgorithm::initAlgorithm(const QVariantMap&)
{
    addCheckpointParameter();
    addSpeciesParameter();
    addGridParameters();
    addValueParameters();
    addWithHelp(new QgsProcessingParameterBoolean(QStringLiteral("LOAD"),
                                                  QObject::tr("Add the range to the map"), true),
                QObject::tr("Open the virtual raster as a layer when the algorithm finishes."));
    addWithHelp(new QgsProcessingParameterFileDestination(
                    param::kOutput, QObject::tr("Virtual range raster"),
                    QObject::tr("GeoINR virtual raster (*.geoinr)")),
                QObject::tr("The .geoinr file to write (JSON, format in the GDAL driver's "
                            "README)."));
    addOutput(
        new QgsProcessingOutputRasterLayer(QStringLiteral("LAYER"), QObject::tr("Range layer")));
}

QVariantMap VirtualRasterAlgorithm::run(const QVariantMap& parameters,
                                        QgsProcessingContext& context,
                                        QgsProcessingFeedback* feedback)
{
    ensureGdalDriverRegistered();
    rasters::VirtualRasterSpec spec;
    spec.checkpoint = checkpointFrom(parameters, context);
    spec.model.species = speciesFrom(parameters, context);
    const auto values = valuesFrom(parameters, context);
    spec.model.output = rasters::parseRangeOutput(values.output);
    spec.model.threshold = values.threshold;
    spec.grid = gridFrom(parameters, context);
    auto output = parameterAsFileOutput(parameters, param::kOutput, context);
    if (output.isEmpty())
    {
        throw QgsProcessingException(QObject::tr("Virtual range raster: no output file given"));
    }
    if (QFileInfo(output).suffix().compare(QStringLiteral("geoinr"), Qt::CaseInsensitive) != 0)
    {
        output += QStringLiteral(".geoinr"); // the driver identifies files by content, QGIS's
                                             // file dialogs by extension
    }

    // Everything the driver will check, checked now, so a bad species or threshold is reported
    // here rather than as an unreadable layer.
    core::reportProgress(feedbackProgress(feedback), 0.1, "loading the model");
    const rasters::GridPredictor predictor(spec.checkpoint, spec.model);
    const auto& meta = predictor.predictor().header().at("metadata");
    const auto grid =
        rasters::resolveGrid(spec.grid, meta.value("covariates", nlohmann::json::object()));
    rasters::writeVirtualRaster(spec, toStd(output));
    if (feedback != nullptr)
    {
        feedback->pushInfo(QObject::tr("%1: %2 x %3 pixels, %4 band(s), computed on demand")
                               .arg(output)
                               .arg(grid.width)
                               .arg(grid.height)
                               .arg(predictor.bandCount()));
        feedback->setProgress(100.0);
    }
    if (parameterAsBoolean(parameters, QStringLiteral("LOAD"), context))
    {
        context.addLayerToLoadOnCompletion(
            output, QgsProcessingContext::LayerDetails(QFileInfo(output).completeBaseName(),
                                                       context.project(), param::kOutput,
                                                       QgsProcessingUtils::LayerHint::Raster));
    }
    return {{param::kOutput, output}, {QStringLiteral("LAYER"), output}};
}

} // namespace geoinr::qgis
