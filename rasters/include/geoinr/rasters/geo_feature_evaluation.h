// SPDX-License-Identifier: MIT
// SINR's Geo Feature protocol (science.md §5.6): how well a linear probe of a model's learned
// features predicts a raster (elevation, tree cover, ...), R² on a checkerboard of held-out blocks.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::core
{
class Predictor;
}

namespace geoinr::rasters
{

/** Where a pixel's features are computed. */
enum class FeatureLocations
{
    /** The pixel centre from the raster's geotransform (any lon/lat raster). */
    PixelCentres,
    /** SINR's coord_grid (science.md §1.3): lon = linspace(-180, 180, W), lat =
     *  linspace(90, -90, H), as if the raster were pixel-is-point over the globe; needs a global
     *  lon/lat raster. For reproducing SINR's numbers. */
    SinrGrid
};

/** "pixel_centres", "sinr"; parse throws InvalidArgument listing them. */
std::string featureLocationsName(FeatureLocations l);
FeatureLocations parseFeatureLocations(const std::string& name);

/** One target raster (band 1, WGS84 lon/lat; nodata and NaN are invalid). */
struct GeoFeatureTarget
{
    std::string path;
    bool log1p = false; ///< transform valid values to log1p(v - min) first (POPULATION_DENSITY)
};

struct GeoFeatureOptions
{
    std::vector<GeoFeatureTarget> targets;
    /** Optional raster on the same grid as every target: valid where finite and non-zero. */
    std::string mask;
    int blockSize = 25; ///< checkerboard block side in pixels (SINR cell_size)
    int stride = 1;     ///< use pixels whose row and column are multiples of stride
    std::vector<double> alphas = {0.1, 1.0, 10.0};
    int folds = 10;
    FeatureLocations locations = FeatureLocations::PixelCentres;
};

/**
 * SINR's create_spatial_split on a width x height grid: blocks of blockSize x blockSize pixels,
 * test (2) blocks at even column-block parity in even row-blocks and odd parity in odd ones,
 * train (1) elsewhere, 0 where `valid` is 0. Row-major, as `valid`.
 */
std::vector<std::uint8_t> spatialSplit(int width, int height,
                                       const std::vector<std::uint8_t>& valid, int blockSize);

/**
 * Runs the probe for every target with one loaded model. Returns {"targets": [per-target report],
 * "mean_r2_test", "mean_r2_train", settings...}; a per-target report holds "r2_test", "r2_train",
 * "alpha", "fold_r2" ([alpha][fold]), "mean_fold_r2", pixel counts and the target's range.
 * Coordinate-only models need nothing else; covariate models read the rasters recorded in their
 * checkpoint. Throws InvalidArgument / IoError naming the option and file; Cancelled through
 * `progress`.
 */
nlohmann::json evaluateGeoFeature(const core::Predictor& predictor,
                                  const GeoFeatureOptions& options,
                                  const core::ProgressSink& progress = {});

/** Loads `checkpoint` and calls the above (the report names the checkpoint). */
nlohmann::json evaluateGeoFeature(const std::string& checkpoint, const GeoFeatureOptions& options,
                                  const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
