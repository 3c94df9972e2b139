// SPDX-License-Identifier: MIT
// Geo-bias score (science.md §5.10): k-NN weights against brute force, the analytic null moments
// of I_u against every permutation, hand-computed I_u and neighbourhoods, clustered vs scattered
// failures, reproducibility and input errors.
#include "test_errors.h"

#include <geoinr/core/error.h>
#include <geoinr/core/geo_bias.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>

namespace
{

using geoinr::core::GeoBiasOptions;
using geoinr::core::GeoBiasResult;
using geoinr::core::geoBiasScore;
using geoinr::core::knnNeighbours;
using geoinr::core::NeighbourLists;
using geoinr::core::spatialSelfInformation;
using geoinr::test::invalidArgumentMessage;

constexpr double kPi = 3.14159265358979323846;

/** I_u = Σ_i (z_i - z̄) Σ_{j in row i} (z_j - z̄), written out independently of the library. */
double moranNumerator(const std::vector<double>& z, const NeighbourLists& w)
{
    const double mean = std::accumulate(z.begin(), z.end(), 0.0) / static_cast<double>(z.size());
    double s = 0.0;
    for (std::size_t i = 0; i < z.size(); ++i)
    {
        for (const std::size_t j : w[i])
        {
            s += (z[i] - mean) * (z[j] - mean);
        }
    }
    return s;
}

/** Exact mean and variance of I_u over all n! orderings of z. */
std::pair<double, double> permutationMoments(const std::vector<double>& z, const NeighbourLists& w)
{
    std::vector<std::size_t> order(z.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<double> permuted(z.size());
    double sum = 0.0;
    double sumSq = 0.0;
    double count = 0.0;
    do
    {
        for (std::size_t i = 0; i < z.size(); ++i)
        {
            permuted[i] = z[order[i]];
        }
        const double iu = moranNumerator(permuted, w);
        sum += iu;
        sumSq += iu * iu;
        count += 1.0;
    } while (std::next_permutation(order.begin(), order.end()));
    const double mean = sum / count;
    return {mean, sumSq / count - mean * mean};
}

/** A deterministic Fisher-Yates in the test (modulo bias is irrelevant here). */
std::vector<std::size_t> shuffledIndices(std::size_t n, std::uint64_t seed)
{
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::mt19937_64 rng(seed);
    for (std::size_t i = n - 1; i > 0; --i)
    {
        std::swap(idx[i], idx[rng() % (i + 1)]);
    }
    return idx;
}

/** knnNeighbours against sorting every pair by (squared distance, index). */
void expectKnnMatchesBruteForce(const std::vector<double>& x, const std::vector<double>& y, int k)
{
    const NeighbourLists w = knnNeighbours(x, y, k);
    ASSERT_EQ(w.size(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
    {
        std::vector<std::pair<double, std::size_t>> all;
        for (std::size_t j = 0; j < x.size(); ++j)
        {
            if (j != i)
            {
                const double dx = x[j] - x[i];
                const double dy = y[j] - y[i];
                all.emplace_back(dx * dx + dy * dy, j);
            }
        }
        std::sort(all.begin(), all.end());
        std::vector<std::size_t> expected;
        for (int m = 0; m < k; ++m)
        {
            expected.push_back(all[static_cast<std::size_t>(m)].second);
        }
        EXPECT_EQ(w[i], expected) << "point " << i << " k " << k;
    }
}

TEST(GeoBias, KnnMatchesBruteForceIncludingTies)
{
    // A 7 x 5 lattice (many equal distances) plus 30 random points.
    std::vector<double> x;
    std::vector<double> y;
    for (int r = 0; r < 5; ++r)
    {
        for (int c = 0; c < 7; ++c)
        {
            x.push_back(c);
            y.push_back(r);
        }
    }
    std::mt19937_64 rng(3);
    for (int i = 0; i < 30; ++i)
    {
        x.push_back(static_cast<double>(rng() % 10000) / 1000.0 - 1.0);
        y.push_back(static_cast<double>(rng() % 10000) / 2000.0);
    }
    for (int k : {1, 4, 8})
    {
        expectKnnMatchesBruteForce(x, y, k);
    }
    // Nearly collinear points with duplicates: a thin bounding box must not break the grid.
    std::vector<double> lx;
    std::vector<double> ly;
    for (int i = 0; i < 40; ++i)
    {
        lx.push_back(static_cast<double>(i % 25));
        ly.push_back(1e-12 * static_cast<double>(i % 3));
    }
    expectKnnMatchesBruteForce(lx, ly, 4);
    expectKnnMatchesBruteForce(std::vector<double>(6, 2.0), std::vector<double>(6, -1.0), 3);
}

TEST(GeoBias, MoranNumeratorByHand)
{
    // Five points on a line, k = 1, ties to the lower index: 0->1, 1->0, 2->1, 3->2, 4->3.
    // z = 1..5, z̄ = 3, d = -2 -1 0 1 2: I_u = (-2)(-1) + (-1)(-2) + 0 + 0 + (2)(1) = 6.
    const std::vector<double> x = {0, 1, 2, 3, 4};
    const std::vector<double> y(5, 0.0);
    const NeighbourLists w = knnNeighbours(x, y, 1);
    const NeighbourLists expected = {{1}, {0}, {1}, {2}, {3}};
    EXPECT_EQ(w, expected);
    const auto r = spatialSelfInformation(x, y, {1, 2, 3, 4, 5}, 1);
    EXPECT_DOUBLE_EQ(r.iu, 6.0);
    EXPECT_TRUE(r.defined);
}

TEST(GeoBias, AnalyticMomentsEqualAllPermutations)
{
    // n = 7, asymmetric k-NN weights, marks with ties: 5040 orderings.
    const std::vector<double> x = {0.0, 1.0, 2.5, 0.3, 4.0, 1.7, 3.1};
    const std::vector<double> y = {0.0, 0.2, 0.1, 1.9, 1.0, 2.6, 3.3};
    const std::vector<double> z = {0.0, 1.0, 1.0, 0.0, 0.0, 2.5, -1.0};
    for (int k : {1, 2, 3})
    {
        const NeighbourLists w = knnNeighbours(x, y, k);
        const auto r = spatialSelfInformation(z, w);
        const auto [mean, var] = permutationMoments(z, w);
        EXPECT_NEAR(r.mean, mean, 1e-9) << "k " << k;
        EXPECT_NEAR(r.std * r.std, var, 1e-9) << "k " << k;
        EXPECT_NEAR(r.iu, moranNumerator(z, w), 1e-12);
    }
    // n = 6, a hand-made W with one-way edges, a mutual pair and an empty row.
    const NeighbourLists w6 = {{1, 2}, {0}, {5}, {}, {0, 1, 2, 3}, {4}};
    const std::vector<double> z6 = {3.0, 1.0, 0.5, 0.5, -2.0, 7.0};
    const auto r6 = spatialSelfInformation(z6, w6);
    const auto [mean6, var6] = permutationMoments(z6, w6);
    EXPECT_NEAR(r6.mean, mean6, 1e-9);
    EXPECT_NEAR(r6.std * r6.std, var6, 1e-9);
    EXPECT_GT(var6, 1.0); // not a degenerate case
}

TEST(GeoBias, SsiIsTheGaussianSurprisal)
{
    const std::vector<double> x = {0.0, 1.0, 2.5, 0.3, 4.0, 1.7, 3.1, 2.2};
    const std::vector<double> y = {0.0, 0.2, 0.1, 1.9, 1.0, 2.6, 3.3, 1.4};
    const std::vector<double> z = {1, 1, 0, 1, 0, 0, 0, 1};
    const auto r = spatialSelfInformation(x, y, z, 4);
    ASSERT_TRUE(r.defined);
    const double u = (r.iu - r.mean) / r.std;
    // -log N(I; μ, σ) = u²/2 + log(σ sqrt(2π)) while the pdf is far above 1e-256.
    EXPECT_NEAR(r.ssi, 0.5 * u * u + std::log(r.std * std::sqrt(2.0 * kPi)), 1e-12);

    // A 60 x 60 lattice split into two halves: the pdf underflows and 1e-256 caps the SSI.
    std::vector<double> gx;
    std::vector<double> gy;
    std::vector<double> gz;
    for (int r2 = 0; r2 < 60; ++r2)
    {
        for (int c = 0; c < 60; ++c)
        {
            gx.push_back(c);
            gy.push_back(r2);
            gz.push_back(c < 30 ? 1.0 : 0.0);
        }
    }
    const auto capped = spatialSelfInformation(gx, gy, gz, 4);
    EXPECT_GT((capped.iu - capped.mean) / capped.std, 40.0);
    EXPECT_NEAR(capped.ssi, 256.0 * std::log(10.0), 1e-9);
}

TEST(GeoBias, ConstantMarksHaveNoNullDistribution)
{
    const auto r = spatialSelfInformation({0, 1, 2, 3, 4}, {0, 0, 1, 1, 2}, {2, 2, 2, 2, 2}, 2);
    EXPECT_FALSE(r.defined);
    EXPECT_TRUE(std::isnan(r.ssi));
    EXPECT_EQ(r.iu, 0.0);
}

/** A 41 x 41 lattice, 0.1 degree apart, centred on (10 E, 5 N). */
struct Lattice
{
    std::vector<double> lon, lat;
};

Lattice makeLattice()
{
    Lattice l;
    for (int r = 0; r < 41; ++r)
    {
        for (int c = 0; c < 41; ++c)
        {
            l.lon.push_back(8.0 + 0.1 * c);
            l.lat.push_back(3.0 + 0.1 * r);
        }
    }
    return l;
}

TEST(GeoBias, ClusteredFailuresScoreHigherThanScattered)
{
    const Lattice l = makeLattice();
    const std::size_t n = l.lon.size();
    // 121 failures: an 11 x 11 block in the south-west corner, or 121 points at random.
    std::vector<double> clustered(n, 1.0);
    for (std::size_t i = 0; i < n; ++i)
    {
        if (i % 41 < 11 && i / 41 < 11)
        {
            clustered[i] = 0.0;
        }
    }
    std::vector<double> scattered(n, 1.0);
    const auto order = shuffledIndices(n, 11);
    for (std::size_t i = 0; i < 121; ++i)
    {
        scattered[order[i]] = 0.0;
    }
    GeoBiasOptions o;
    o.radiusKm = 80.0;
    o.numCentres = 40;
    o.seed = 5;
    const GeoBiasResult c = geoBiasScore(l.lon, l.lat, clustered, 0.5, o);
    const GeoBiasResult s = geoBiasScore(l.lon, l.lat, scattered, 0.5, o);
    // Measured: clustered base 18.5, relative 14.9; scattered base 1.8, relative -0.1.
    EXPECT_EQ(c.lowPerformancePoints, 121u);
    EXPECT_EQ(s.lowPerformancePoints, 121u);
    EXPECT_EQ(c.centresUsed, 40u);
    EXPECT_EQ(s.centresUsed, 40u);
    EXPECT_GT(c.baseScore, s.baseScore + 10.0) << c.baseScore << " vs " << s.baseScore;
    EXPECT_GT(c.relativeScore, s.relativeScore + 10.0)
        << c.relativeScore << " vs " << s.relativeScore;
    EXPECT_LT(std::abs(s.relativeScore), 3.0) << s.relativeScore;
}

TEST(GeoBias, MarkedModeSeesASmoothPerformanceField)
{
    const Lattice l = makeLattice();
    const std::size_t n = l.lon.size();
    // Performance rising smoothly from west to east vs the same values shuffled.
    std::vector<double> smooth(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        smooth[i] = 0.1 + 0.02 * static_cast<double>(i % 41);
    }
    std::vector<double> shuffled(n);
    const auto order = shuffledIndices(n, 4);
    for (std::size_t i = 0; i < n; ++i)
    {
        shuffled[i] = smooth[order[i]];
    }
    GeoBiasOptions o;
    o.radiusKm = 60.0;
    o.numCentres = 20;
    o.marked = true;
    const auto a = geoBiasScore(l.lon, l.lat, smooth, 0.4, o);
    const auto b = geoBiasScore(l.lon, l.lat, shuffled, 0.4, o);
    // Measured: smooth base 82.8, relative 81.7; shuffled base 43.1, relative 40.4 (in marked
    // mode the non-zero data marks against the zero background are themselves a pattern).
    EXPECT_EQ(a.centresUsed, 20u);
    EXPECT_EQ(b.centresUsed, 20u);
    EXPECT_GT(a.baseScore, b.baseScore + 10.0) << a.baseScore << " vs " << b.baseScore;
    EXPECT_GT(a.relativeScore, b.relativeScore + 10.0)
        << a.relativeScore << " vs " << b.relativeScore;
}

TEST(GeoBias, RandomAmongDataOnlyDiscountsClumpedSampling)
{
    // Evaluation points sampled in 60 clumps of 40 (like citizen-science data), 30 % failures at
    // random. Shuffling over data and background positions also scores the clumping against the
    // regular background grid; shuffling over the data only does not.
    std::mt19937_64 rng(9);
    const auto uniform = [&rng]
    {
        return static_cast<double>(rng() >> 11) * 0x1.0p-53;
    };
    std::vector<double> lon;
    std::vector<double> lat;
    std::vector<double> value;
    for (int clump = 0; clump < 60; ++clump)
    {
        const double cx = 10.0 * uniform();
        const double cy = 10.0 * uniform();
        for (int i = 0; i < 40; ++i)
        {
            // Sum of three uniforms: a bell-shaped offset, sd 0.15 degrees.
            lon.push_back(cx + 0.3 * (uniform() + uniform() + uniform() - 1.5));
            lat.push_back(cy + 0.3 * (uniform() + uniform() + uniform() - 1.5));
            value.push_back(uniform() < 0.3 ? 0.0 : 1.0);
        }
    }
    GeoBiasOptions o;
    o.radiusKm = 200.0;
    o.numCentres = 30;
    const auto all = geoBiasScore(lon, lat, value, 0.5, o);
    o.randomAmongDataOnly = true;
    const auto data = geoBiasScore(lon, lat, value, 0.5, o);
    // Measured: relative 7.2 (all positions) vs 2.0 (data only); the base score is the same.
    EXPECT_EQ(all.baseScore, data.baseScore);
    EXPECT_GT(all.relativeScore, data.relativeScore + 3.0)
        << all.relativeScore << " vs " << data.relativeScore;
}

TEST(GeoBias, SameSeedSameScoresOtherSeedOtherCentres)
{
    const Lattice l = makeLattice();
    std::vector<double> value(l.lon.size(), 1.0);
    const auto order = shuffledIndices(value.size(), 2);
    for (std::size_t i = 0; i < 200; ++i)
    {
        value[order[i]] = 0.0;
    }
    GeoBiasOptions o;
    o.radiusKm = 50.0;
    o.numCentres = 10;
    o.seed = 42;
    const auto a = geoBiasScore(l.lon, l.lat, value, 0.5, o);
    const auto b = geoBiasScore(l.lon, l.lat, value, 0.5, o);
    ASSERT_EQ(a.centres.size(), b.centres.size());
    EXPECT_EQ(a.baseScore, b.baseScore);
    EXPECT_EQ(a.relativeScore, b.relativeScore);
    for (std::size_t i = 0; i < a.centres.size(); ++i)
    {
        EXPECT_EQ(a.centres[i].pointIndex, b.centres[i].pointIndex);
        EXPECT_EQ(a.centres[i].random.ssi, b.centres[i].random.ssi);
    }
    o.seed = 43;
    const auto c = geoBiasScore(l.lon, l.lat, value, 0.5, o);
    std::vector<std::size_t> ca;
    std::vector<std::size_t> cc;
    for (std::size_t i = 0; i < a.centres.size(); ++i)
    {
        ca.push_back(a.centres[i].pointIndex);
        cc.push_back(c.centres[i].pointIndex);
    }
    EXPECT_NE(ca, cc);
    for (const auto& centre : a.centres)
    {
        EXPECT_EQ(value[centre.pointIndex], 0.0); // centres are low-performance points
    }
}

TEST(GeoBias, NeighbourhoodPointsAndBackgroundGridByHand)
{
    // Centre (0, 0); points 1 degree north (111.195 km on the mean sphere), east and 2 degrees
    // north. All are failures; numCentres = 1 picks the centre only if it is the sole failure, so
    // mark only the centre low.
    const std::vector<double> lon = {0.0, 0.0, 1.0, 0.0, -0.5, 0.5};
    const std::vector<double> lat = {0.0, 1.0, 0.0, 2.0, -0.5, 0.3};
    const std::vector<double> value = {0.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    GeoBiasOptions o;
    o.numCentres = 1;
    o.k = 2;
    // Spacing r / 2: offsets ±0.25r, ±0.75r; inside the disk: 4 at (±.25, ±.25) and 8 at
    // (±.25, ±.75), (±.75, ±.25); (±.75, ±.75) lies at 1.06 r, outside.
    o.radiusKm = 111.3;
    o.backgroundSpacingKm = 111.3 / 2.0;
    const auto in = geoBiasScore(lon, lat, value, 0.5, o);
    ASSERT_EQ(in.centres.size(), 1u);
    EXPECT_EQ(in.centres[0].pointIndex, 0u);
    EXPECT_EQ(in.centres[0].dataPoints, 5u); // all but the point 2 degrees north
    EXPECT_EQ(in.centres[0].lowPoints, 1u);
    EXPECT_EQ(in.centres[0].backgroundPoints, 12u);
    o.radiusKm = 111.1; // 1 degree at the equator is 111.195 km: both 1-degree points drop out
    o.backgroundSpacingKm = 0.0;
    const auto out = geoBiasScore(lon, lat, value, 0.5, o);
    ASSERT_EQ(out.centres.size(), 1u);
    EXPECT_EQ(out.centres[0].dataPoints, 3u);
    // Auto spacing r·sqrt(π / 3) = 113.8 km > r: offsets ±56.9 km, 4 points at 80.5 km.
    EXPECT_NEAR(out.centres[0].backgroundSpacingKm, 111.1 * std::sqrt(kPi / 3.0), 1e-9);
    EXPECT_EQ(out.centres[0].backgroundPoints, 4u);
}

TEST(GeoBias, SkippedAndEmptyNeighbourhoodsAreCounted)
{
    // An isolated failure far from the others: its 10 km neighbourhood holds only itself.
    std::vector<double> lon = {100.0};
    std::vector<double> lat = {-40.0};
    std::vector<double> value = {0.0};
    const Lattice l = makeLattice();
    lon.insert(lon.end(), l.lon.begin(), l.lon.end());
    lat.insert(lat.end(), l.lat.begin(), l.lat.end());
    value.resize(lon.size(), 1.0);
    GeoBiasOptions o;
    o.radiusKm = 10.0;
    o.numCentres = 5;
    const auto r = geoBiasScore(lon, lat, value, 0.5, o);
    EXPECT_EQ(r.points, lon.size());
    EXPECT_EQ(r.lowPerformancePoints, 1u);
    EXPECT_EQ(r.centresSampled, 1u);
    EXPECT_EQ(r.skippedTooFewPoints, 1u);
    EXPECT_EQ(r.centresUsed, 0u);
    EXPECT_TRUE(std::isnan(r.baseScore));
    // Marked 0/1 values: a failure's mark 0 equals the background's, so everything is constant.
    o.radiusKm = 30.0;
    o.marked = true;
    std::vector<double> allZero(l.lon.size(), 0.0);
    const auto m = geoBiasScore(l.lon, l.lat, allZero, 0.5, o);
    EXPECT_EQ(m.skippedNoVariance, 5u);
    EXPECT_EQ(m.centresUsed, 0u);
    // No failures: nothing to score.
    const auto none = geoBiasScore(l.lon, l.lat, std::vector<double>(l.lon.size(), 1.0), 0.5, o);
    EXPECT_EQ(none.centresSampled, 0u);
    EXPECT_TRUE(std::isnan(none.relativeScore));
}

TEST(GeoBias, BadInputsAreNamed)
{
    const std::vector<double> lon = {0, 1, 2, 3, 4, 5};
    const std::vector<double> lat = {0, 0, 0, 1, 1, 1};
    const std::vector<double> value = {0, 1, 1, 0, 1, 1};
    const GeoBiasOptions o;
    const auto msg = [&](auto fn)
    {
        return invalidArgumentMessage(fn);
    };
    EXPECT_NE(msg(
                  [&] {
                      geoBiasScore(lon, {0, 0}, value, 0.5, o);
                  })
                  .find("sizes differ"),
              std::string::npos);
    EXPECT_NE(
        msg([&] { geoBiasScore(lon, lat, value, std::vector<bool>(3), o); }).find("3 low flags"),
        std::string::npos);
    auto badLon = lon;
    badLon[2] = std::nan("");
    EXPECT_NE(msg([&] { geoBiasScore(badLon, lat, value, 0.5, o); }).find("lon[2]"),
              std::string::npos);
    auto badLat = lat;
    badLat[4] = 91.0;
    EXPECT_NE(msg([&] { geoBiasScore(lon, badLat, value, 0.5, o); }).find("lat[4] = 91"),
              std::string::npos);
    auto badValue = value;
    badValue[1] = INFINITY;
    EXPECT_NE(msg([&] { geoBiasScore(lon, lat, badValue, 0.5, o); }).find("value[1]"),
              std::string::npos);
    EXPECT_NE(msg([&] { geoBiasScore({}, {}, {}, 0.5, o); }).find("no evaluation points"),
              std::string::npos);
    auto bad = o;
    bad.k = 0;
    EXPECT_NE(msg([&] { geoBiasScore(lon, lat, value, 0.5, bad); }).find("k = 0"),
              std::string::npos);
    bad = o;
    bad.radiusKm = 0.0;
    EXPECT_NE(msg([&] { geoBiasScore(lon, lat, value, 0.5, bad); }).find("radius = 0"),
              std::string::npos);
    bad.radiusKm = -3.0;
    EXPECT_NE(msg([&] { geoBiasScore(lon, lat, value, 0.5, bad); }).find("radius = -3"),
              std::string::npos);
    bad = o;
    bad.backgroundSpacingKm = -1.0;
    EXPECT_NE(msg([&] { geoBiasScore(lon, lat, value, 0.5, bad); }).find("background spacing"),
              std::string::npos);
    bad = o;
    bad.numCentres = 0;
    EXPECT_NE(msg([&] { geoBiasScore(lon, lat, value, 0.5, bad); }).find("number of centres"),
              std::string::npos);
    bad = o;
    bad.backgroundSpacingKm = 0.01; // 500 km radius: billions of background points
    EXPECT_NE(msg([&] { geoBiasScore(lon, lat, value, 0.5, bad); }).find("larger spacing"),
              std::string::npos);
    // The primitives.
    EXPECT_NE(msg(
                  [&] {
                      knnNeighbours({0, 1, 2}, {0, 1}, 1);
                  })
                  .find("2 y coordinates"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      knnNeighbours({0, 1, 2}, {0, 1, 2}, 0);
                  })
                  .find("k = 0"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      knnNeighbours({0, 1, 2}, {0, 1, 2}, 3);
                  })
                  .find("at least k + 1 = 4"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      knnNeighbours({0, INFINITY}, {0, 1}, 1);
                  })
                  .find("x[1]"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      spatialSelfInformation({1, 2, 3}, NeighbourLists(3));
                  })
                  .find("at least 4"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      spatialSelfInformation({1, 2, 3, 4}, {{1}, {2}, {2}, {0}});
                  })
                  .find("row 2"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      spatialSelfInformation({1, 2, 3, 4}, {{1, 1}, {2}, {3}, {0}});
                  })
                  .find("row 0"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      spatialSelfInformation({1, 2, 3, 4}, {{7}, {2}, {3}, {0}});
                  })
                  .find("out of range"),
              std::string::npos);
    EXPECT_NE(msg(
                  [&] {
                      spatialSelfInformation({1, 2, 3, 4}, NeighbourLists(2));
                  })
                  .find("2 rows for 4 marks"),
              std::string::npos);
}

} // namespace
