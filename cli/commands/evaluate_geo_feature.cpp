// SPDX-License-Identifier: MIT
// `geoinr evaluate geo-feature`: SINR's Geo Feature protocol (science.md §5.6), a ridge probe from
// the model's learned features to raster targets, R² on held-out checkerboard blocks.
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"
#include "provenance_arg.h"

#include <geoinr/rasters/geo_feature_evaluation.h>

#include <fmt/format.h>

#include <filesystem>

namespace geoinr::cli
{

void addGeoFeatureEvaluation(CLI::App& evaluate)
{
    struct Args
    {
        std::string checkpoint;
        std::vector<std::string> targets, log1pTargets;
        bool log1p = false;
        std::string locations = "pixel_centres";
        std::string output;
        bool quiet = false;
        rasters::GeoFeatureOptions options;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = evaluate.add_subcommand(
        "geo-feature", "SINR's Geo Feature task: R² of a ridge probe from the model's learned "
                       "features to raster targets, on held-out checkerboard blocks");
    cmd->add_option("checkpoint", a->checkpoint, "checkpoint")->required();
    cmd->add_option("--target", a->targets,
                    "lon/lat raster to predict (band 1; nodata and NaN are skipped); repeat for "
                    "several, the report gives each R² and their mean");
    cmd->add_option("--log1p-target", a->log1pTargets,
                    "a target transformed to log1p(v - min) first (SINR: POPULATION_DENSITY)");
    cmd->add_flag("--log1p", a->log1p, "transform every --target to log1p(v - min)");
    cmd->add_option("--mask", a->options.mask,
                    "raster on the targets' grid: only pixels where it is non-zero are used");
    cmd->add_option("--block-size", a->options.blockSize,
                    "side of the train/test checkerboard blocks in pixels")
        ->capture_default_str();
    cmd->add_option("--stride", a->options.stride,
                    "use every stride-th pixel in both directions (large rasters)")
        ->capture_default_str();
    cmd->add_option("--alphas", a->options.alphas, "ridge penalties to choose from by CV")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--folds", a->options.folds, "contiguous CV folds over the train pixels")
        ->capture_default_str();
    cmd->add_option("--locations", a->locations,
                    "where features are computed: pixel_centres (geotransform) or sinr (SINR's "
                    "coord_grid, global rasters only)")
        ->capture_default_str();
    cmd->add_option("-o,--output", a->output, "write the JSON report here");
    cmd->add_flag("-q,--quiet", a->quiet, "no progress output");
    cmd->callback(
        [a]
        {
            auto o = a->options;
            for (const auto& t : a->targets)
            {
                o.targets.push_back({t, a->log1p});
            }
            for (const auto& t : a->log1pTargets)
            {
                o.targets.push_back({t, true});
            }
            o.locations = rasters::parseFeatureLocations(a->locations);
            auto report =
                rasters::evaluateGeoFeature(a->checkpoint, o, makeTerminalProgress(a->quiet));
            for (const auto& t : report.at("targets"))
            {
                fmt::print(
                    "{}: R² test {:.4f}, train {:.4f} (alpha {}, {} train / {} test "
                    "pixels)\n",
                    std::filesystem::path(t.at("target").get<std::string>()).filename().string(),
                    t.at("r2_test").get<double>(), t.at("r2_train").get<double>(),
                    t.at("alpha").get<double>(), t.at("pixels_train").get<long>(),
                    t.at("pixels_test").get<long>());
            }
            fmt::print("mean R² test: {:.4f} over {} target(s)\n",
                       report.at("mean_r2_test").get<double>(), report.at("targets").size());
            if (!a->output.empty())
            {
                auto files = a->targets;
                files.insert(files.end(), a->log1pTargets.begin(), a->log1pTargets.end());
                files.push_back(a->options.mask);
                report["provenance"] = evaluationProvenance(a->checkpoint, files);
            }
            writeJsonFile(report, a->output);
        });
}

} // namespace geoinr::cli
