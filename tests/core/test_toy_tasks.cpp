// SPDX-License-Identifier: MIT
// Toy tasks: NumPy-exact sphere sampler, Fibonacci lattice, nearest support, checkerboard.
#include <geoinr/core/nn/toy_tasks.h>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

namespace
{

constexpr double kPi = 3.14159265358979323846;

/** Great-circle distance in radians between two (lon, lat) degree points (haversine). */
double haversine(double lon1, double lat1, double lon2, double lat2)
{
    const double d2r = kPi / 180.0;
    const double dlat = (lat2 - lat1) * d2r;
    const double dlon = (lon2 - lon1) * d2r;
    const double a = std::pow(std::sin(dlat / 2), 2) +
                     std::cos(lat1 * d2r) * std::cos(lat2 * d2r) * std::pow(std::sin(dlon / 2), 2);
    return 2.0 * std::asin(std::sqrt(std::min(1.0, a)));
}

TEST(ToyTasks, SphericalUniformNumpyMatchesRandomStateZero)
{
    // numpy.random.RandomState(0).normal(size=(3, 5)), row-major: x row, y row, z row.
    const std::vector<double> normals = {
        1.764052345967664,    0.4001572083672233,  0.9787379841057392, 2.240893199201458,
        1.8675579901499675,   -0.977277879876411,  0.9500884175255894, -0.1513572082976979,
        -0.10321885179355784, 0.41059850193837233, 0.144043571160878,  1.454273506962975,
        0.7610377251469934,   0.12167501649282841, 0.44386323274542566};
    const auto pts = geoinr::core::sphericalUniformNumpy(5, 0);
    ASSERT_EQ(pts.sizes(), (std::vector<std::int64_t>{5, 2}));
    ASSERT_EQ(pts.scalar_type(), torch::kFloat64);
    for (int i = 0; i < 5; ++i)
    {
        const double x = normals[static_cast<std::size_t>(i)];
        const double y = normals[static_cast<std::size_t>(5 + i)];
        const double z = normals[static_cast<std::size_t>(10 + i)];
        const double lon = std::atan2(y, x) * 180.0 / kPi;
        const double lat = std::atan2(z, std::hypot(x, y)) * 180.0 / kPi;
        EXPECT_NEAR(pts[i][0].item<double>(), lon, 1e-12) << "point " << i;
        EXPECT_NEAR(pts[i][1].item<double>(), lat, 1e-12) << "point " << i;
    }
    // Point 0 by hand: (1.764, -0.977, 0.144) -> lon = -28.98628, lat = 4.08550.
    EXPECT_NEAR(pts[0][0].item<double>(), -28.98628, 1e-4);
    EXPECT_NEAR(pts[0][1].item<double>(), 4.08550, 1e-4);
}

TEST(ToyTasks, SphericalUniformNumpyIsSeededAndInRange)
{
    const auto a = geoinr::core::sphericalUniformNumpy(500, 1);
    const auto b = geoinr::core::sphericalUniformNumpy(500, 1);
    const auto c = geoinr::core::sphericalUniformNumpy(500, 2);
    EXPECT_TRUE(torch::equal(a, b));
    EXPECT_FALSE(torch::equal(a, c));
    EXPECT_LE(a.select(1, 0).abs().max().item<double>(), 180.0);
    EXPECT_LE(a.select(1, 1).abs().max().item<double>(), 90.0);
    // Spherical-uniform: the mean of sin(lat) is ~0 and about half the points lie in |lat| < 30.
    const auto sinLat = (a.select(1, 1) * (kPi / 180.0)).sin();
    EXPECT_LT(sinLat.mean().abs().item<double>(), 0.1);
    const double band = (a.select(1, 1).abs() < 30.0).to(torch::kFloat64).mean().item<double>();
    EXPECT_NEAR(band, 0.5, 0.08);
}

TEST(ToyTasks, FibonacciLatticeFollowsTheFormula)
{
    const std::int64_t n = 200;
    const auto pts = geoinr::core::fibonacciLattice(n);
    ASSERT_EQ(pts.sizes(), (std::vector<std::int64_t>{n, 2}));
    const auto lon = pts.select(1, 0);
    const auto lat = pts.select(1, 1);
    EXPECT_LT(lat.max().item<double>(), 90.0);
    EXPECT_GT(lat.min().item<double>(), -90.0);
    EXPECT_LE(lon.max().item<double>(), 180.0);
    EXPECT_GE(lon.min().item<double>(), -180.0);
    // Latitudes increase strictly with the index.
    EXPECT_TRUE((lat.narrow(0, 1, n - 1) > lat.narrow(0, 0, n - 1)).all().item<bool>());

    const double golden = (1.0 + std::sqrt(5.0)) / 2.0;
    for (const std::int64_t k :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{57}, std::int64_t{100}, std::int64_t{199}})
    {
        const double i = static_cast<double>(k - n / 2); // i = -N/2 .. N/2 - 1
        const double expectedLat = std::asin(2.0 * i / (n + 1.0)) * 180.0 / kPi;
        double expectedLon = (i - golden * std::floor(i / golden)) * 360.0 / golden;
        if (expectedLon > 180.0)
        {
            expectedLon -= 360.0;
        }
        EXPECT_NEAR(lat[k].item<double>(), expectedLat, 1e-12) << "point " << k;
        EXPECT_NEAR(lon[k].item<double>(), expectedLon, 1e-9) << "point " << k;
    }
}

