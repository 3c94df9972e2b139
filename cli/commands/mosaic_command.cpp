// SPDX-License-Identifier: MIT
// `geoinr mosaic`: joins the parts of `geoinr predict --part i/N` into a VRT (and a merged file).
#include "../terminal_progress.h"
#include "commands.h"

#include <geoinr/rasters/range_raster.h>

#include <fmt/format.h>

namespace geoinr::cli
{

void addMosaicCommand(CLI::App& app)
{
    auto o = std::make_shared<rasters::MosaicOptions>();
    auto quiet = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("mosaic", "Join the parts of a distributed prediction "
                                             "(geoinr predict --part i/N) into a VRT and "
                                             "optionally one COG/GeoTIFF");
    cmd->add_option("parts", o->parts, "every part GeoTIFF, in any order")->required();
    cmd->add_option("--vrt", o->vrt, "the VRT to write over the parts")->required();
    cmd->add_option("--merged", o->merged, "also write the parts as one file");
    cmd->add_option("--format", o->format, "of --merged: COG or GTiff")->capture_default_str();
    cmd->add_flag("-q,--quiet", *quiet, "no progress output");
    cmd->callback(
        [o, quiet]
        {
            rasters::mosaicParts(*o, makeTerminalProgress(*quiet));
            fmt::print("wrote {}{}\n", o->vrt, o->merged.empty() ? "" : " and " + o->merged);
        });
}

} // namespace geoinr::cli
