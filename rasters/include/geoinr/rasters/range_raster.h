// SPDX-License-Identifier: MIT
// Checkpoint -> range raster: per-species probabilities (or binary ranges, or the model's learned
// embedding) on any grid, written as a tiled, compressed GeoTIFF or COG by several threads,
// atomically (temporary file, then rename).
#pragma once

#include <geoinr/core/progress.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/raster_grid.h>

#include <string>
#include <utility>
#include <vector>

namespace geoinr::rasters
{

struct RasterWriteOptions
{
    std::string output;           ///< the file to write (.tif)
    std::string format = "GTiff"; ///< GTiff (tiled, DEFLATE) or COG (with overviews)
    int blockSize = 256;          ///< tile size in pixels, a multiple of 16
    int threads = 0;              ///< tiles computed at once; 0 = one per core
    std::string checkpoint;       ///< recorded in the metadata (provenance)
    /** Part `part` of `parts` (0-based): the file holds only its band of rows of the grid
     *  (partRows), with the pixels the whole grid has there; mosaicParts joins the parts. */
    int part = 0;
    int parts = 1;
};

/**
 * Rows [begin, end) of a grid of `height` rows that part `part` of `parts` covers: contiguous
 * bands whose edges are multiples of `unit` rows (the compute block and the file's tiles, so no
 * block is computed twice). Throws InvalidArgument when a part would be empty.
 */
std::pair<int, int> partRows(int height, int part, int parts, int unit);

/**
 * Writes every band of `predictor` on `grid` (band description = GridPredictor::bandNames(),
 * nodata, scale and provenance metadata). Memory grows with blockSize^2 x bands x threads, not with
 * the grid. Throws InvalidArgument / IoError / Cancelled; nothing is left at `output` unless it
 * completes.
 */
void writeRangeRaster(const GridPredictor& predictor, const RasterGrid& grid,
                      const RasterWriteOptions& options, const core::ProgressSink& progress = {});

struct PredictRasterOptions
{
    std::string checkpoint;
    GridPredictorOptions model; ///< species, output kind (or embedding), threshold, mask, ...
    GridSpec grid;
    /** A .tif for one multi-band file, or (with perSpeciesFiles) a folder for <species>.tif each.
     */
    std::string output;
    bool perSpeciesFiles = false; ///< not with RangeOutput::Embedding
    std::string format = "GTiff";
    int blockSize = 256;
    int threads = 0;
    std::string device = "cpu"; ///< "cuda" runs the network on the GPU (not bit-identical to CPU)
    int part = 0;               ///< see RasterWriteOptions::part (one multi-band file only)
    int parts = 1;
};

/**
 * Loads the checkpoint, resolves the grid (see resolveGrid) and writes the raster(s). With
 * perSpeciesFiles, species are mapped in groups of 64 (one network pass per tile and group).
 * Returns the files written.
 */
std::vector<std::string> predictRangeRaster(const PredictRasterOptions& options,
                                            const core::ProgressSink& progress = {});

struct MosaicOptions
{
    std::vector<std::string> parts; ///< GeoTIFFs written with RasterWriteOptions::parts
    std::string vrt;                ///< the GDAL VRT to write over them
    std::string merged;             ///< optional: one file with every part (format below)
    std::string format = "COG";     ///< of `merged`: COG or GTiff
};

/**
 * Checks that the parts are one grid's parts (same CRS, pixel size, width, bands, each part
 * once), writes a VRT over them (band names, nodata and GeoINR metadata kept) and optionally
 * a merged COG/GeoTIFF, atomically. Throws InvalidArgument naming the odd part.
 */
void mosaicParts(const MosaicOptions& options, const core::ProgressSink& progress = {});

/** A file name for a species: letters, digits, '-', '.', '_' kept, anything else -> '_'. */
std::string speciesFileName(const std::string& species);

} // namespace geoinr::rasters
