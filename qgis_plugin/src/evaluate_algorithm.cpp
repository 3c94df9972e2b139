// SPDX-License-Identifier: MIT
#include "evaluate_algorithm.h"

#include "point_layer_reader.h"

#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/text_file.h>
#include <geoinr/rasters/presence_absence_evaluation.h>

#include <QFileInfo>
#include <qgsfeaturesink.h>
#include <qgsprocessingoutputs.h>
#include <qgsprocessingparameters.h>

namespace geoinr::qgis
{
namespace
{

QString html(const QString& s)
{
    return s.toHtmlEscaped();
}

/** A self-contained HTML page: the means and one row per species. */
QString reportHtml(const nlohmann::json& r, const QString& layerName)
{
    QString page = QStringLiteral("<html><head><meta charset=\"utf-8\"><title>GeoINR evaluation"
                                  "</title></head><body>\n");
    page += QStringLiteral("<h1>GeoINR presence-absence evaluation</h1>\n<p>Model: %1<br>"
                           "Sites: %2 (%3 records)<br>%4</p>\n")
                .arg(html(toQ(r.at("checkpoint").get<std::string>())), html(layerName))
                .arg(r.at("records").get<long long>())
                .arg(html(toQ(r.at("protocol").get<std::string>())));
    page += QStringLiteral("<p><b>Mean ROC-AUC %1, mean AP %2</b> over %3 species (%4 skipped: a "
                           "single class at their sites; %5 records of species the model does "
                           "not have).</p>\n")
                .arg(r.at("mean_auc").get<double>(), 0, 'f', 4)
                .arg(r.at("mean_ap").get<double>(), 0, 'f', 4)
                .arg(r.at("species_evaluated").get<long long>())
                .arg(r.at("species_skipped").get<long long>())
                .arg(r.at("species_unknown_records").get<long long>());
    page += QStringLiteral("<table border=\"1\" cellpadding=\"3\"><tr><th>species</th><th>sites"
                           "</th><th>presences</th><th>ROC-AUC</th><th>AP</th></tr>\n");
    for (const auto& row : r.at("per_species"))
    {
        page += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td>"
                               "</tr>\n")
                    .arg(html(toQ(row.at("species").get<std::string>())))
                    .arg(row.at("sites").get<long long>())
                    .arg(row.at("presences").get<long long>())
                    .arg(row.at("auc").get<double>(), 0, 'f', 4)
                    .arg(row.at("ap").get<double>(), 0, 'f', 4);
    }
    return page + QStringLiteral("</table></body></html>\n");
}

} // namespace

QString EvaluateAlgorithm::displayName() const
{
    return QObject::tr("Evaluate on presence-absence points");
}

QString EvaluateAlgorithm::group() const
{
    return QObject::tr("Evaluation");
}

QString EvaluateAlgorithm::shortHelpString() const
{
    return QObject::tr(
        "Scores a model against surveyed sites: one point per site and species with 1 "
        "(present) or 0 (absent). For each species with both classes: ROC-AUC (ties count 1/2) "
        "and average precision of the model's scores, as in SINR's presence-absence protocol; "
        "their means are returned. Species the model does not have are counted and skipped.");
}

void EvaluateAlgorithm::initAlgorithm(const QVariantMap&)
{
    addCheckpointParameter();
    addPointLayerParameters(QObject::tr("Presence-absence points"),
                            QObject::tr("Survey sites, any CRS: one point per site and species."),
                            QObject::tr("Field with the species name (as in the model)."));
    addWithHelp(new QgsProcessingParameterField(
                    QStringLiteral("PRESENCE_FIELD"), QObject::tr("Presence field (1/0)"),
                    QVariant(), QStringLiteral("INPUT"), QgsProcessingParameterField::Numeric),
                QObject::tr("1 where the species was found, 0 where it was surveyed and absent."));
    addWithHelp(new QgsProcessingParameterFeatureSink(QStringLiteral("OUTPUT"),
                                                      QObject::tr("Scores per species"),
                                                      QgsProcessing::TypeVector),
                QObject::tr("Table: species, sites, presences, auc, ap."));
    addWithHelp(new QgsProcessingParameterFileDestination(
                    QStringLiteral("REPORT"), QObject::tr("Report"),
                    QObject::tr("HTML files (*.html)"), QVariant(), true),
                QObject::tr("An HTML page with the means and the table."));
    addOutput(
        new QgsProcessingOutputNumber(QStringLiteral("MEAN_AUC"), QObject::tr("Mean ROC-AUC")));
    addOutput(new QgsProcessingOutputNumber(QStringLiteral("MEAN_AP"),
                                            QObject::tr("Mean average precision")));
}

