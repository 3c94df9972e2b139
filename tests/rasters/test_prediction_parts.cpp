// SPDX-License-Identifier: MIT
// Distributed prediction: a grid split into bands of rows written as parts by separate runs, joined
// by mosaicParts into a VRT and a merged COG, gives the single-run raster bit for bit; parts of
// different grids, duplicates and missing parts are refused by name.
#include "raster_pixels.h"
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/range_raster.h>

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cstring>

using geoinr::rasters::partRows;

TEST(PredictionParts, RowBandsAreContiguousBlockAlignedAndCoverTheGrid)
{
    EXPECT_EQ(partRows(1000, 0, 3, 256), (std::pair<int, int>{0, 512}));
    EXPECT_EQ(partRows(1000, 1, 3, 256), (std::pair<int, int>{512, 768}));
    EXPECT_EQ(partRows(1000, 2, 3, 256), (std::pair<int, int>{768, 1000}));
    EXPECT_EQ(partRows(10, 0, 1, 256), (std::pair<int, int>{0, 10}));
    EXPECT_THROW(partRows(300, 0, 3, 256), geoinr::InvalidArgument); // 2 bands for 3 parts
    EXPECT_THROW(partRows(300, 2, 2, 256), geoinr::InvalidArgument);
}

TEST(PredictionParts, MosaicOfPartsEqualsTheSingleRunBitForBit)
{
    geoinr::test::TempDir dir;
    const auto model = geoinr::test::trainTinyEnvModel(dir.path());
    geoinr::rasters::PredictRasterOptions o;
    o.checkpoint = model.checkpoint;
    o.grid.resolution = 0.05; // 800 x 600 pixels: 3 bands of 256 rows
    o.threads = 2;
    o.output = dir.file("whole.tif");
    geoinr::rasters::predictRangeRaster(o);

    geoinr::rasters::MosaicOptions m;
    for (int i = 0; i < 3; ++i)
    {
        o.part = i;
        o.parts = 3;
        o.output = dir.file("part" + std::to_string(i) + ".tif");
        geoinr::rasters::predictRangeRaster(o);
        m.parts.insert(m.parts.begin(), o.output); // any order
    }
    int w = 0, h = 0;
    geoinr::test::readFile(m.parts.back(), &w, &h);
    EXPECT_EQ(h, 256); // part 0: the first band of rows only
    m.vrt = dir.file("mosaic.vrt");
    m.merged = dir.file("merged.tif");
    geoinr::rasters::mosaicParts(m);

    const auto whole = geoinr::test::readFile(dir.file("whole.tif"), &w, &h);
    EXPECT_EQ(w, 800);
    EXPECT_EQ(h, 600);
    for (const auto& path : {m.vrt, m.merged})
    {
        const auto joined = geoinr::test::readFile(path);
        ASSERT_EQ(joined.size(), whole.size()) << path;
        EXPECT_EQ(std::memcmp(joined.data(), whole.data(), whole.size() * sizeof(float)), 0)
            << path;
    }
    std::unique_ptr<GDALDataset> vrt(GDALDataset::Open(m.vrt.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(vrt);
    EXPECT_STREQ(vrt->GetRasterBand(2)->GetDescription(), "Beta");
    EXPECT_EQ(vrt->GetRasterBand(1)->GetNoDataValue(), -1.0);
    std::unique_ptr<GDALDataset> merged(GDALDataset::Open(m.merged.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(merged);
    EXPECT_STREQ(merged->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");

    // Refusals: a missing part, a part twice, a file that is not a part.
    auto bad = m;
    bad.parts.pop_back();
    bad.merged.clear();
    try
    {
        geoinr::rasters::mosaicParts(bad);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("2 of 3 parts given; missing part(s) 0"),
                  std::string::npos)
            << e.what();
    }
    bad = m;
    bad.parts.back() = bad.parts.front();
    EXPECT_THROW(geoinr::rasters::mosaicParts(bad), geoinr::InvalidArgument);
    bad = m;
    bad.parts.back() = dir.file("whole.tif");
    try
    {
        geoinr::rasters::mosaicParts(bad);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("whole.tif: not a part"), std::string::npos)
            << e.what();
    }
}
