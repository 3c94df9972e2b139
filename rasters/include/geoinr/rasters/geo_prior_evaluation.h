// SPDX-License-Identifier: MIT
// SINR's Geo Prior protocol (science.md §5.5): an image classifier's per-observation class
// probabilities multiplied by a coordinate-only checkpoint's location prior sigmoid(logit), top-1
// accuracy with and without the prior. Inputs are NumPy arrays (.npy, or .npz members as
// "preds.npz:probs") or CSV tables.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <string>

namespace geoinr::rasters
{

struct GeoPriorOptions
{
    /** A coordinate-only checkpoint (numEnvFeatures() == 0). */
    std::string checkpoint;
    /**
     * Vision probabilities, one row per observation: dense [N x C] or, with classIds, top-k
     * [N x k] (SINR's `probs`). .npy / "file.npz:member" / "/vsizip/..." paths are read as NumPy
     * arrays; anything else as CSV (a first row that is not all numbers is a header).
     */
    std::string probs;
    /** Optional [N x k] class indices of the top-k probabilities (SINR's `inds`); any order. */
    std::string classIds;
    /** True class index per observation: [N] .npy or a one-column CSV (SINR's `labels`). */
    std::string labels;
    /** Locations: CSV with lon/longitude and lat/latitude columns, or an [N x 2] lon, lat .npy. */
    std::string locations;
    /**
     * Classifier class index -> checkpoint species. One of: a CSV whose header starts with
     * class_index (columns class_index, species); a .npy of integer taxon ids per class (SINR's
     * `model_to_taxa`), matched against species names that are integers; or a text file with one
     * species name per line (line i = class i; an empty line = no species). Empty: class i is the
     * checkpoint's i-th species. Classes without a model species get g = 1.
     */
    std::string classNames;
    /**
     * Optional CSV written atomically: one row per observation with lon, lat, label, the vision and
     * combined predictions and the logit of every mapped model species (N x M values: meant for
     * checks on small sets).
     */
    std::string perObservation;
    /** "cpu" or "cuda" for the geo model. */
    std::string device = "cpu";
};

/**
 * Runs the protocol and returns the report: {"vision_top1", "combined_top1", "delta_top1_points",
 * "vision_top5", "combined_top5", "vision_mrr", "combined_mrr", "improved", "worsened",
 * "observations", "num_classes", "classes_mapped", "observations_label_mapped", ...} with every
 * input and setting. Accuracies are fractions; the delta is in percentage points. Throws
 * InvalidArgument / IoError naming the file and row for inconsistent inputs, and
 * InvalidArgument when the model takes covariates or no class matches a model species.
 */
nlohmann::json evaluateGeoPrior(const GeoPriorOptions& options,
                                const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
