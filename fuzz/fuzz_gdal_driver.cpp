// SPDX-License-Identifier: MIT
// The GEOINR driver as GDAL calls it: Identify, Open and one block read of each band (and of the
// first overview) for any descriptor bytes, next to a real small checkpoint (coords.ckpt). The
// driver must answer with a dataset or a CPLError, never a crash or an escaping exception.
#include "fuzz_util.h"
#include "tiny_models.h"

#include <geoinr/gdal_driver/register.h>
#include <geoinr/rasters/gdal_init.h>

#include <cpl_error.h>
#include <gdal_priv.h>

#include <vector>

namespace
{

void quiet(CPLErr, CPLErrorNum, const char*) {}

void prepare()
{
    static const bool ready = []
    {
        geoinr::rasters::ensureGdalRegistered();
        GDALRegister_GEOINR();
        CPLSetErrorHandler(quiet);
        geoinr::test::trainTinyCoordsModel(geoinr::fuzz::scratchDir());
        return true;
    }();
    (void)ready;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    prepare();
    const auto path = geoinr::fuzz::writeInput(data, size, "range.geoinr");
    const char* const drivers[] = {"GEOINR", nullptr};
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER, drivers));
    if (!ds)
    {
        return 0;
    }
    for (int b = 1; b <= ds->GetRasterCount() && b <= 4; ++b)
    {
        auto* band = ds->GetRasterBand(b);
        int bx = 0, by = 0;
        band->GetBlockSize(&bx, &by);
        std::vector<float> block(static_cast<std::size_t>(bx) * static_cast<std::size_t>(by));
        const int w = std::min(bx, band->GetXSize()), h = std::min(by, band->GetYSize());
        // A failed read is a valid answer (reported through CPLError); only crashes count.
        if (band->RasterIO(GF_Read, 0, 0, w, h, block.data(), w, h, GDT_Float32, 0, 0, nullptr) !=
            CE_None)
        {
            continue;
        }
        if (band->GetOverviewCount() > 0)
        {
            auto* ov = band->GetOverview(0);
            const int ow = std::min(bx, ov->GetXSize()), oh = std::min(by, ov->GetYSize());
            if (ov->RasterIO(GF_Read, 0, 0, ow, oh, block.data(), ow, oh, GDT_Float32, 0, 0,
                             nullptr) != CE_None)
            {
                continue;
            }
        }
    }
    return 0;
}
