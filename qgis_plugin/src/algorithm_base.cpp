// SPDX-License-Identifier: MIT
#include "algorithm_base.h"

#include <geoinr/core/error.h>
#include <geoinr/gdal_driver/register.h>

#include <QFileInfo>
#include <QRegularExpression>
#include <gdal.h>
#include <qgscoordinatereferencesystem.h>
#include <qgsprocessingparameters.h>

#include <array>
#include <mutex>

namespace geoinr::qgis
{

core::ProgressSink feedbackProgress(QgsProcessingFeedback* feedback, double from, double to)
{
    return [feedback, from, to](double fraction, const std::string& message)
    {
        if (feedback == nullptr)
        {
            return true;
        }
        feedback->setProgress(100.0 * (from + (to - from) * fraction));
        if (!message.empty())
        {
            feedback->setProgressText(toQ(message));
        }
        return !feedback->isCanceled();
    };
}

void ensureGdalDriverRegistered()
{
    static std::once_flag once;
    std::call_once(once,
                   []
                   {
                       GDALAllRegister();
                       GDALRegister_GEOINR(); // no-op when GDAL_DRIVER_PATH already loaded it
                   });
}

QVariantMap GeoInrAlgorithm::processAlgorithm(const QVariantMap& parameters,
                                              QgsProcessingContext& context,
                                              QgsProcessingFeedback* feedback)
{
    try
    {
        return run(parameters, context, feedback);
    }
    catch (const QgsProcessingException&)
    {
        throw;
    }
    catch (const Cancelled& e)
    {
        throw QgsProcessingException(QStringLiteral("Cancelled: %1").arg(toQ(e.what())));
    }
    catch (const std::exception& e)
    {
        throw QgsProcessingException(toQ(e.what()));
    }
}

void GeoInrAlgorithm::addWithHelp(QgsProcessingParameterDefinition* p, const QString& help,
                                  bool advanced)
{
    p->setHelp(help);
    if (advanced)
    {
        p->setFlags(p->flags() | QgsProcessingParameterDefinition::FlagAdvanced);
    }
    addParameter(p);
}

void GeoInrAlgorithm::addCheckpointParameter()
{
    addWithHelp(new QgsProcessingParameterFile(param::kCheckpoint, QObject::tr("Model checkpoint"),
                                               QgsProcessingParameterFile::File,
                                               QStringLiteral("ckpt")),
                QObject::tr("A checkpoint written by GeoINR training (Train range model or "
                            "`geoinr train`); it carries the species, covariates and weights."));
}

std::string GeoInrAlgorithm::checkpointFrom(const QVariantMap& parameters,
                                            QgsProcessingContext& context) const
{
    const auto path = parameterAsFile(parameters, param::kCheckpoint, context);
    if (path.isEmpty() || !QFileInfo(path).isFile())
    {
        throw QgsProcessingException(
            QObject::tr("Model checkpoint: '%1' is not a file; expected a .ckpt file written by "
                        "GeoINR training")
                .arg(path));
    }
    return toStd(QFileInfo(path).absoluteFilePath());
}

void GeoInrAlgorithm::addSpeciesParameter()
{
    addWithHelp(new QgsProcessingParameterString(param::kSpecies, QObject::tr("Species"),
                                                 QVariant(), true, true),
                QObject::tr("Species names of the model, separated by commas or new lines; one "
                            "band per species. Leave empty for every species."));
}

std::vector<std::string> GeoInrAlgorithm::speciesFrom(const QVariantMap& parameters,
                                                      QgsProcessingContext& context) const
{
    std::vector<std::string> names;
    const auto text = parameterAsString(parameters, param::kSpecies, context);
    for (const auto& part : text.split(QRegularExpression(QStringLiteral("[,\\n]"))))
    {
        if (!part.trimmed().isEmpty())
        {
            names.push_back(toStd(part.trimmed()));
        }
    }
    return names;
}

void GeoInrAlgorithm::addGridParameters()
{
    addWithHelp(
        new QgsProcessingParameterExtent(param::kExtent, QObject::tr("Extent"), QVariant(), true),
        QObject::tr("Area to map. Empty: the bounds of the model's covariate rasters "
                    "(the globe for coordinate-only models); required for projected "
                    "CRSs."));
    // Optional with a default: qgis_process insists on non-optional CRS parameters.
    addWithHelp(new QgsProcessingParameterCrs(param::kCrs, QObject::tr("Output CRS"),
                                              QStringLiteral("EPSG:4326"), true),
                QObject::tr("CRS of the output grid (default EPSG:4326); pixel centres are "
                            "transformed to longitude and latitude with PROJ."));
    auto* res = new QgsProcessingParameterNumber(
        param::kResolution, QObject::tr("Pixel size (CRS units, 0 = automatic)"),
        QgsProcessingParameterNumber::Double, 0.0, true, 0.0);
    addWithHelp(res, QObject::tr("Pixel size in units of the output CRS. 0: the model's "
                                 "training grid resolution, else 0.5 degrees (or 1/1000 of the "
                                 "extent width in projected CRSs)."));
}

rasters::GridSpec GeoInrAlgorithm::gridFrom(const QVariantMap& parameters,
                                            QgsProcessingContext& context) const
{
    rasters::GridSpec grid;
    auto crs = parameterAsCrs(parameters, param::kCrs, context);
    if (!crs.isValid() && !parameters.value(param::kCrs).isValid())
    {
        crs = QgsCoordinateReferenceSystem(QStringLiteral("EPSG:4326"));
    }
    if (!crs.isValid())
    {
        throw QgsProcessingException(QObject::tr("Output CRS: not a valid coordinate system"));
    }
    grid.crs = crs.authid().isEmpty()
                   ? toStd(crs.toWkt(QgsCoordinateReferenceSystem::WKT_PREFERRED))
                   : toStd(crs.authid());
    const auto extent = parameterAsExtent(parameters, param::kExtent, context, crs);
    if (!extent.isNull() && !extent.isEmpty())
    {
        grid.extent = {extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()};
    }
    grid.resolution = parameterAsDouble(parameters, param::kResolution, context);
    return grid;
}

void GeoInrAlgorithm::addValueParameters()
{
    addWithHelp(
        new QgsProcessingParameterEnum(
            param::kValues, QObject::tr("Values"),
            {QObject::tr("Probability of presence (0-1)"),
             QObject::tr("Binary range (0/1 at the threshold)"), QObject::tr("Logit"),
             QObject::tr("Probability as Byte (0-254)"),
             QObject::tr("Location embedding (learned features, one band each)")},
            false, 0),
        QObject::tr("Probability: Float32 in [0, 1], nodata -1. Binary: Byte, 1 where the "
                    "probability reaches the threshold, nodata 255. Logit: Float32, nodata NaN. "
                    "Byte: round(254 p) with scale 1/254, nodata 255 (4x smaller files). "
                    "Embedding: the model's learned features at each pixel, Float32, one band "
                    "per feature (leave Species empty), e.g. as inputs for other models."));
    addWithHelp(new QgsProcessingParameterString(param::kThreshold,
                                                 QObject::tr("Threshold (binary values)"),
                                                 QStringLiteral("max_tss")),
                QObject::tr("A probability (e.g. 0.5) or a rule stored by training: mtp "
                            "(minimum training presence), presence_95, presence_90, max_tss."));
}

ValueChoice GeoInrAlgorithm::valuesFrom(const QVariantMap& parameters,
                                        QgsProcessingContext& context) const
{
    ValueChoice v;
    static const std::array<const char*, 5> kOutputs = {"probability", "binary", "logit", "byte",
                                                        "embedding"};
    const auto index = parameterAsEnum(parameters, param::kValues, context);
    if (index < 0 || index >= static_cast<int>(kOutputs.size()))
    {
        throw QgsProcessingException(QObject::tr("Values: unknown choice %1").arg(index));
    }
    v.output = kOutputs.at(static_cast<std::size_t>(index));
    if (v.output == "embedding" && !speciesFrom(parameters, context).empty())
    {
        throw QgsProcessingException(
            QObject::tr("Species: leave it empty with embedding values (the embedding is the "
                        "same for every species; one band per feature)"));
    }
    const bool binary = v.output == "binary";
    if (binary)
    {
        v.threshold = toStd(parameterAsString(parameters, param::kThreshold, context).trimmed());
        if (v.threshold.empty())
        {
            throw QgsProcessingException(QObject::tr(
                "Threshold: binary values need a probability or a stored rule name (mtp, "
                "presence_95, presence_90, max_tss)"));
        }
    }
    return v;
}

void GeoInrAlgorithm::addPointLayerParameters(const QString& layerTitle, const QString& layerHelp,
                                              const QString& speciesFieldHelp)
{
    addWithHelp(
        new QgsProcessingParameterFeatureSource(QStringLiteral("INPUT"), layerTitle,
                                                QList<int>() << QgsProcessing::TypeVectorPoint),
        layerHelp);
    addWithHelp(new QgsProcessingParameterField(
                    QStringLiteral("SPECIES_FIELD"), QObject::tr("Species field"), QVariant(),
                    QStringLiteral("INPUT"), QgsProcessingParameterField::Any, false, true),
                speciesFieldHelp);
    addWithHelp(new QgsProcessingParameterString(QStringLiteral("SPECIES_NAME"),
                                                 QObject::tr("Species name (no species field)"),
                                                 QVariant(), false, true),
                QObject::tr("One species name for every point, when the layer holds a single "
                            "species and has no species field."));
}

std::unique_ptr<QgsProcessingFeatureSource>
GeoInrAlgorithm::pointSourceFrom(const QVariantMap& parameters, QgsProcessingContext& context) const
{
    std::unique_ptr<QgsProcessingFeatureSource> source(
        parameterAsSource(parameters, QStringLiteral("INPUT"), context));
    if (!source)
    {
        throw QgsProcessingException(invalidSourceError(parameters, QStringLiteral("INPUT")));
    }
    return source;
}

PointFields GeoInrAlgorithm::speciesFieldsFrom(const QVariantMap& parameters,
                                               QgsProcessingContext& context) const
{
    PointFields fields;
    fields.speciesField = parameterAsString(parameters, QStringLiteral("SPECIES_FIELD"), context);
    fields.singleSpecies = parameterAsString(parameters, QStringLiteral("SPECIES_NAME"), context);
    return fields;
}

} // namespace geoinr::qgis
