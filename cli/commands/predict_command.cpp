// SPDX-License-Identifier: MIT
// `geoinr predict`: checkpoint -> range GeoTIFF/COG, one band per species.
#include "../terminal_progress.h"
#include "commands.h"

#include <geoinr/rasters/range_raster.h>

#include <fmt/format.h>

namespace geoinr::cli
{

void addPredictCommand(CLI::App& app)
{
    auto o = std::make_shared<rasters::PredictRasterOptions>();
    auto quiet = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand(
        "predict", "Predict range maps from a checkpoint into a GeoTIFF or COG (one band per "
                   "species)");
    cmd->add_option("checkpoint", o->checkpoint, "checkpoint written by geoinr train")->required();
    cmd->add_option("-o,--output", o->output, "output raster (.tif)")->required();
    cmd->add_option("--species", o->species, "species names (default: all)");
    cmd->add_option("--crs", o->grid.crs, "target CRS (EPSG code, WKT, PROJ string)")
        ->capture_default_str();
    cmd->add_option("--extent", o->grid.extent, "xmin ymin xmax ymax in the target CRS")
        ->expected(4);
    cmd->add_option("--resolution", o->grid.resolution, "pixel size in target CRS units");
    cmd->add_option("--like", o->grid.likeRaster, "copy CRS, extent and resolution of a raster");
    cmd->add_option("--format", o->format, "GTiff or COG")->capture_default_str();
    cmd->add_option("--threshold", o->threshold,
                    "write binary ranges (Byte 0/1) with probability >= this value");
    cmd->add_option("--block-size", o->blockSize, "tile size in pixels")->capture_default_str();
    cmd->add_flag("--logits", o->logits,
                  "write logits instead of probabilities (Float32, nodata NaN)");
    cmd->add_flag("-q,--quiet", *quiet, "no progress output");
    cmd->callback(
        [o, quiet]
        {
            rasters::predictRangeRaster(*o, makeTerminalProgress(*quiet));
            fmt::print("wrote {}\n", o->output);
        });
}

} // namespace geoinr::cli
