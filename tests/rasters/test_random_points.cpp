// SPDX-License-Identifier: MIT
// Seeded background points: inside the first layer's box, valid in every layer, reproducible.
#include "test_data.h"
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>

#include <gtest/gtest.h>

#include <cmath>

using geoinr::rasters::CovariateStack;
using geoinr::rasters::Resampling;

TEST(RandomValidPoints, InsideTheBoxAndValidInEveryLayer)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    GEOINR_REQUIRE_DATA_FILE(biome, "worldclim_sa/biome.tif");
    const CovariateStack stack = CovariateStack::open({bio1, biome}, {"biome"});
    std::vector<double> lon;
    std::vector<double> lat;
    stack.randomValidPoints(500, 7, lon, lat);
    ASSERT_EQ(lon.size(), 500u);
    ASSERT_EQ(lat.size(), 500u);
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        ASSERT_GE(lon[i], -125.0);
        ASSERT_LE(lon[i], -32.0);
        ASSERT_GE(lat[i], -56.0);
        ASSERT_LE(lat[i], 40.0);
    }
    const std::size_t f = stack.numFeatures();
    for (const Resampling r : {Resampling::Nearest, Resampling::Bilinear})
    {
        const auto v = stack.sample(lon, lat, r);
        for (std::size_t i = 0; i < v.size(); ++i)
        {
            ASSERT_FALSE(std::isnan(v[i])) << "point " << i / f << " feature " << i % f;
        }
    }
    // Spherical-uniform: sin(lat) is uniform over the box, so points are not crowded at its
    // centre; both hemispheres of the box are hit.
    EXPECT_GT(std::count_if(lat.begin(), lat.end(), [](double y) { return y > 0; }), 50);
    EXPECT_GT(std::count_if(lat.begin(), lat.end(), [](double y) { return y < -30; }), 20);

    std::vector<double> lon2;
    std::vector<double> lat2;
    stack.randomValidPoints(500, 7, lon2, lat2);
    EXPECT_EQ(lon, lon2);
    EXPECT_EQ(lat, lat2);
    stack.randomValidPoints(500, 8, lon2, lat2);
    EXPECT_NE(lon, lon2);
}

TEST(RandomValidPoints, GivesUpWithAClearErrorWhenLayersDoNotOverlap)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    geoinr::test::TempDir dir;
    // A 2x2 raster over Europe: no point of South America is valid in it.
    geoinr::test::writeRaster(dir.file("europe.tif"), 4326, {5, 1, 0, 50, 0, -1}, 2, 2,
                              {1, 2, 3, 4});
    const CovariateStack stack = CovariateStack::open({bio1, dir.file("europe.tif")});
    std::vector<double> lon;
    std::vector<double> lat;
    try
    {
        stack.randomValidPoints(3, 1, lon, lat);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_EQ(std::string(e.what()).rfind("randomValidPoints: found only 0 of 3 points valid "
                                              "in every covariate after 3000 tries",
                                              0),
                  0u)
            << e.what();
    }
}
