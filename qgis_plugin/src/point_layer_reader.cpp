// SPDX-License-Identifier: MIT
#include "point_layer_reader.h"

#include "algorithm_base.h"

#include <geoinr/core/text_file.h>

#include <fmt/format.h>
#include <qgscoordinatetransform.h>
#include <qgsexception.h>
#include <qgsfeaturerequest.h>
#include <qgsfeaturesource.h>
#include <qgsgeometry.h>
#include <qgswkbtypes.h>

#include <cmath>

namespace geoinr::qgis
{
namespace
{

int fieldIndex(const QgsFeatureSource& source, const QString& layerName, const QString& field)
{
    const int i = source.fields().lookupField(field);
    if (i < 0)
    {
        throw QgsProcessingException(
            QObject::tr("%1: no field named '%2' (fields: %3)")
                .arg(layerName, field, source.fields().names().join(QStringLiteral(", "))));
    }
    return i;
}

} // namespace

rasters::SurveyRecords readPointRecords(const QgsFeatureSource& source, const QString& layerName,
                                        const PointFields& fields,
                                        const QgsCoordinateTransformContext& transforms,
                                        QgsProcessingFeedback* feedback)
{
    if (QgsWkbTypes::geometryType(source.wkbType()) != QgsWkbTypes::PointGeometry)
    {
        throw QgsProcessingException(
            QObject::tr("%1: expected a point layer, got %2 geometries")
                .arg(layerName, QgsWkbTypes::displayString(source.wkbType())));
    }
    if (!source.sourceCrs().isValid())
    {
        throw QgsProcessingException(
            QObject::tr("%1: the layer has no CRS; set one (Layer Properties > Source) so its "
                        "points can be transformed to WGS 84")
                .arg(layerName));
    }
    const QgsCoordinateTransform toWgs84(
        source.sourceCrs(), QgsCoordinateReferenceSystem(QStringLiteral("EPSG:4326")), transforms);
    if (!toWgs84.isValid())
    {
        throw QgsProcessingException(
            QObject::tr("%1: no coordinate transformation from %2 to "
                        "WGS 84")
                .arg(layerName, source.sourceCrs().userFriendlyIdentifier()));
    }
    if (fields.speciesField.isEmpty() && fields.singleSpecies.trimmed().isEmpty())
    {
        throw QgsProcessingException(
            QObject::tr("%1: choose a species field, or give one species name for the whole "
                        "layer")
                .arg(layerName));
    }
    const int speciesIdx =
        fields.speciesField.isEmpty() ? -1 : fieldIndex(source, layerName, fields.speciesField);
    const int presenceIdx =
        fields.presenceField.isEmpty() ? -1 : fieldIndex(source, layerName, fields.presenceField);
    std::vector<int> extraIdx;
    rasters::SurveyRecords out;
    for (const auto& f : fields.extraNumeric)
    {
        extraIdx.push_back(fieldIndex(source, layerName, f));
        out.covariateNames.push_back(toStd(f));
    }

    const double total = std::max<long long>(1, source.featureCount());
    long long done = 0;
    long long noGeometry = 0;
    QgsFeature feature;
    auto it = source.getFeatures(QgsFeatureRequest());
    while (it.nextFeature(feature))
    {
        if (feedback != nullptr && (++done % 1000 == 0))
        {
            if (feedback->isCanceled())
            {
                throw QgsProcessingException(
                    QObject::tr("Cancelled while reading %1").arg(layerName));
            }
            feedback->setProgress(10.0 * static_cast<double>(done) / total);
        }
        const auto geometry = feature.geometry();
        if (geometry.isNull() || geometry.isEmpty())
        {
            ++noGeometry;
            continue;
        }
        const auto where = QObject::tr("%1, feature %2").arg(layerName).arg(feature.id());
        const auto species = speciesIdx < 0 ? fields.singleSpecies.trimmed()
                                            : feature.attribute(speciesIdx).toString().trimmed();
        if (species.isEmpty() || (speciesIdx >= 0 && feature.attribute(speciesIdx).isNull()))
        {
            throw QgsProcessingException(
                QObject::tr("%1: empty species in field '%2'").arg(where, fields.speciesField));
        }
        std::uint8_t present = 1;
        if (presenceIdx >= 0)
        {
            bool ok = false;
            const double v = feature.attribute(presenceIdx).toDouble(&ok);
            if (!ok || (v != 0.0 && v != 1.0))
            {
                throw QgsProcessingException(
                    QObject::tr("%1: field '%2' is '%3'; expected 1 (present) or 0 (absent)")
                        .arg(where, fields.presenceField,
                             feature.attribute(presenceIdx).toString()));
            }
            present = v == 1.0 ? 1 : 0;
        }
        for (auto v = geometry.vertices_begin(); v != geometry.vertices_end(); ++v)
        {
            QgsPointXY p((*v).x(), (*v).y());
            try
            {
                p = toWgs84.transform(p);
            }
            catch (const QgsCsException& e)
            {
                throw QgsProcessingException(
                    QObject::tr("%1: cannot transform (%2, %3) from %4 to WGS 84: %5")
                        .arg(where)
                        .arg((*v).x(), 0, 'g', 12)
                        .arg((*v).y(), 0, 'g', 12)
                        .arg(source.sourceCrs().userFriendlyIdentifier(), e.what()));
            }
            out.species.push_back(toStd(species));
            out.lon.push_back(p.x());
            out.lat.push_back(p.y());
            out.present.push_back(present);
            for (const int i : extraIdx)
            {
                bool ok = false;
                const double x = feature.attribute(i).toDouble(&ok);
                out.covariates.push_back(ok && !feature.attribute(i).isNull() ? x : NAN);
            }
        }
    }
    if (noGeometry > 0 && feedback != nullptr)
    {
        feedback->reportError(QObject::tr("%1: %2 feature(s) without geometry skipped")
                                  .arg(layerName)
                                  .arg(noGeometry),
                              false);
    }
    if (out.species.empty())
    {
        throw QgsProcessingException(QObject::tr("%1: no points to use (%2 feature(s) read, %3 "
                                                 "without geometry)")
                                         .arg(layerName)
                                         .arg(done)
                                         .arg(noGeometry));
    }
    return out;
}

void writeOccurrenceCsv(const rasters::SurveyRecords& records, const QString& path)
{
    std::string text = "species,lon,lat\n";
    for (std::size_t i = 0; i < records.species.size(); ++i)
    {
        std::string name = records.species[i];
        std::string quoted;
        for (const char c : name)
        {
            quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        }
        // Shortest round-trip formatting keeps the coordinates exact.
        text += fmt::format("\"{}\",{},{}\n", quoted, records.lon[i], records.lat[i]);
    }
    core::writeTextFileAtomically(toStd(path), text);
}

} // namespace geoinr::qgis
