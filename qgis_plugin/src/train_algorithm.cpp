// SPDX-License-Identifier: MIT
#include "train_algorithm.h"

#include "point_layer_reader.h"

#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>
#include <geoinr/rasters/training_inputs.h>

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <qgsprocessingoutputs.h>
#include <qgsprocessingparameters.h>
#include <qgsrasterlayer.h>

#include <algorithm>

namespace geoinr::qgis
{
namespace
{

const QStringList kInputModes = {QStringLiteral("automatic (env+coords with covariates)"),
                                 QStringLiteral("coords"), QStringLiteral("env"),
                                 QStringLiteral("env+coords")};
const QStringList kPseudoAbsences = {QStringLiteral("sphere"), QStringLiteral("valid_area"),
                                     QStringLiteral("target_group")};

QStringList names(const std::vector<core::ComponentInfo>& catalog)
{
    QStringList out;
    for (const auto& c : catalog)
    {
        out << toQ(c.name);
    }
    return out;
}

QStringList toQList(const std::vector<std::string>& v)
{
    QStringList out;
    for (const auto& s : v)
    {
        out << toQ(s);
    }
    return out;
}

} // namespace

QString TrainAlgorithm::displayName() const
{
    return QObject::tr("Train range model");
}

QString TrainAlgorithm::group() const
{
    return QObject::tr("Models");
}

QString TrainAlgorithm::shortHelpString() const
{
    return QObject::tr(
        "Trains a neural range model (SINR, Cole et al. 2023) from presence-only points: a "
        "location encoder feeds a network with one output per species, trained with a "
        "presence-only loss that treats unobserved places as pseudo-absences. Covariate rasters "
        "(e.g. WorldClim) are sampled at the points and at random pseudo-absences. The "
        "checkpoint holds everything needed to map, evaluate or explore the model.");
}

void TrainAlgorithm::initAlgorithm(const QVariantMap&)
{
    addPointLayerParameters(QObject::tr("Occurrence points"),
                            QObject::tr("Presence records of one or many species, in any CRS."),
                            QObject::tr("Field holding the species name of each point."));
    addWithHelp(new QgsProcessingParameterMultipleLayers(
                    QStringLiteral("COVARIATES"), QObject::tr("Covariate rasters"),
                    QgsProcessing::TypeRaster, QVariant(), true),
                QObject::tr("Environmental rasters (e.g. WorldClim bio1..bio19, elevation), any "
                            "CRS and resolution; every band is a covariate. Standardised with "
                            "statistics stored in the checkpoint."));
    addWithHelp(new QgsProcessingParameterEnum(QStringLiteral("INPUT_MODE"),
                                               QObject::tr("Network input"), kInputModes, false, 0),
                QObject::tr("coords: location only; env: covariates only; env+coords: both."));
    const auto encoders = names(core::encoderCatalog());
    addWithHelp(new QgsProcessingParameterEnum(
                    QStringLiteral("ENCODER"), QObject::tr("Location encoder"), encoders, false,
                    std::max(0, static_cast<int>(encoders.indexOf(QStringLiteral("wrap"))))),
                QObject::tr("How longitude/latitude become network inputs (SINR: wrap; "
                            "spherical_harmonics for global models)."));
    const auto networks = names(core::networkCatalog());
    addWithHelp(
        new QgsProcessingParameterEnum(
            QStringLiteral("NETWORK"), QObject::tr("Network"), networks, false,
            std::max(0, static_cast<int>(networks.indexOf(QStringLiteral("residual_fcnet"))))),
        QObject::tr("The network on top of the encoder (SINR: residual_fcnet)."));
    const auto losses = toQList(core::presenceOnlyLossNames());
    addWithHelp(new QgsProcessingParameterEnum(QStringLiteral("LOSS"), QObject::tr("Loss"), losses,
                                               false, 0),
                QObject::tr("Presence-only loss (SINR): an_full assumes negatives at the "
                            "pseudo-absences and at other species' presences."));
    addWithHelp(new QgsProcessingParameterNumber(QStringLiteral("EPOCHS"), QObject::tr("Epochs"),
                                                 QgsProcessingParameterNumber::Integer, 10, false,
                                                 1, 100000),
                QObject::tr("Passes over the presence records. Small data sets (hundreds of "
                            "points) need hundreds of epochs."));
    const core::TrainOptions defaults;
    addWithHelp(new QgsProcessingParameterEnum(QStringLiteral("PSEUDO_ABSENCES"),
                                               QObject::tr("Pseudo-absences"), kPseudoAbsences,
                                               false, 0),
                QObject::tr("sphere: uniform on the globe (SINR); valid_area: uniform where the "
                            "covariates have data; target_group: other records' locations."),
                true);
    addWithHelp(new QgsProcessingParameterNumber(
                    QStringLiteral("POS_WEIGHT"), QObject::tr("Positive weight"),
                    QgsProcessingParameterNumber::Double, defaults.positiveWeight, false, 0.0),
                QObject::tr("Weight lambda of presences in the full losses (SINR: 2048)."), true);
    addWithHelp(new QgsProcessingParameterNumber(
                    QStringLiteral("LEARNING_RATE"), QObject::tr("Learning rate"),
                    QgsProcessingParameterNumber::Double, defaults.learningRate, false, 0.0),
                QObject::tr("Adam learning rate, decayed by 0.98 per epoch."), true);
    addWithHelp(new QgsProcessingParameterNumber(QStringLiteral("BATCH_SIZE"),
                                                 QObject::tr("Batch size"),
                                                 QgsProcessingParameterNumber::Integer,
                                                 static_cast<double>(defaults.batchSize), false, 1),
                QObject::tr("Presence records per training step."), true);
    addWithHelp(new QgsProcessingParameterNumber(
                    QStringLiteral("THIN"), QObject::tr("Thinning cell (degrees, 0 = off)"),
                    QgsProcessingParameterNumber::Double, 0.0, false, 0.0),
                QObject::tr("Keep one record per species and cell of this size."), true);
    addWithHelp(new QgsProcessingParameterNumber(QStringLiteral("SEED"), QObject::tr("Seed"),
                                                 QgsProcessingParameterNumber::Integer, 0, false,
                                                 0),
                QObject::tr("Same seed, same data and threads: the same checkpoint."), true);
    addWithHelp(new QgsProcessingParameterFileDestination(
                    QStringLiteral("OUTPUT"), QObject::tr("Model checkpoint"),
                    QObject::tr("GeoINR checkpoint (*.ckpt)")),
                QObject::tr("The checkpoint to write (temporary name, renamed when complete)."));
    addOutput(new QgsProcessingOutputNumber(QStringLiteral("SPECIES_COUNT"),
                                            QObject::tr("Species in the model")));
    addOutput(new QgsProcessingOutputNumber(QStringLiteral("RECORDS"),
                                            QObject::tr("Presence records used")));
}

QVariantMap TrainAlgorithm::run(const QVariantMap& parameters, QgsProcessingContext& context,
                                QgsProcessingFeedback* feedback)
{
    const auto source = pointSourceFrom(parameters, context);
    const auto fields = speciesFieldsFrom(parameters, context);
    const auto layerName = source->sourceName();
    const auto records =
        readPointRecords(*source, layerName, fields, context.transformContext(), feedback);

    QTemporaryDir scratch;
    if (!scratch.isValid())
    {
        throw QgsProcessingException(QObject::tr("cannot create a temporary folder"));
    }
    const auto csv = scratch.filePath(QStringLiteral("occurrences.csv"));
    writeOccurrenceCsv(records, csv);

    rasters::TrainingInputOptions in;
    in.occurrences = toStd(csv);
    in.occurrenceOptions.speciesColumn = "species";
    in.occurrenceOptions.lonColumn = "lon";
    in.occurrenceOptions.latColumn = "lat";
    in.thinCellDeg = parameterAsDouble(parameters, QStringLiteral("THIN"), context);
    for (auto* layer : parameterAsLayerList(parameters, QStringLiteral("COVARIATES"), context))
    {
        auto* raster = qobject_cast<QgsRasterLayer*>(layer);
        if (raster == nullptr || raster->providerType() != QStringLiteral("gdal"))
        {
            throw QgsProcessingException(
                QObject::tr("Covariate rasters: '%1' is not a file-based (GDAL) raster layer")
                    .arg(layer->name()));
        }
        in.covariateRasters.push_back(toStd(raster->source()));
    }

    core::TrainOptions t;
    auto mode = parameterAsEnum(parameters, QStringLiteral("INPUT_MODE"), context);
    if (mode == 0)
    {
        mode = in.covariateRasters.empty() ? 1 : 3;
    }
    const auto input = toStd(kInputModes.at(mode));
    if (input != "coords" && in.covariateRasters.empty())
    {
        throw QgsProcessingException(
            QObject::tr("Network input '%1' needs covariate rasters; add some or choose coords")
                .arg(toQ(input)));
    }
    const auto encoder =
        core::encoderCatalog().at(parameterAsEnum(parameters, QStringLiteral("ENCODER"), context));
    const auto network =
        core::networkCatalog().at(parameterAsEnum(parameters, QStringLiteral("NETWORK"), context));
    t.model = {{"input", input},
               {"encoder", {{"name", encoder.name}}},
               {"network", {{"name", network.name}}}};
    t.loss = core::presenceOnlyLossNames().at(
        parameterAsEnum(parameters, QStringLiteral("LOSS"), context));
    t.epochs = parameterAsInt(parameters, QStringLiteral("EPOCHS"), context);
    t.pseudoAbsences = core::parsePseudoAbsenceKind(toStd(kPseudoAbsences.at(
        parameterAsEnum(parameters, QStringLiteral("PSEUDO_ABSENCES"), context))));
    t.positiveWeight = parameterAsDouble(parameters, QStringLiteral("POS_WEIGHT"), context);
    t.learningRate = parameterAsDouble(parameters, QStringLiteral("LEARNING_RATE"), context);
    t.batchSize = parameterAsInt(parameters, QStringLiteral("BATCH_SIZE"), context);
    t.seed =
        static_cast<std::uint64_t>(parameterAsInt(parameters, QStringLiteral("SEED"), context));
    t.threads = core::defaultTrainingThreads(); // as `geoinr train`
    const auto output = parameterAsFileOutput(parameters, QStringLiteral("OUTPUT"), context);
    if (output.isEmpty())
    {
        throw QgsProcessingException(QObject::tr("Model checkpoint: no output file given"));
    }
    t.checkpointPath = toStd(output);

    if (feedback != nullptr)
    {
        feedback->pushInfo(
            QObject::tr("Preparing %1 points of %2").arg(records.species.size()).arg(layerName));
    }
    auto inputs = rasters::prepareTrainingInputs(in, feedbackProgress(feedback, 0.10, 0.15));
    if (feedback != nullptr)
    {
        feedback->pushInfo(QObject::tr("%1 records of %2 species, %3 covariates; training %4 "
                                       "epochs (%5, %6, %7)")
                               .arg(inputs.data.size())
                               .arg(inputs.data.speciesNames.size())
                               .arg(inputs.data.envNames.size())
                               .arg(t.epochs)
                               .arg(toQ(encoder.name), toQ(network.name), toQ(t.loss)));
    }
    inputs.summary["source_layer"] = toStd(layerName);
    t.metadata = {{"covariates", inputs.covariates}, {"data", inputs.summary}};
    const auto report = core::trainRangeModel(inputs.data, t, nullptr,
                                              inputs.grid.channels > 0 ? &inputs.grid : nullptr,
                                              feedbackProgress(feedback, 0.15, 1.0));
    if (report.cancelled)
    {
        throw QgsProcessingException(
            QObject::tr("Cancelled after %1 steps; a resumable checkpoint was written to %2 "
                        "(continue with `geoinr train ... --resume`)")
                .arg(report.stepsCompleted)
                .arg(output));
    }
    if (feedback != nullptr)
    {
        feedback->pushInfo(QObject::tr("Trained %1 epochs in %2 s, final loss %3")
                               .arg(report.epochsCompleted)
                               .arg(report.seconds, 0, 'f', 1)
                               .arg(report.finalLoss, 0, 'f', 4));
    }
    return {{QStringLiteral("OUTPUT"), output},
            {QStringLiteral("SPECIES_COUNT"), static_cast<int>(inputs.data.speciesNames.size())},
            {QStringLiteral("RECORDS"), static_cast<qlonglong>(inputs.data.size())}};
}

} // namespace geoinr::qgis