TEST(ToyTasks, NearestSupportMatchesBruteForceHaversine)
{
    const auto support = geoinr::core::fibonacciLattice(200);
    const auto queries = geoinr::core::sphericalUniformNumpy(60, 7);
    const auto nearest = geoinr::core::nearestSupport(queries, support);
    ASSERT_EQ(nearest.size(0), 60);
    for (std::int64_t q = 0; q < 60; ++q)
    {
        const double qlon = queries[q][0].item<double>();
        const double qlat = queries[q][1].item<double>();
        std::int64_t best = -1;
        double bestDist = INFINITY;
        for (std::int64_t s = 0; s < support.size(0); ++s)
        {
            const double d =
                haversine(qlon, qlat, support[s][0].item<double>(), support[s][1].item<double>());
            if (d < bestDist)
            {
                bestDist = d;
                best = s;
            }
        }
        EXPECT_EQ(nearest[q].item<std::int64_t>(), best) << "query " << q;
    }
}

TEST(ToyTasks, NearestSupportUsesSphericalDistanceAndFirstIndexOnTies)
{
    const auto support =
        torch::tensor({-179.9, 0.0, 170.0, 0.0, 10.0, 10.0, 10.0, 10.0}, torch::kFloat64)
            .reshape({4, 2});
    const auto queries =
        torch::tensor({179.9, 0.0, 10.0, 10.0, 0.0, 89.0, 172.0, 0.0}, torch::kFloat64)
            .reshape({4, 2});
    const auto nearest = geoinr::core::nearestSupport(queries, support);
    // Across the antimeridian, -179.9 is 0.2 degrees from 179.9 (170 is 9.9 degrees away).
    EXPECT_EQ(nearest[0].item<std::int64_t>(), 0);
    // Duplicate support points: the first index wins.
    EXPECT_EQ(nearest[1].item<std::int64_t>(), 2);
    // Near the pole every longitude is close; (10, 10) is nearer than the equator points.
    EXPECT_EQ(nearest[2].item<std::int64_t>(), 2);
    EXPECT_EQ(nearest[3].item<std::int64_t>(), 1);
}

TEST(ToyTasks, CheckerboardLabelsCoverAllClasses)
{
    const auto task = geoinr::core::makeCheckerboard(200, 16, 1000, 1000);
    EXPECT_EQ(task.numClasses, 16);
    ASSERT_EQ(task.trainLonLat.sizes(), (std::vector<std::int64_t>{1000, 2}));
    ASSERT_EQ(task.trainLabels.sizes(), (std::vector<std::int64_t>{1000}));
    EXPECT_TRUE(torch::equal(task.trainLonLat, geoinr::core::sphericalUniformNumpy(1000, 0)));
    EXPECT_TRUE(torch::equal(task.valLonLat, geoinr::core::sphericalUniformNumpy(1000, 1)));
    EXPECT_TRUE(torch::equal(task.testLonLat, geoinr::core::fibonacciLattice(1000)));

    const auto support = geoinr::core::fibonacciLattice(200);
    for (const auto& [points, labels] : {std::make_pair(task.trainLonLat, task.trainLabels),
                                         std::make_pair(task.valLonLat, task.valLabels),
                                         std::make_pair(task.testLonLat, task.testLabels)})
    {
        ASSERT_EQ(labels.scalar_type(), torch::kLong);
        EXPECT_GE(labels.min().item<std::int64_t>(), 0);
        EXPECT_LT(labels.max().item<std::int64_t>(), 16);
        std::set<std::int64_t> present;
        for (std::int64_t i = 0; i < labels.size(0); ++i)
        {
            present.insert(labels[i].item<std::int64_t>());
        }
        EXPECT_EQ(present.size(), 16U);
        // Label = (support index - N/2) mod C (floored) of the nearest support point.
        const auto nearest = geoinr::core::nearestSupport(points, support);
        const auto expected = torch::remainder(nearest - 100, 16);
        EXPECT_TRUE(torch::equal(labels, expected));
    }
}

} // namespace
