// SPDX-License-Identifier: MIT
// What every GeoINR processing algorithm shares: progress and cancel through QgsProcessingFeedback,
// GeoINR errors turned into QgsProcessingException, and the checkpoint / species / grid / value
// parameters of the prediction algorithms (same names and help everywhere).
#pragma once

#include "point_layer_reader.h"

#include <geoinr/core/progress.h>
#include <geoinr/rasters/raster_grid.h>

#include <QString>
#include <qgsexception.h>
#include <qgsprocessingalgorithm.h>
#include <qgsprocessingfeedback.h>

#include <memory>
#include <string>
#include <vector>

namespace geoinr::qgis
{

inline std::string toStd(const QString& s)
{
    return s.toStdString();
}
inline QString toQ(const std::string& s)
{
    return QString::fromStdString(s);
}

/** Progress in [from, to] of the feedback's 0..100 %; returns false (cancel) once the user
 *  cancels, which makes GeoINR's libraries throw geoinr::Cancelled at their next report. */
core::ProgressSink feedbackProgress(QgsProcessingFeedback* feedback, double from = 0.0,
                                    double to = 1.0);

/** Registers GDAL's drivers and GeoINR's (in-process) so .geoinr files open in QGIS without
 *  GDAL_DRIVER_PATH. Safe to call many times. */
void ensureGdalDriverRegistered();

/** Where the "binary" choice of VALUES sits. */
struct ValueChoice
{
    std::string output;    ///< probability, binary, logit, byte or embedding
    std::string threshold; ///< binary only: a probability or a stored rule name
};

class GeoInrAlgorithm : public QgsProcessingAlgorithm
{
  protected:
    /** The algorithm's work; any exception becomes a QgsProcessingException with its message. */
    virtual QVariantMap run(const QVariantMap& parameters, QgsProcessingContext& context,
                            QgsProcessingFeedback* feedback) = 0;
    QVariantMap processAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context,
                                 QgsProcessingFeedback* feedback) final;

    /** Adds a parameter with its help text (tooltip in the dialog, text in qgis_process help). */
    void addWithHelp(QgsProcessingParameterDefinition* p, const QString& help,
                     bool advanced = false);

    void addCheckpointParameter();
    /** The CHECKPOINT file; QgsProcessingException when it does not exist. */
    std::string checkpointFrom(const QVariantMap& parameters, QgsProcessingContext& context) const;

    void addSpeciesParameter();
    /** SPECIES: names separated by commas or new lines; empty = every species of the model. */
    std::vector<std::string> speciesFrom(const QVariantMap& parameters,
                                         QgsProcessingContext& context) const;

    void addGridParameters();
    /** EXTENT (reprojected into CRS when given in another CRS), CRS and RESOLUTION. */
    rasters::GridSpec gridFrom(const QVariantMap& parameters, QgsProcessingContext& context) const;

    void addValueParameters();
    ValueChoice valuesFrom(const QVariantMap& parameters, QgsProcessingContext& context) const;

    /** Adds INPUT (a point layer in any CRS), SPECIES_FIELD and SPECIES_NAME. */
    void addPointLayerParameters(const QString& layerTitle, const QString& layerHelp,
                                 const QString& speciesFieldHelp);
    /** The INPUT source; QgsProcessingException when it cannot be loaded. */
    std::unique_ptr<QgsProcessingFeatureSource>
    pointSourceFrom(const QVariantMap& parameters, QgsProcessingContext& context) const;
    /** SPECIES_FIELD and SPECIES_NAME. */
    PointFields speciesFieldsFrom(const QVariantMap& parameters,
                                  QgsProcessingContext& context) const;
};

/** Parameter names shared by the algorithms. */
namespace param
{
inline const QString kCheckpoint = QStringLiteral("CHECKPOINT");
inline const QString kSpecies = QStringLiteral("SPECIES");
inline const QString kExtent = QStringLiteral("EXTENT");
inline const QString kCrs = QStringLiteral("CRS");
inline const QString kResolution = QStringLiteral("RESOLUTION");
inline const QString kValues = QStringLiteral("VALUES");
inline const QString kThreshold = QStringLiteral("THRESHOLD");
inline const QString kOutput = QStringLiteral("OUTPUT");
} // namespace param

} // namespace geoinr::qgis
