// SPDX-License-Identifier: MIT
// The land-ocean task of Russwurm et al. 2024 (science.md §5.7) from a land polygon layer: random
// train and validation points labelled land = 1 / ocean = 0 and a 100 km equal-area test grid.
#pragma once

#include <geoinr/core/classifier_fit.h>
#include <geoinr/core/progress.h>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::rasters
{

struct LandOceanOptions
{
    /** Any OGR polygon source (e.g. ../shared/data/naturalearth/land-110m.geojson); all features
     *  of its first layer are land. */
    std::string landPolygons;
    std::int64_t numSamples = 5000; ///< train and validation points each ([SH] hparams.yaml)
    std::uint32_t trainSeed = 0;
    std::uint32_t validationSeed = 1;
    double gridSpacingM = 1e5; ///< test grid spacing in EPSG:6933 metres
};

/**
 * 1 where a land polygon strictly contains the point (a point on the boundary is ocean, as
 * shapely's `contains`), else 0. lonLat is interleaved degrees. Throws IoError naming the file
 * when it cannot be read or holds no polygon.
 */
std::vector<std::int64_t> landLabels(const std::string& landPolygons,
                                     const std::vector<double>& lonLat,
                                     const core::ProgressSink& progress = {});

/**
 * The test grid: x in [-17367530.45, 17367530.45), y in [-7324184.56, 7324184.56) with the given
 * step in EPSG:6933 (np.arange, x fastest, y from the south), as lon/lat degrees. 348 x 147 =
 * 51,156 points at 100 km.
 */
std::vector<double> equalAreaTestGrid(double spacingM = 1e5);

/** Builds the whole task: spherical-uniform train/validation points (NumPy's streams) and the
 *  test grid, labelled from the polygons. */
core::ClassificationTask landOceanTask(const LandOceanOptions& options,
                                       const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
