// SPDX-License-Identifier: MIT
// Reading a raster's pixels straight through GDAL, as the independent side of a test's comparison
// (header-only: the suites that use it link GDAL themselves).
#pragma once

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace geoinr::test
{

/** Every band of a raster (or an overview level), as float32, band after band. */
inline std::vector<float> readBands(GDALDataset& ds, int overview = -1)
{
    std::vector<float> out;
    for (int b = 1; b <= ds.GetRasterCount(); ++b)
    {
        GDALRasterBand* band = ds.GetRasterBand(b);
        if (overview >= 0)
        {
            band = band->GetOverview(overview);
        }
        const int w = band->GetXSize(), h = band->GetYSize();
        std::vector<float> v(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
        EXPECT_EQ(band->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0, nullptr),
                  CE_None);
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

/** Every band of the raster at `path` (registers GDAL's drivers); its size into width/height. */
inline std::vector<float> readFile(const std::string& path, int* width = nullptr,
                                   int* height = nullptr)
{
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    EXPECT_TRUE(ds) << path;
    if (!ds)
    {
        return {};
    }
    if (width != nullptr && height != nullptr)
    {
        *width = ds->GetRasterXSize();
        *height = ds->GetRasterYSize();
    }
    return readBands(*ds);
}

} // namespace geoinr::test
