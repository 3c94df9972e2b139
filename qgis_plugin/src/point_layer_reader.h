// SPDX-License-Identifier: MIT
// Reading a QGIS point source as WGS84 records: the bridge between a layer in the project (any
// provider, any CRS, with Processing's selection and filters applied) and GeoINR's libraries.
#pragma once

#include <geoinr/rasters/presence_absence_evaluation.h>

#include <QString>
#include <QStringList>
#include <qgsprocessingfeedback.h>

class QgsFeatureSource;
class QgsCoordinateTransformContext;

namespace geoinr::qgis
{

struct PointFields
{
    QString speciesField;     ///< field with the species name (or empty: singleSpecies)
    QString singleSpecies;    ///< name for every point when there is no species field
    QString presenceField;    ///< optional 1/0 field (evaluation layers); else every point is 1
    QStringList extraNumeric; ///< numeric fields copied as covariates (NULL -> NaN)
};

/**
 * The points of `source` in WGS84 degrees. Multipoints give one record per point; features
 * without geometry are skipped and reported to `feedback`. Throws QgsProcessingException naming
 * `layerName` (and the feature id) for: a non-point layer, a missing CRS or transformation, an
 * unknown field, an empty species, a presence value other than 0/1, a point that cannot be
 * transformed, and a layer without usable points. Honours cancel.
 */
rasters::SurveyRecords readPointRecords(const QgsFeatureSource& source, const QString& layerName,
                                        const PointFields& fields,
                                        const QgsCoordinateTransformContext& transforms,
                                        QgsProcessingFeedback* feedback);

/** Writes records as CSV (species, lon, lat; RFC 4180 quoting) for rasters' occurrence reader. */
void writeOccurrenceCsv(const rasters::SurveyRecords& records, const QString& path);

} // namespace geoinr::qgis
