// SPDX-License-Identifier: MIT
// Covariate sampling on the South American WorldClim grids (0.5 degree, Int16 with nodata, a
// categorical biome layer), compared with pixels read directly through GDAL; multi-band files,
// folders in natural order, and opening errors.
#include "test_data.h"
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/occurrences.h>

#include <gtest/gtest.h>

#include <cmath>

using geoinr::rasters::CovariateStack;
using geoinr::rasters::Resampling;
using geoinr::test::readPixel;

namespace
{

// worldclim_sa grid: origin (-125, 40), 0.5 degree pixels, 186 x 192.
double centreLon(int col)
{
    return -125.0 + (col + 0.5) * 0.5;
}
double centreLat(int row)
{
    return 40.0 - (row + 0.5) * 0.5;
}

/** Pixels whose 2x2 block to the right/below is all valid in `path` (read through GDAL). */
std::vector<std::pair<int, int>> validBlocks(const std::string& path, std::size_t count)
{
    const double nodata = geoinr::test::readNodata(path);
    std::vector<std::pair<int, int>> out;
    for (int row = 20; row < 190 && out.size() < count; row += 17)
    {
        for (int col = 10; col < 180 && out.size() < count; col += 13)
        {
            bool ok = true;
            for (const auto& [dc, dr] : {std::pair{0, 0}, {1, 0}, {0, 1}, {1, 1}})
            {
                ok = ok && readPixel(path, col + dc, row + dr) != nodata;
            }
            if (ok)
            {
                out.emplace_back(col, row);
            }
        }
    }
    return out;
}

} // namespace

TEST(CovariateStack, OpensFilesWithCategoricalLevelsFromTheRaster)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    GEOINR_REQUIRE_DATA_FILE(bio12, "worldclim_sa/bio12.tif");
    GEOINR_REQUIRE_DATA_FILE(biome, "worldclim_sa/biome.tif");
    const CovariateStack stack = CovariateStack::open({bio1, bio12, biome}, {"biome"});
    // biome.tif holds classes 1..14 except 6 (gdalinfo -hist).
    const std::vector<std::string> expected{
        "bio1",    "bio12",   "biome=1",  "biome=2",  "biome=3",  "biome=4",  "biome=5", "biome=7",
        "biome=8", "biome=9", "biome=10", "biome=11", "biome=12", "biome=13", "biome=14"};
    EXPECT_EQ(stack.featureNames(), expected);
    EXPECT_EQ(stack.numFeatures(), 15u);
    EXPECT_FALSE(stack.isOneHot(1));
    EXPECT_TRUE(stack.isOneHot(2));
    ASSERT_EQ(stack.layers().size(), 3u);
    EXPECT_EQ(stack.layers()[2].path, biome);
    EXPECT_EQ(stack.layers()[2].levels.size(), 13u);
    const auto box = stack.lonLatBounds(0);
    EXPECT_EQ(box, (std::vector<double>{-125.0, -56.0, -32.0, 40.0}));
}

TEST(CovariateStack, NearestAndBilinearAtPixelCentresEqualTheRasterValues)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    GEOINR_REQUIRE_DATA_FILE(bio12, "worldclim_sa/bio12.tif");
    const CovariateStack stack = CovariateStack::open({bio1, bio12});
    const auto blocks = validBlocks(bio1, 12);
    ASSERT_GE(blocks.size(), 10u);
    std::vector<double> lon;
    std::vector<double> lat;
    for (const auto& [col, row] : blocks)
    {
        lon.push_back(centreLon(col));
        lat.push_back(centreLat(row));
    }
    for (const Resampling r : {Resampling::Nearest, Resampling::Bilinear})
    {
        const auto values = stack.sample(lon, lat, r);
        ASSERT_EQ(values.size(), 2 * blocks.size());
        for (std::size_t i = 0; i < blocks.size(); ++i)
        {
            const auto [col, row] = blocks[i];
            EXPECT_EQ(values[2 * i], readPixel(bio1, col, row)) << col << "," << row;
            EXPECT_EQ(values[2 * i + 1], readPixel(bio12, col, row)) << col << "," << row;
        }
    }
    // Known values (gdallocationinfo): pixel (100, 100) and the first Bradypus record.
    const auto known =
        stack.sample({centreLon(100), -65.4}, {centreLat(100), -10.3833}, Resampling::Nearest);
    EXPECT_EQ(known[0], 245.0);
    EXPECT_EQ(known[2], 263.0);
}