QVariantMap EvaluateAlgorithm::run(const QVariantMap& parameters, QgsProcessingContext& context,
                                   QgsProcessingFeedback* feedback)
{
    const auto checkpoint = checkpointFrom(parameters, context);
    const auto source = pointSourceFrom(parameters, context);
    auto fields = speciesFieldsFrom(parameters, context);
    fields.presenceField = parameterAsString(parameters, QStringLiteral("PRESENCE_FIELD"), context);
    // A model trained on table covariates needs those columns at the sites, by name.
    // The header alone says which (evaluateSurveyRecords loads the model itself).
    const auto header = core::readCheckpointFile(checkpoint, true).header;
    for (const auto& column :
         rasters::tableCovariateColumns(header.value("metadata", nlohmann::json::object())
                                            .value("covariates", nlohmann::json::object())))
    {
        fields.extraNumeric << toQ(column);
    }
    const auto layerName = source->sourceName();
    const auto records =
        readPointRecords(*source, layerName, fields, context.transformContext(), feedback);
    const auto result =
        rasters::evaluateSurveyRecords(checkpoint, records, feedbackProgress(feedback, 0.1, 0.9));
    if (result.at("species_evaluated").get<long long>() == 0)
    {
        throw QgsProcessingException(
            QObject::tr("%1: no species of the model has both presences and absences at usable "
                        "sites (%2 records; %3 of species the model does not have)")
                .arg(layerName)
                .arg(records.species.size())
                .arg(result.at("species_unknown_records").get<long long>()));
    }

    QgsFields table;
    table.append(QgsField(QStringLiteral("species"), QVariant::String));
    table.append(QgsField(QStringLiteral("sites"), QVariant::Int));
    table.append(QgsField(QStringLiteral("presences"), QVariant::Int));
    table.append(QgsField(QStringLiteral("auc"), QVariant::Double));
    table.append(QgsField(QStringLiteral("ap"), QVariant::Double));
    QString sinkId;
    std::unique_ptr<QgsFeatureSink> sink(parameterAsSink(
        parameters, QStringLiteral("OUTPUT"), context, sinkId, table, QgsWkbTypes::NoGeometry));
    if (!sink)
    {
        throw QgsProcessingException(invalidSinkError(parameters, QStringLiteral("OUTPUT")));
    }
    for (const auto& row : result.at("per_species"))
    {
        QgsFeature f(table);
        f.setAttributes(QgsAttributes()
                        << toQ(row.at("species").get<std::string>()) << row.at("sites").get<int>()
                        << row.at("presences").get<int>() << row.at("auc").get<double>()
                        << row.at("ap").get<double>());
        if (!sink->addFeature(f, QgsFeatureSink::FastInsert))
        {
            throw QgsProcessingException(
                writeFeatureError(sink.get(), parameters, QStringLiteral("OUTPUT")));
        }
    }
    QVariantMap out = {{QStringLiteral("OUTPUT"), sinkId},
                       {QStringLiteral("MEAN_AUC"), result.at("mean_auc").get<double>()},
                       {QStringLiteral("MEAN_AP"), result.at("mean_ap").get<double>()}};
    const auto report = parameterAsFileOutput(parameters, QStringLiteral("REPORT"), context);
    if (!report.isEmpty())
    {
        core::writeTextFileAtomically(toStd(report), toStd(reportHtml(result, layerName)));
        out.insert(QStringLiteral("REPORT"), report);
    }
    if (feedback != nullptr)
    {
        feedback->pushInfo(QObject::tr("Mean ROC-AUC %1, mean AP %2 over %3 species")
                               .arg(result.at("mean_auc").get<double>(), 0, 'f', 4)
                               .arg(result.at("mean_ap").get<double>(), 0, 'f', 4)
                               .arg(result.at("species_evaluated").get<long long>()));
        feedback->setProgress(100.0);
    }
    return out;
}

} // namespace geoinr::qgis
