// SPDX-License-Identifier: MIT
// Rasters in other CRSs: a Web Mercator GeoTIFF written by the test (pixel values known by
// construction) sampled at lon/lat points computed with the Mercator formulas, and a lon/lat
// raster in 0..360 longitudes.
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>

#include <gtest/gtest.h>

#include <cmath>

using geoinr::rasters::CovariateStack;
using geoinr::rasters::Resampling;

namespace
{

constexpr int kWidth = 20;
constexpr int kHeight = 10;
constexpr double kX0 = 1.0e6; // metres, EPSG:3857
constexpr double kY0 = 6.0e6;
constexpr double kPixel = 1.0e4;

/** Inverse Web Mercator by its formula. */
void lonLatOf(double x, double y, double& lon, double& lat)
{
    constexpr double kR = 6378137.0;
    constexpr double kPi = 3.14159265358979323846;
    lon = x / kR * 180.0 / kPi;
    lat = (2.0 * std::atan(std::exp(y / kR)) - kPi / 2.0) * 180.0 / kPi;
}

void centre(double col, double row, double& lon, double& lat)
{
    lonLatOf(kX0 + (col + 0.5) * kPixel, kY0 - (row + 0.5) * kPixel, lon, lat);
}

double cellValue(int col, int row)
{
    return col + 100.0 * row;
}

std::string writeMercatorRaster(const geoinr::test::TempDir& dir)
{
    std::vector<float> values;
    for (int row = 0; row < kHeight; ++row)
    {
        for (int col = 0; col < kWidth; ++col)
        {
            values.push_back(static_cast<float>(cellValue(col, row)));
        }
    }
    values[3 * kWidth + 4] = -9999.0f; // nodata at (4, 3)
    const std::string path = dir.file("mercator.tif");
    geoinr::test::writeRaster(path, 3857, {kX0, kPixel, 0, kY0, 0, -kPixel}, kWidth, kHeight,
                              values);
    return path;
}

} // namespace

TEST(ProjectedRaster, WebMercatorSamplesAtLonLat)
{
    geoinr::test::TempDir dir;
    const CovariateStack stack = CovariateStack::open({writeMercatorRaster(dir)});
    std::vector<double> lon;
    std::vector<double> lat;
    std::vector<double> expected;
    for (const auto& [col, row] : {std::pair{0, 0}, {7, 2}, {19, 9}, {12, 5}, {1, 8}})
    {
        double x = 0.0;
        double y = 0.0;
        centre(col, row, x, y);
        lon.push_back(x);
        lat.push_back(y);
        expected.push_back(cellValue(col, row));
    }
    const auto nearest = stack.sample(lon, lat, Resampling::Nearest);
    const auto bilinear = stack.sample(lon, lat, Resampling::Bilinear);
    for (std::size_t i = 0; i < expected.size(); ++i)
    {
        EXPECT_EQ(nearest[i], expected[i]) << i;
        EXPECT_NEAR(bilinear[i], expected[i], 1e-6) << i;
    }
    // Midway between (7,2)-(8,2) and between (7,2)-(7,3), and a quarter into (12,5)-(13,6).
    double a = 0.0;
    double b = 0.0;
    double c = 0.0;
    double d = 0.0;
    double e = 0.0;
    double f = 0.0;
    centre(7.5, 2, a, b);
    centre(7, 2.5, c, d);
    centre(12.25, 5.25, e, f);
    const auto mid = stack.sample({a, c, e}, {b, d, f});
    EXPECT_NEAR(mid[0], 207.5, 1e-6);
    EXPECT_NEAR(mid[1], 257.0, 1e-6);
    EXPECT_NEAR(mid[2], 512.0 + 0.25 + 25.0, 1e-6);

    // Nodata pixel and points outside the raster.
    double nx = 0.0;
    double ny = 0.0;
    centre(4, 3, nx, ny);
    const auto outside = stack.sample({nx, 0.0, 8.9}, {ny, 0.0, 49.0}, Resampling::Nearest);
    EXPECT_TRUE(std::isnan(outside[0]));
    EXPECT_TRUE(std::isnan(outside[1]));
    EXPECT_TRUE(std::isnan(outside[2]));
}

TEST(ProjectedRaster, BoundsAndRandomPointsInLonLat)
{
    geoinr::test::TempDir dir;
    const CovariateStack stack = CovariateStack::open({writeMercatorRaster(dir)});
    double west = 0.0;
    double north = 0.0;
    double east = 0.0;
    double south = 0.0;
    lonLatOf(kX0, kY0, west, north);
    lonLatOf(kX0 + kWidth * kPixel, kY0 - kHeight * kPixel, east, south);
    const auto box = stack.lonLatBounds(0);
    EXPECT_NEAR(box[0], west, 1e-9);
    EXPECT_NEAR(box[1], south, 1e-9);
    EXPECT_NEAR(box[2], east, 1e-9);
    EXPECT_NEAR(box[3], north, 1e-9);
    std::vector<double> lon;
    std::vector<double> lat;
    stack.randomValidPoints(100, 3, lon, lat);
    const auto v = stack.sample(lon, lat, Resampling::Nearest);
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        EXPECT_GE(lon[i], west);
        EXPECT_LE(lon[i], east);
        EXPECT_FALSE(std::isnan(v[i]));
    }
}

TEST(ProjectedRaster, LonLatRasterIn0To360Longitudes)
{
    geoinr::test::TempDir dir;
    // 4 x 2 pixels of 5 degrees from lon 170 to 190, lat 10 to 0: crosses the antimeridian.
    geoinr::test::writeRaster(dir.file("pacific.tif"), 4326, {170, 5, 0, 10, 0, -5}, 4, 2,
                              {1, 2, 3, 4, 5, 6, 7, 8});
    const CovariateStack stack = CovariateStack::open({dir.file("pacific.tif")});
    const auto v = stack.sample({172.5, 177.5, -177.5, -172.5, -160.0}, {7.5, 7.5, 7.5, 2.5, 5.0},
                                Resampling::Nearest);
    EXPECT_EQ(v[0], 1.0);
    EXPECT_EQ(v[1], 2.0);
    EXPECT_EQ(v[2], 3.0); // lon -177.5 is 182.5
    EXPECT_EQ(v[3], 8.0);
    EXPECT_TRUE(std::isnan(v[4]));
    const auto box = stack.lonLatBounds(0);
    EXPECT_EQ(box, (std::vector<double>{170.0, 0.0, -170.0, 10.0})); // west > east: crossing
    std::vector<double> lon;
    std::vector<double> lat;
    stack.randomValidPoints(50, 11, lon, lat);
    for (const double x : lon)
    {
        EXPECT_TRUE(x >= 170.0 || x <= -170.0) << x;
    }
}
