// SPDX-License-Identifier: MIT
// Hostile or broken inputs are refused with a message naming the file and line before they can
// exhaust memory: a file without line breaks, a header of 20,000 columns, a quote never closed,
// more records than the limit, and grids of 10^12 pixels (options and .geoinr descriptors).
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/occurrences.h>
#include <geoinr/rasters/raster_grid.h>
#include <geoinr/rasters/virtual_raster.h>

#include <gtest/gtest.h>

namespace
{

std::string readError(const std::string& path, const geoinr::rasters::OccurrenceOptions& o = {})
{
    try
    {
        geoinr::rasters::readOccurrencesCsv(path, o);
    }
    catch (const geoinr::Error& e)
    {
        return e.what();
    }
    return "";
}

} // namespace

TEST(HostileInputs, CsvWithoutLineBreaksIsRefusedAtTheLimit)
{
    geoinr::test::TempDir dir;
    const auto path = dir.file("one_line.csv");
    geoinr::test::writeText(path, "species,lon,lat\n" + std::string(3 << 20, 'x'));
    const auto msg = readError(path);
    EXPECT_NE(msg.find("one_line.csv:2: line longer than 1048576 bytes"), std::string::npos) << msg;
}

TEST(HostileInputs, CsvHeaderWithTooManyColumnsIsRefused)
{
    geoinr::test::TempDir dir;
    std::string header = "species,lon,lat";
    for (int i = 0; i < 20000; ++i)
    {
        header += ",c" + std::to_string(i);
    }
    const auto path = geoinr::test::writeText(dir.file("wide.csv"), header + "\n");
    const auto msg = readError(path);
    EXPECT_NE(msg.find("wide.csv:1: more than 10000 fields"), std::string::npos) << msg;
}

TEST(HostileInputs, UnclosedQuoteStopsAtTheRecordLimit)
{
    geoinr::test::TempDir dir;
    std::string text = "species,lon,lat\n\"Alpha,1,2\n";
    for (int i = 0; i < 20000; ++i)
    {
        text += std::string(100, 'y') + "\n"; // 2 MB of lines inside one quoted field
    }
    const auto path = geoinr::test::writeText(dir.file("quote.csv"), text);
    const auto msg = readError(path);
    EXPECT_NE(msg.find("quote.csv:2: quoted field longer than"), std::string::npos) << msg;
}

TEST(HostileInputs, MoreRecordsThanTheLimitAreRefused)
{
    geoinr::test::TempDir dir;
    const auto path = geoinr::test::writeText(
        dir.file("many.csv"), "species,lon,lat\na,1,2\na,1,2\na,1,2\na,1,2\na,1,2\n");
    geoinr::rasters::OccurrenceOptions o;
    o.maxRecords = 3;
    const auto msg = readError(path, o);
    EXPECT_NE(msg.find("many.csv:5: more than 3 records"), std::string::npos) << msg;
    o.maxRecords = 5;
    EXPECT_EQ(readError(path, o), "");
}

TEST(HostileInputs, GridsOfATrillionPixelsAreRefused)
{
    geoinr::rasters::GridSpec spec;
    spec.size = {1000000, 1000000};
    EXPECT_THROW(geoinr::rasters::resolveGrid(spec), geoinr::InvalidArgument);
    spec.size.clear();
    spec.resolution = 0.0001; // 3.6e6 x 1.8e6
    try
    {
        geoinr::rasters::resolveGrid(spec);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("more than 4e+10 pixels"), std::string::npos)
            << e.what();
    }
    // The same request in a .geoinr descriptor parses, and is refused where the grid is made.
    const auto d = geoinr::rasters::parseVirtualRaster(
        R"({"geoinr_raster": 1, "checkpoint": "m.ckpt", "grid": {"size": [1000000, 1000000]}})",
        "/x/huge.geoinr");
    EXPECT_THROW(geoinr::rasters::resolveGrid(d.grid), geoinr::InvalidArgument);
}

TEST(HostileInputs, DevicesInsteadOfFilesAreRefusedNotRead)
{
    // A descriptor naming /dev/zero or /dev/stdin must not read forever inside QGIS.
    geoinr::test::TempDir dir;
    const auto ckpt = geoinr::test::trainTinyCoordsModel(dir.path());
    EXPECT_THROW(geoinr::core::Predictor::load("/dev/zero"), geoinr::IoError);
    geoinr::rasters::GridPredictorOptions o;
    o.mask = "/dev/zero";
    try
    {
        const geoinr::rasters::GridPredictor p(ckpt, o);
        geoinr::rasters::GridSpec spec;
        spec.size = {4, 4};
        const auto grid = geoinr::rasters::resolveGrid(spec);
        std::vector<float> out(16 * 2);
        p.computeWindow(grid, 0, 0, 4, 4, out.data());
        FAIL() << "expected IoError";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_NE(std::string(e.what()).find("'/dev/zero': not a regular file"), std::string::npos)
            << e.what();
    }
}