TEST(CovariateStack, BilinearBetweenCentresIsTheWeightedAverage)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    const CovariateStack stack = CovariateStack::open({bio1});
    const auto blocks = validBlocks(bio1, 8);
    ASSERT_EQ(blocks.size(), 8u);
    for (const auto& [col, row] : blocks)
    {
        const double v00 = readPixel(bio1, col, row);
        const double v10 = readPixel(bio1, col + 1, row);
        const double v01 = readPixel(bio1, col, row + 1);
        const double v11 = readPixel(bio1, col + 1, row + 1);
        const double midLon = centreLon(col) + 0.25;
        const double midLat = centreLat(row) - 0.25;
        const double quarterLon = centreLon(col) + 0.125;
        const auto v = stack.sample({midLon, centreLon(col), midLon, quarterLon},
                                    {centreLat(row), midLat, midLat, centreLat(row)});
        EXPECT_DOUBLE_EQ(v[0], (v00 + v10) / 2) << col << "," << row;
        EXPECT_DOUBLE_EQ(v[1], (v00 + v01) / 2);
        EXPECT_DOUBLE_EQ(v[2], (v00 + v10 + v01 + v11) / 4);
        EXPECT_DOUBLE_EQ(v[3], 0.75 * v00 + 0.25 * v10);
    }
    // Known: (100,100) = 245, (101,100) = 231, (100,101) = 219.
    const auto v = stack.sample({centreLon(100) + 0.25, centreLon(100)},
                                {centreLat(100), centreLat(100) - 0.25});
    EXPECT_EQ(v[0], 238.0);
    EXPECT_EQ(v[1], 232.0);
}

TEST(CovariateStack, BilinearNextToNodataFallsBackToNearest)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    const double nodata = geoinr::test::readNodata(bio1);
    // The first valid pixel (scanning rows) whose right neighbour is nodata: a coast.
    int col = -1;
    int row = 60;
    for (int c = 0; c + 1 < 186 && col < 0; ++c)
    {
        if (readPixel(bio1, c, row) != nodata && readPixel(bio1, c + 1, row) == nodata)
        {
            col = c;
        }
    }
    ASSERT_GE(col, 0);
    const CovariateStack stack = CovariateStack::open({bio1});
    const auto v = stack.sample({centreLon(col) + 0.2, centreLon(col) + 0.3},
                                {centreLat(row), centreLat(row)}, Resampling::Bilinear);
    EXPECT_EQ(v[0], readPixel(bio1, col, row)); // nearest is the valid pixel
    EXPECT_TRUE(std::isnan(v[1]));              // nearest is the nodata pixel
}

TEST(CovariateStack, OceanAndOutsidePointsAreNaN)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    GEOINR_REQUIRE_DATA_FILE(biome, "worldclim_sa/biome.tif");
    const CovariateStack stack = CovariateStack::open({bio1, biome}, {"biome"});
    // (-100, -30) is the Pacific inside the grid; (0, 0) and (-130, 0) are outside it.
    for (const Resampling r : {Resampling::Nearest, Resampling::Bilinear})
    {
        const auto v = stack.sample({-100.0, 0.0, -130.0}, {-30.0, 0.0, 0.0}, r);
        for (const double x : v)
        {
            EXPECT_TRUE(std::isnan(x));
        }
    }
}

TEST(CovariateStack, BiomeOneHotHasExactlyOneOnePerValidPoint)
{
    GEOINR_REQUIRE_DATA_FILE(biome, "worldclim_sa/biome.tif");
    GEOINR_REQUIRE_DATA_FILE(bradypus, "worldclim_sa/bradypus.csv");
    const auto points = geoinr::rasters::readOccurrences(bradypus);
    const CovariateStack stack = CovariateStack::open({biome}, {"biome"});
    const auto levels = stack.layers()[0].levels;
    const std::size_t f = stack.numFeatures();
    const auto v = stack.sample(points.lon, points.lat, Resampling::Bilinear);
    std::size_t valid = 0;
    for (std::size_t i = 0; i < points.size(); ++i)
    {
        const double raw = readPixel(biome, static_cast<int>(std::floor((points.lon[i] + 125) * 2)),
                                     static_cast<int>(std::floor((40 - points.lat[i]) * 2)));
        if (raw == 255.0)
        {
            EXPECT_TRUE(std::isnan(v[i * f])) << i;
            continue;
        }
        ++valid;
        double sum = 0.0;
        for (std::size_t k = 0; k < f; ++k)
        {
            EXPECT_TRUE(v[i * f + k] == 0.0 || v[i * f + k] == 1.0);
            sum += v[i * f + k];
            if (v[i * f + k] == 1.0)
            {
                EXPECT_EQ(levels[k], raw) << i;
            }
        }
        EXPECT_EQ(sum, 1.0) << i;
    }
    EXPECT_GT(valid, 100u);
}

