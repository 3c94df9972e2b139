// SPDX-License-Identifier: MIT
// .geoinr descriptor parsing (what the GEOINR driver's Identify/Open read first), and
// formatVirtualRaster round trips of whatever parses.
#include <geoinr/core/error.h>
#include <geoinr/rasters/virtual_raster.h>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    geoinr::rasters::looksLikeVirtualRaster(text.data(), text.size());
    try
    {
        const auto spec = geoinr::rasters::parseVirtualRaster(text, "/fuzz/range.geoinr");
        const auto again = geoinr::rasters::parseVirtualRaster(
            geoinr::rasters::formatVirtualRaster(spec), "/fuzz/range.geoinr");
        if (again.model.species != spec.model.species || again.grid.extent != spec.grid.extent ||
            again.blockSize != spec.blockSize)
        {
            __builtin_trap(); // the writer and the parser disagree
        }
    }
    catch (const geoinr::Error&)
    {
    }
    return 0;
}
