// SPDX-License-Identifier: MIT
// `geoinr evaluate geo-prior`: SINR's Geo Prior protocol (science.md §5.5): top-1 accuracy of an
// image classifier with and without the checkpoint's location prior.
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"
#include "provenance_arg.h"

#include <geoinr/rasters/geo_prior_evaluation.h>

#include <fmt/format.h>

namespace geoinr::cli
{

void addGeoPriorEvaluation(CLI::App& evaluate)
{
    auto o = std::make_shared<rasters::GeoPriorOptions>();
    auto output = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    auto* cmd = evaluate.add_subcommand(
        "geo-prior", "SINR's Geo Prior: top-1 accuracy of image-classifier probabilities times the "
                     "location prior sigmoid(logit), against the classifier alone");
    cmd->add_option("checkpoint", o->checkpoint, "checkpoint (coordinate-only model)")->required();
    cmd->add_option("--probs", o->probs,
                    "vision probabilities per observation: dense N x C, or top-k N x k with "
                    "--class-ids (.npy, file.npz:probs, or CSV with a header row)")
        ->required();
    cmd->add_option("--labels", o->labels,
                    "true class index per observation (.npy, file.npz:labels, or one-column CSV)")
        ->required();
    cmd->add_option("--locations", o->locations,
                    "lon/lat per observation: CSV with lon/longitude and lat/latitude columns "
                    "(SINR's geo_prior_model_meta.csv), or an N x 2 .npy")
        ->required();
    cmd->add_option("--class-ids", o->classIds,
                    "N x k class indices of top-k --probs (SINR's inds; any order)");
    cmd->add_option("--class-names", o->classNames,
                    "class index -> checkpoint species: CSV class_index,species; one name per "
                    "line; or a .npy of taxon ids (SINR's model_to_taxa). Default: class i = the "
                    "checkpoint's i-th species");
    cmd->add_option(
        "--per-observation", o->perObservation,
        "write a CSV per observation: predictions and the logits of the mapped species");
    cmd->add_option("--device", o->device, "cpu or cuda")->capture_default_str();
    cmd->add_option("-o,--output", *output, "write the JSON report here");
    cmd->add_flag("-q,--quiet", *quiet, "no progress output");
    cmd->callback(
        [o, output, quiet]
        {
            auto r = rasters::evaluateGeoPrior(*o, makeTerminalProgress(*quiet));
            fmt::print("observations: {} ({} classes, {} with a model species; {} of {} model "
                       "species used)\n",
                       r.at("observations").get<long>(), r.at("num_classes").get<long>(),
                       r.at("classes_mapped").get<long>(), r.at("model_species_used").get<long>(),
                       r.at("model_species").get<long>());
            fmt::print("vision-only top-1: {:.2f} %\ncombined top-1:    {:.2f} %\n"
                       "delta top-1:       {:+.2f} percentage points ({} improved, {} worsened)\n",
                       100.0 * r.at("vision_top1").get<double>(),
                       100.0 * r.at("combined_top1").get<double>(),
                       r.at("delta_top1_points").get<double>(), r.at("improved").get<long>(),
                       r.at("worsened").get<long>());
            if (!output->empty())
            {
                r["provenance"] = evaluationProvenance(
                    o->checkpoint, {o->probs, o->labels, o->locations, o->classIds, o->classNames});
            }
            writeJsonFile(r, *output);
        });
}

} // namespace geoinr::cli
