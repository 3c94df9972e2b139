// SPDX-License-Identifier: MIT
// Writing .geoinr descriptors (what the QGIS plugin's "Create virtual range raster" produces): the
// text parses back to the same specification, GDAL identifies it, and a failed write loses nothing.
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/virtual_raster.h>

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using geoinr::rasters::RangeOutput;
using geoinr::rasters::VirtualRasterSpec;

namespace
{

VirtualRasterSpec fullSpec()
{
    VirtualRasterSpec s;
    s.checkpoint = "/data/models/bradypus.ckpt";
    s.grid.crs = "EPSG:3577";
    s.grid.extent = {-2e6, -5e6, 2.5e6, -1e6};
    s.grid.resolution = 5000.0;
    s.model.species = {"Alpha", "Beta gamma"};
    s.model.output = RangeOutput::Binary;
    s.model.threshold = "max_tss";
    s.model.mask = "/data/mask.tif";
    s.model.covariatePaths = {{"bio1", "/data/bio1.tif"}};
    s.blockSize = 512;
    return s;
}

} // namespace

TEST(VirtualRasterFormat, RoundTripsEveryField)
{
    const auto s = fullSpec();
    const auto text = geoinr::rasters::formatVirtualRaster(s);
    const auto back = geoinr::rasters::parseVirtualRaster(text, "/elsewhere/x.geoinr");
    EXPECT_EQ(back.checkpoint, s.checkpoint);
    EXPECT_EQ(back.grid.crs, s.grid.crs);
    EXPECT_EQ(back.grid.extent, s.grid.extent);
    EXPECT_EQ(back.grid.resolution, s.grid.resolution);
    EXPECT_TRUE(back.grid.size.empty());
    EXPECT_EQ(back.model.species, s.model.species);
    EXPECT_EQ(back.model.output, RangeOutput::Binary);
    EXPECT_EQ(back.model.threshold, "max_tss");
    EXPECT_EQ(back.model.mask, s.model.mask);
    EXPECT_EQ(back.model.covariatePaths, s.model.covariatePaths);
    EXPECT_EQ(back.blockSize, 512);
    // GDAL's Identify sees the key in the first bytes.
    EXPECT_TRUE(geoinr::rasters::looksLikeVirtualRaster(text.data(), 40));
}

TEST(VirtualRasterFormat, DefaultsStayOutAndSizeRoundTrips)
{
    VirtualRasterSpec s;
    s.checkpoint = "model.ckpt";
    s.grid.size = {300, 200};
    const auto text = geoinr::rasters::formatVirtualRaster(s);
    EXPECT_EQ(text.find("threshold"), std::string::npos);
    EXPECT_EQ(text.find("block_size"), std::string::npos);
    EXPECT_NE(text.find("\"species\": \"all\""), std::string::npos) << text;
    const auto back = geoinr::rasters::parseVirtualRaster(text, "/models/range.geoinr");
    EXPECT_EQ(back.checkpoint, "/models/model.ckpt"); // relative to the descriptor
    EXPECT_TRUE(back.model.species.empty());
    EXPECT_EQ(back.model.output, RangeOutput::Probability);
    EXPECT_EQ(back.grid.size, (std::vector<int>{300, 200}));
    EXPECT_EQ(back.grid.resolution, 0.0);
}

TEST(VirtualRasterFormat, WritesAtomicallyAndReadsBack)
{
    geoinr::test::TempDir dir;
    const auto path = dir.file("range.geoinr");
    geoinr::rasters::writeVirtualRaster(fullSpec(), path);
    EXPECT_EQ(geoinr::rasters::readVirtualRaster(path).model.species, fullSpec().model.species);
    EXPECT_EQ(std::distance(fs::directory_iterator(fs::path(dir.path())), fs::directory_iterator{}),
              1);

    const auto missingFolder = dir.file("no_such_folder/range.geoinr");
    try
    {
        geoinr::rasters::writeVirtualRaster(fullSpec(), missingFolder);
        FAIL() << "expected IoError";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_NE(std::string(e.what()).find(missingFolder), std::string::npos) << e.what();
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(fs::path(dir.path())), fs::directory_iterator{}),
              1);
}
