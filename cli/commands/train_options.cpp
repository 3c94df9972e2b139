// SPDX-License-Identifier: MIT
#include "train_options.h"

#include "json_arg.h"

#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>
#include <geoinr/core/runtime_info.h>

#include <fmt/format.h>

#include <algorithm>

namespace geoinr::cli
{

void addTrainingInputOptions(CLI::App* cmd, TrainingArgs& a)
{
    cmd->add_option("occurrences", a.inputs.occurrences,
                    "presence records: CSV/TSV (GBIF simple downloads work as they are) or any OGR "
                    "point layer")
        ->required();
    auto& o = a.inputs.occurrenceOptions;
    cmd->add_option("--species-column", o.speciesColumn, "species column (default: auto)");
    cmd->add_option("--lon-column", o.lonColumn, "longitude/x column (default: auto)");
    cmd->add_option("--lat-column", o.latColumn, "latitude/y column (default: auto)");
    cmd->add_option("--species", o.singleSpecies, "one species name for a file without species");
    cmd->add_option("--crs", o.sourceCrs, "CRS of the coordinates (EPSG code, WKT, PROJ)");
    cmd->add_option("--layer", o.layer, "OGR layer name");
    cmd->add_flag("--skip-invalid", o.skipInvalid, "skip and count bad rows instead of failing");
    cmd->add_option("--thin", a.inputs.thinCellDeg,
                    "keep one record per species and cell of this size (degrees)");
    cmd->add_option("--covariates", a.inputs.covariateRasters,
                    "covariate rasters or folders of GeoTIFFs (e.g. WorldClim bio1..bio19)");
    cmd->add_option("--table-covariates", a.inputs.tableCovariates,
                    "covariate columns of the occurrence table (and of --background)");
    cmd->add_option("--categorical", a.inputs.categorical, "covariates to one-hot encode");
    cmd->add_option("--background", a.inputs.backgroundFile,
                    "background points (same columns as the occurrences), e.g. disdat's "
                    "background.csv");
    cmd->add_option("--sampling", a.resampling,
                    "covariates at points: nearest, bilinear, "
                    "sinr_compat")
        ->capture_default_str();
    cmd->add_option("--grid-resolution", a.inputs.gridResolutionDeg,
                    "degrees of the covariate grid for random pseudo-absences (default: auto)");
}

void addTrainingModelOptions(CLI::App* cmd, TrainingArgs& a)
{
    auto& t = a.options;
    cmd->add_option("--input", a.input, "network input: coords, env, env+coords")
        ->capture_default_str();
    cmd->add_option("--encoder", a.encoder,
                    "encoder name or JSON (see geoinr encoders; default: wrap, or the "
                    "--init-from model's)");
    cmd->add_option("--network", a.network,
                    "network name or JSON (see geoinr networks; default: residual_fcnet, or the "
                    "--init-from model's)");
    cmd->add_option("--init-from", t.initFrom,
                    "start from a `geoinr pretrain` checkpoint: copy its encoder and network "
                    "trunk (the species head is new)");
    cmd->add_flag("--freeze-pretrained", t.freezePretrained,
                  "keep the weights copied by --init-from fixed (train the head only)");
    cmd->add_option("--loss", t.loss, "an_full, an_ssdl, an_slds, me_full, me_ssdl, me_slds, gp")
        ->capture_default_str();
    cmd->add_option("--pos-weight", t.positiveWeight, "positive weight lambda (full losses)")
        ->capture_default_str();
    cmd->add_option("--pseudo-absences", a.pseudoAbsences,
                    "sphere, valid_area, target_group, background")
        ->capture_default_str();
    cmd->add_option("--pseudo-absence-mask", a.inputs.pseudoAbsenceMask,
                    "raster: valid_area pseudo-absences only where it is non-zero");
    cmd->add_option("--pseudo-absence-extent", a.extent,
                    "lon_min lon_max lat_min lat_max for sphere/valid_area draws")
        ->expected(4);
    cmd->add_option("--epochs", t.epochs, "training epochs")->capture_default_str();
    cmd->add_option("--batch-size", t.batchSize, "presences per step")->capture_default_str();
    cmd->add_option("--lr", t.learningRate, "Adam learning rate")->capture_default_str();
    cmd->add_option("--lr-schedule", t.lrSchedule, "exponential, cosine or constant")
        ->capture_default_str();
    cmd->add_option("--lr-decay", t.lrDecay, "learning-rate factor per epoch (exponential)")
        ->capture_default_str();
    cmd->add_option("--weight-decay", t.weightDecay, "L2 weight decay")->capture_default_str();
    cmd->add_option("--cap", t.capPerSpecies, "keep at most this many records per species")
        ->capture_default_str();
    cmd->add_option("--seed", t.seed, "seed (initialisation, batches, pseudo-absences)")
        ->capture_default_str();
    cmd->add_option("--device", t.device, "cpu or cuda")->capture_default_str();
    cmd->add_option("--threads", t.threads,
                    "LibTorch threads (default: every core with oneDNN GEMMs, else half: OpenBLAS "
                    "runs its own pool on all of them)");
    cmd->add_flag("-q,--quiet", a.quiet, "no progress output");
}

void resolveTrainingArgs(TrainingArgs& a)
{
    auto& t = a.options;
    a.inputs.resampling = rasters::parseResampling(a.resampling);
    t.pseudoAbsences = core::parsePseudoAbsenceKind(a.pseudoAbsences);
    t.pseudoAbsenceExtent = a.extent;
    if (t.freezePretrained && t.initFrom.empty())
    {
        throw InvalidArgument("--freeze-pretrained needs --init-from");
    }
    nlohmann::json pretrained; // the --init-from model's configuration
    if (!t.initFrom.empty())
    {
        pretrained =
            core::readCheckpointFile(t.initFrom, true).header.value("model", nlohmann::json());
        if (!pretrained.contains("network"))
        {
            throw InvalidArgument(
                fmt::format("--init-from {}: the checkpoint describes no network", t.initFrom));
        }
    }
    const auto component = [&](const std::string& arg, const char* key, const char* fallback,
                               const std::string& option)
    {
        if (!arg.empty())
        {
            return parseComponentArg(arg, option);
        }
        return pretrained.contains(key) ? pretrained.at(key) : parseComponentArg(fallback, option);
    };
    t.model = {{"input", a.input},
               {"encoder", component(a.encoder, "encoder", "wrap", "--encoder")},
               {"network", component(a.network, "network", "residual_fcnet", "--network")}};
    if (t.threads == 0)
    {
        t.threads = core::defaultTrainingThreads();
    }
}

} // namespace geoinr::cli
