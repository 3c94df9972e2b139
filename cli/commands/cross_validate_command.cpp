// SPDX-License-Identifier: MIT
// `geoinr cross-validate`: k-fold cross-validation of a `geoinr train` configuration.
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"
#include "train_options.h"

#include <geoinr/core/runtime_info.h>
#include <geoinr/rasters/cross_validation.h>

#include <fmt/format.h>

#include <cmath>

namespace geoinr::cli
{
namespace
{

struct CrossValidateArgs
{
    TrainingArgs training; ///< exactly the options of `geoinr train`
    std::string folds = "random:5";
    std::string sites;
    std::string keepCheckpoints;
    std::string output;
};

std::string meanSd(const nlohmann::json& summary, const std::string& metric)
{
    if (!summary.contains(metric))
    {
        return "-";
    }
    const auto& m = summary.at(metric);
    const auto number = [](const nlohmann::json& v)
    {
        return v.is_number() ? v.get<double>() : NAN;
    };
    return fmt::format("{:.4f} ± {:.4f}", number(m.at("mean")), number(m.at("sd")));
}

void runCrossValidate(CrossValidateArgs& a)
{
    resolveTrainingArgs(a.training);
    rasters::CrossValidationOptions o;
    o.inputs = a.training.inputs;
    o.train = a.training.options;
    o.folds = a.folds;
    o.sites = a.sites;
    o.keepCheckpoints = a.keepCheckpoints;
    core::reuseLargeAllocations();
    const auto report = rasters::crossValidate(o, makeTerminalProgress(a.training.quiet));
    fmt::print("{}-fold cross-validation ({}) of {} records, {} species, {:.1f} s\n",
               report.at("folds").get<long>(), a.folds, report.at("records").get<long>(),
               report.at("species").get<long>(), report.at("seconds").get<double>());
    fmt::print("fold  records  Boyce    AUC      OR(MTP)  OR(10p)\n");
    const auto number = [](const nlohmann::json& v)
    {
        return v.is_number() ? v.get<double>() : NAN;
    };
    for (const auto& f : report.at("per_fold"))
    {
        fmt::print("{:<5} {:<8} {:<8.4f} {:<8.4f} {:<8.4f} {:<8.4f}\n",
                   f.at("label").get<std::string>(), f.at("test_records").get<long>(),
                   number(f.at("mean_boyce")), number(f.at("mean_auc")),
                   number(f.at("mean_or_mtp")), number(f.at("mean_or_10p")));
    }
    const auto& s = report.at("summary");
    fmt::print("mean ± sd over folds: Boyce {}, AUC {}, OR(MTP) {}, OR(10p) {}\n",
               meanSd(s, "mean_boyce"), meanSd(s, "mean_auc"), meanSd(s, "mean_or_mtp"),
               meanSd(s, "mean_or_10p"));
    if (!a.sites.empty())
    {
        fmt::print("sites: AUC {}, AP {}, TSS {}, kappa {}\n", meanSd(s, "sites_mean_auc"),
                   meanSd(s, "sites_mean_ap"), meanSd(s, "sites_mean_tss"),
                   meanSd(s, "sites_mean_kappa"));
    }
    writeJsonFile(report, a.output);
}

} // namespace

void addCrossValidateCommand(CLI::App& app)
{
    auto args = std::make_shared<CrossValidateArgs>();
    auto* cmd = app.add_subcommand(
        "cross-validate",
        "k-fold cross-validation of a training configuration (the options of geoinr train): "
        "held-out presences vs background (Boyce, AUC, omission), optionally at "
        "presence-absence sites");
    addTrainingInputOptions(cmd, args->training);
    cmd->add_option("--folds", args->folds,
                    "random:K, blocks:SIZE_DEG[:K] (spatial blocks, K = 5) or column:NAME "
                    "(numeric fold ids in the occurrence file)")
        ->capture_default_str();
    cmd->add_option("--sites", args->sites,
                    "presence-absence sites (disdat test_pa.csv layout): AUC, AP, and TSS and "
                    "kappa at the training folds' max-TSS threshold");
    cmd->add_option("--keep-checkpoints", args->keepCheckpoints,
                    "folder to keep each fold's checkpoint in (fold_<k>.ckpt)");
    cmd->add_option("-o,--output", args->output, "write the JSON report here");
    addTrainingModelOptions(cmd, args->training);
    cmd->callback([args] { runCrossValidate(*args); });
}

} // namespace geoinr::cli
