// SPDX-License-Identifier: MIT
// The `.geoinr` virtual range raster: a small JSON file naming a checkpoint, species, grid and
// output kind (range values, or "values": "embedding" for the model's learned features), which the
// GEOINR GDAL driver (and QGIS through it) opens as a raster whose pixels are computed on demand.
// Format: gdal_driver/README.md.
#pragma once

#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/raster_grid.h>

#include <cstddef>
#include <string>

namespace geoinr::rasters
{

struct VirtualRasterSpec
{
    std::string checkpoint;     ///< resolved against the descriptor's folder
    GridSpec grid;              ///< paths (like) resolved the same way
    GridPredictorOptions model; ///< species, values, threshold, mask, covariates
    int blockSize = 256;        ///< GDAL block size in pixels
};

/** The key that must appear in the first bytes of a descriptor: "geoinr_raster". */
constexpr const char* kVirtualRasterKey = "geoinr_raster";

/**
 * Cheap test for GDAL's Identify: the text starts (after blanks) with '{' and names
 * kVirtualRasterKey within `size` bytes. Never claims other files.
 */
bool looksLikeVirtualRaster(const char* header, std::size_t size);

/**
 * Parses descriptor text; `path` names the file in messages and anchors relative paths. Throws
 * InvalidArgument "<path>: <field>: expected ..., got ...".
 */
VirtualRasterSpec parseVirtualRaster(const std::string& text, const std::string& path);

/** Reads (GDAL VSI paths too, up to 1 MiB) and parses a descriptor; IoError when unreadable. */
VirtualRasterSpec readVirtualRaster(const std::string& path);

/**
 * Descriptor text for `spec` (format version 1, key first so GDAL identifies it; paths written as
 * given, defaults left out). parseVirtualRaster(formatVirtualRaster(s), p) gives back `s`. Throws
 * InvalidArgument for an embedding spec with species or a threshold (which parsing refuses).
 */
std::string formatVirtualRaster(const VirtualRasterSpec& spec);

/** Writes formatVirtualRaster(spec) to `path` atomically; IoError naming `path` on failure. */
void writeVirtualRaster(const VirtualRasterSpec& spec, const std::string& path);

} // namespace geoinr::rasters
