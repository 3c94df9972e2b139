// SPDX-License-Identifier: MIT
// Helpers for qgis_tests: running a geoinr:* algorithm through the processing API with its error
// message captured, bundled-data paths, and layers built in memory.
#pragma once

#include <QString>
#include <QVariantMap>
#include <qgsapplication.h>
#include <qgsexception.h>
#include <qgsprocessingalgorithm.h>
#include <qgsprocessingcontext.h>
#include <qgsprocessingfeedback.h>
#include <qgsprocessingregistry.h>
#include <qgsproject.h>

#include <string>

namespace geoinr::test
{

/** Feedback that remembers errors and the last progress value. */
class RecordingFeedback : public QgsProcessingFeedback
{
  public:
    void reportError(const QString& error, bool fatalError = false) override
    {
        errors += error + QStringLiteral("\n");
        QgsProcessingFeedback::reportError(error, fatalError);
    }
    QString errors;
};

struct AlgorithmRun
{
    bool ok = false;
    QVariantMap results;
    QString errors; ///< what the algorithm reported (the QgsProcessingException message)
    double progress = 0.0;
};

/** Runs geoinr:<id> with `parameters`; `context` keeps temporary output layers alive. */
inline AlgorithmRun runAlgorithm(const QString& id, const QVariantMap& parameters,
                                 QgsProcessingContext& context)
{
    AlgorithmRun r;
    const auto* alg =
        QgsApplication::processingRegistry()->algorithmById(QStringLiteral("geoinr:") + id);
    if (alg == nullptr)
    {
        r.errors = QStringLiteral("no algorithm geoinr:") + id;
        return r;
    }
    context.setProject(QgsProject::instance());
    RecordingFeedback feedback;
    r.results = alg->run(parameters, context, &feedback, &r.ok);
    r.errors = feedback.errors;
    r.progress = feedback.progress();
    return r;
}

inline AlgorithmRun runAlgorithm(const QString& id, const QVariantMap& parameters)
{
    QgsProcessingContext context;
    return runAlgorithm(id, parameters, context);
}

/** resources/demo/bradypus/<name> in the source tree. */
inline QString bradypusFile(const QString& name)
{
    return QStringLiteral(GEOINR_RESOURCES_DIR "/demo/bradypus/") + name;
}

} // namespace geoinr::test
