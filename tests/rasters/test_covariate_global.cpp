// SPDX-License-Identifier: MIT
// Sampling a global WorldClim 2.1 layer (10', Float32): longitude wrap across the antimeridian,
// and SINR's pixel-is-point bilinear (science.md §1.3) recomputed by hand from GDAL pixels.
#include "test_data.h"
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>

#include <gtest/gtest.h>

#include <cmath>

using geoinr::rasters::CovariateStack;
using geoinr::rasters::Resampling;
using geoinr::test::readPixel;

namespace
{

constexpr int kWidth = 2160;
constexpr int kHeight = 1080;

/** science.md §1.3 by hand: the four corners and weights of SINR's bilinear lookup. */
struct SinrLookup
{
    int i, j, ip, jp;
    double du, dv;
};

SinrLookup sinrLookup(double lon, double lat)
{
    const double u = (lon / 180.0 + 1.0) / 2.0 * (kWidth - 1);
    const double v = (1.0 - (lat / 90.0 + 1.0) / 2.0) * (kHeight - 1);
    SinrLookup s{};
    s.i = static_cast<int>(std::floor(u));
    s.j = static_cast<int>(std::floor(v));
    s.ip = std::min(s.i + 1, kWidth - 1);
    s.jp = std::min(s.j + 1, kHeight - 1);
    s.du = u - s.i;
    s.dv = v - s.j;
    return s;
}

/** Sum over the corners of w * f(value), f(NaN) handled by the caller. */
template <typename F> double sinrSum(const std::string& path, double lon, double lat, F f)
{
    const SinrLookup s = sinrLookup(lon, lat);
    const double nodata = geoinr::test::readNodata(path);
    const auto value = [&](int c, int r)
    {
        const double v = readPixel(path, c, r);
        return v == nodata ? std::nan("") : v;
    };
    return (1 - s.du) * (1 - s.dv) * f(value(s.i, s.j)) + s.du * (1 - s.dv) * f(value(s.ip, s.j)) +
           (1 - s.du) * s.dv * f(value(s.i, s.jp)) + s.du * s.dv * f(value(s.ip, s.jp));
}

} // namespace

TEST(CovariateGlobal, LongitudeWrapsAcrossTheAntimeridian)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_global/wc2.1_10m_bio_1.tif");
    const CovariateStack stack = CovariateStack::open({bio1});
    EXPECT_EQ(stack.lonLatBounds(0), (std::vector<double>{-180.0, -90.0, 180.0, 90.0}));
    // Row 144 has land (Chukotka) in both the first and the last column.
    const double lat = 90.0 - 144.5 / 6.0;
    const double first = readPixel(bio1, 0, 144);
    const double last = readPixel(bio1, kWidth - 1, 144);
    ASSERT_NEAR(first, -7.69364595413208, 1e-6);
    ASSERT_NEAR(last, -7.50327062606812, 1e-6);

    const auto nearest =
        stack.sample({180.0, -180.0, 179.99, -179.99}, {lat, lat, lat, lat}, Resampling::Nearest);
    EXPECT_EQ(nearest[0], first); // lon 180 is lon -180
    EXPECT_EQ(nearest[1], first);
    EXPECT_EQ(nearest[2], last);
    EXPECT_EQ(nearest[3], first);

    // The pixel centres next to the antimeridian are 1/12 degree from it on either side.
    const auto bilinear = stack.sample({180.0, -180.0, 180.0 - 1.0 / 24.0, -180.0 + 1.0 / 24.0},
                                       {lat, lat, lat, lat}, Resampling::Bilinear);
    EXPECT_NEAR(bilinear[0], (first + last) / 2, 1e-9);
    EXPECT_NEAR(bilinear[1], (first + last) / 2, 1e-9);
    EXPECT_NEAR(bilinear[2], 0.75 * last + 0.25 * first, 1e-9);
    EXPECT_NEAR(bilinear[3], 0.75 * first + 0.25 * last, 1e-9);
}

TEST(CovariateGlobal, SinrCompatIsScienceSection13)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_global/wc2.1_10m_bio_1.tif");
    CovariateStack stack = CovariateStack::open({bio1});
    const std::vector<double> lon{12.34, -60.123, 180.0, -180.0, 100.0, -140.0};
    const std::vector<double> lat{45.67, -10.5, 65.9, 65.9, 60.0, 0.0};
    const auto v = stack.sample(lon, lat, Resampling::SinrCompat);
    for (std::size_t k = 0; k < 5; ++k)
    {
        const double expected = sinrSum(bio1, lon[k], lat[k], [](double x) { return x; });
        ASSERT_FALSE(std::isnan(expected)) << k;
        EXPECT_NEAR(v[k], expected, 1e-9) << k;
    }
    EXPECT_TRUE(std::isnan(v[5])); // mid Pacific
    // SINR does not wrap: lon 180 and -180 read opposite columns.
    EXPECT_NE(v[2], v[3]);
    // The geotransform-correct sampler differs from SINR's by up to half a pixel.
    const auto correct = stack.sample({lon[0]}, {lat[0]}, Resampling::Bilinear);
    EXPECT_NE(correct[0], v[0]);

    // Normalised: z-score every corner, NaN -> 0, then the weights (SINR's order of operations).
    stack.fitNormalisation(stack.sample(lon, lat, Resampling::Nearest));
    const double mean = stack.mean()[0];
    const double sd = stack.stddev()[0];
    // A coastal point: find one whose SINR corners mix land and sea.
    double coastLon = 0.0;
    for (double x = 10.0; x < 20.0; x += 0.05)
    {
        const double mixed = sinrSum(bio1, x, 54.4, [](double y) { return y; });
        const double some = sinrSum(bio1, x, 54.4, [](double y) { return std::isnan(y) ? 0 : 1; });
        if (std::isnan(mixed) && some > 0)
        {
            coastLon = x;
            break;
        }
    }
    ASSERT_NE(coastLon, 0.0);
    const auto z = stack.sampleNormalised({lon[0], coastLon, -140.0}, {lat[0], 54.4, 0.0},
                                          Resampling::SinrCompat);
    const auto zscore = [&](double x)
    {
        return std::isnan(x) ? 0.0 : (x - mean) / sd;
    };
    EXPECT_NEAR(z[0], (v[0] - mean) / sd, 1e-9);
    EXPECT_NEAR(z[1], sinrSum(bio1, coastLon, 54.4, zscore), 1e-9);
    EXPECT_EQ(z[2], 0.0); // all corners at sea
}
