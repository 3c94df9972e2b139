// SPDX-License-Identifier: MIT
// A target grid for prediction: CRS, geotransform and size, resolved from user options (CRS +
// extent + resolution or size, or "like this raster") and the model's covariates.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

namespace geoinr::rasters
{

/** Largest grid resolveGrid accepts (a global grid at 150 m, 267,000 x 133,000 pixels, fits):
 *  bigger requests are refused before anything is allocated. */
constexpr double kMaxGridPixels = 4e10;

/** What a user asks for. Empty fields take defaults (see resolveGrid). */
struct GridSpec
{
    std::string crs = "EPSG:4326"; ///< anything PROJ understands (EPSG code, WKT, PROJ string)
    std::vector<double> extent;    ///< [xmin, ymin, xmax, ymax] in crs units; empty = default
    double resolution = 0.0;       ///< pixel size in crs units; 0 = default (or from size)
    std::vector<int> size;         ///< [width, height] in pixels instead of a resolution
    std::string likeRaster;        ///< when set: copy CRS, extent and resolution from it
};

/** A resolved grid: north-up or rotated geotransform (GDAL's convention) and its CRS as WKT. */
struct RasterGrid
{
    std::string crsWkt;
    std::array<double, 6> geoTransform = {0.0, 1.0, 0.0, 0.0, 0.0, -1.0};
    int width = 0;
    int height = 0;

    /**
     * The same extent at 1/factor of the resolution: ceil(width / factor) x ceil(height / factor)
     * pixels, each `factor` times larger (the last row/column may reach past the extent, as GDAL's
     * overviews do). Throws InvalidArgument for factor < 1.
     */
    RasterGrid coarsened(int factor) const;

    /** Pixel centre (col + 0.5, row + 0.5) in grid CRS units. */
    std::array<double, 2> pixelCentre(double col, double row) const;
};

/**
 * Resolves `spec`. Without an extent: a lon/lat grid over the first covariate raster's bounds at
 * the model's training grid resolution (when `covariates` describes rasters), else the globe; a
 * projected CRS then needs an extent. Without resolution or size: 0.5 degrees (geographic) or
 * 1/1000 of the extent width. Throws InvalidArgument naming the option (--crs, --extent,
 * --resolution, --size, --like) and IoError for an unreadable --like raster.
 */
RasterGrid resolveGrid(const GridSpec& spec, const nlohmann::json& covariates = {});

} // namespace geoinr::rasters
