// SPDX-License-Identifier: MIT
// The land-ocean task's test grid and labels against values computed independently with Python's
// osgeo bindings (osr.CoordinateTransformation and ogr Geometry.Contains on the same file).
#include "test_data.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/land_ocean.h>

#include <gtest/gtest.h>

#include <numeric>

TEST(LandOcean, TestGridMatchesNumpyArangeAndProj)
{
    const auto grid = geoinr::rasters::equalAreaTestGrid(1e5);
    ASSERT_EQ(grid.size(), 2U * 348U * 147U);
    // np.meshgrid(np.arange(-17367530.45, 17367530.45, 1e5), np.arange(-7324184.56, ...)),
    // reshaped row-major and transformed EPSG:6933 -> 4326 (lon first) by osr.
    EXPECT_NEAR(grid[0], 179.99999994985166, 1e-9); // x = -17367530.45 wraps to +180
    EXPECT_NEAR(grid[1], -85.99999959796668, 1e-9);
    EXPECT_NEAR(grid[2], -178.96358326902705, 1e-9);
    EXPECT_NEAR(grid[2 * 348 + 1], -79.75695493512477, 1e-9);
    EXPECT_NEAR(grid[grid.size() - 2], 179.6366229989362, 1e-9);
    EXPECT_NEAR(grid[grid.size() - 1], 82.32174349760739, 1e-9);
    EXPECT_THROW(geoinr::rasters::equalAreaTestGrid(0.0), geoinr::InvalidArgument);
}

TEST(LandOcean, LabelsAgreeWithOgrContains)
{
    GEOINR_REQUIRE_DATA_FILE(land, "naturalearth/land-110m.geojson");
    const std::vector<double> points = {0,   0,   20, 0,   -50, -10,  -30, 0,    0,
                                        -89, 100, 60, 140, -25, -100, 40,  -160, 20};
    const auto labels = geoinr::rasters::landLabels(land, points);
    EXPECT_EQ(labels, (std::vector<std::int64_t>{0, 1, 1, 0, 0, 1, 1, 1, 0}));
    // 14,116 of the 51,156 grid points are land with the same file (Python osgeo, no shortcuts).
    const auto grid = geoinr::rasters::landLabels(land, geoinr::rasters::equalAreaTestGrid(1e5));
    EXPECT_EQ(std::accumulate(grid.begin(), grid.end(), std::int64_t{0}), 14116);
}

TEST(LandOcean, TaskUsesNumpyStreamsAndLabelsEverySet)
{
    GEOINR_REQUIRE_DATA_FILE(land, "naturalearth/land-110m.geojson");
    geoinr::rasters::LandOceanOptions o;
    o.landPolygons = land;
    o.numSamples = 500;
    const auto task = geoinr::rasters::landOceanTask(o);
    EXPECT_EQ(task.numClasses, 2);
    EXPECT_EQ(task.train.lonLat, geoinr::core::sphericalUniformLonLat(500, 0));
    EXPECT_EQ(task.validation.lonLat, geoinr::core::sphericalUniformLonLat(500, 1));
    EXPECT_EQ(task.test.size(), 51156U);
    // Land is about 29 % of the sphere (Natural Earth 110 m); 500 points land within 4 sd.
    const auto landShare =
        static_cast<double>(
            std::accumulate(task.train.labels.begin(), task.train.labels.end(), std::int64_t{0})) /
        500.0;
    EXPECT_NEAR(landShare, 0.29, 0.08);
}

TEST(LandOcean, MissingOrEmptyPolygonFilesAreNamed)
{
    try
    {
        geoinr::rasters::landLabels("no/such/land.geojson", {0, 0});
        FAIL() << "expected an error";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_NE(std::string(e.what()).find("no/such/land.geojson"), std::string::npos);
    }
}
