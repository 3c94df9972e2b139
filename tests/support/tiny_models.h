// SPDX-License-Identifier: MIT
// Small trained checkpoints for tests of prediction (engine, CLI, GDAL driver): real training on
// synthetic data written with GDAL, a few seconds each.
#pragma once

#include <string>

namespace geoinr::test
{

struct TinyEnvModel
{
    std::string checkpoint; ///< env+coords model of species "Alpha" and "Beta"
    std::string covariate;  ///< its covariate raster ("temp", EPSG:4326)
};

/**
 * Writes into `dir` a covariate raster temp.tif (EPSG:4326, lon -10..30, lat 30..60 at 0.5 degrees,
 * value = lat + 0.1 lon; nodata where lon > 25 and lat < 35), presences of two species (Alpha in
 * the north-west, Beta in the south-east) and trains an env+coords model (wrap encoder, residual
 * network of width 16, 3 epochs, seed 7) into model.ckpt.
 */
TinyEnvModel trainTinyEnvModel(const std::string& dir);

/**
 * A coordinate-only model (wrap encoder, residual network of width 16, 2 epochs, seed 3) of
 * "Alpha" (south-east Australia) and "Beta" (north Australia), written to `dir`/coords.ckpt.
 */
std::string trainTinyCoordsModel(const std::string& dir);

} // namespace geoinr::test