TEST(CovariateStack, MultiBandFileGivesOneCovariatePerBand)
{
    GEOINR_REQUIRE_DATA_FILE(stackPath, "worldclim_sa/sa_bio_stack.tif");
    GEOINR_REQUIRE_DATA_FILE(bio12, "worldclim_sa/bio12.tif");
    GEOINR_REQUIRE_DATA_FILE(bio5, "worldclim_sa/bio5.tif");
    const CovariateStack stack = CovariateStack::open({stackPath});
    EXPECT_EQ(stack.featureNames(), (std::vector<std::string>{"bio1", "bio5", "bio6", "bio7",
                                                              "bio8", "bio12", "bio16", "bio17"}));
    EXPECT_EQ(stack.layers()[5].band, 6);
    const CovariateStack single = CovariateStack::open({bio5, bio12});
    const std::vector<double> lon{-65.4, -60.25, -47.0};
    const std::vector<double> lat{-10.3833, -3.1, -15.5};
    const auto all = stack.sample(lon, lat);
    const auto two = single.sample(lon, lat);
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        EXPECT_EQ(all[i * 8 + 1], two[i * 2]);
        EXPECT_EQ(all[i * 8 + 5], two[i * 2 + 1]);
        EXPECT_FALSE(std::isnan(two[i * 2]));
    }
}

TEST(CovariateStack, FolderOfWorldClimGlobalInNaturalOrder)
{
    GEOINR_REQUIRE_DATA_FILE(folder, "worldclim_global");
    const CovariateStack stack = CovariateStack::open({folder});
    std::vector<std::string> expected;
    for (int k = 1; k <= 19; ++k)
    {
        expected.push_back("wc2.1_10m_bio_" + std::to_string(k));
    }
    EXPECT_EQ(stack.featureNames(), expected);
    EXPECT_EQ(stack.layers()[9].path, folder + "/wc2.1_10m_bio_10.tif");
}

TEST(CovariateStack, FolderSortsNamesNaturally)
{
    geoinr::test::TempDir dir;
    for (const char* name : {"b10.tif", "b2.TIF", "b1.tiff", "a_02.tif", "notes.txt"})
    {
        if (std::string(name) == "notes.txt")
        {
            geoinr::test::writeText(dir.file(name), "not a raster");
            continue;
        }
        geoinr::test::writeRaster(dir.file(name), 4326, {0, 1, 0, 10, 0, -1}, 2, 2, {1, 2, 3, 4});
    }
    const CovariateStack stack = CovariateStack::open({dir.path()});
    EXPECT_EQ(stack.featureNames(), (std::vector<std::string>{"a_02", "b1", "b2", "b10"}));
}

TEST(CovariateStack, OpeningErrorsNameTheProblem)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    try
    {
        CovariateStack::open({bio1}, {"biome"});
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_EQ(std::string(e.what()),
                  "categorical covariate 'biome' is not among the covariates: bio1");
    }
    try
    {
        CovariateStack::open({bio1, bio1});
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("two covariates are named 'bio1'"), std::string::npos);
    }
    geoinr::test::TempDir dir;
    const std::string missing = dir.file("missing.tif");
    try
    {
        CovariateStack::open({missing});
        FAIL() << "expected IoError";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_EQ(std::string(e.what()).rfind("cannot open covariate raster '" + missing + "'", 0),
                  0u)
            << e.what();
    }
    EXPECT_THROW(CovariateStack::open({dir.path()}), geoinr::IoError); // no .tif in the folder
    const CovariateStack stack = CovariateStack::open({bio1});
    EXPECT_THROW(stack.sample({1.0, 2.0}, {1.0}), geoinr::InvalidArgument);
    EXPECT_THROW(stack.sample({-60.0}, {-10.0}, Resampling::SinrCompat), geoinr::InvalidArgument);
}
