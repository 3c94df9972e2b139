// SPDX-License-Identifier: MIT
// Ridge probe of the Geo Feature protocol (science.md §5.6) against an independent computation:
// numpy (sklearn is not installed) re-doing sklearn's RidgeCV(cv=KFold(10)) protocol with MinMax
// scaling and ridge solved by least squares on the augmented system [X 1; sqrt(a) I 0].
#include <geoinr/core/error.h>
#include <geoinr/core/ridge_probe.h>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace
{

using geoinr::core::kFoldStarts;
using geoinr::core::RidgeProbe;
using geoinr::core::RidgeProbeOptions;
using geoinr::core::RidgeProbeResult;

constexpr std::int64_t kDim = 4;

/** Rows [lo, hi) of the synthetic problem (the same formulas as the numpy script): features of
 *  different scales, a linear target plus a deterministic "noise" term. */
struct Rows
{
    std::vector<float> x;
    std::vector<double> y;
    std::int64_t n = 0;
};

Rows syntheticRows(int lo, int hi)
{
    Rows r;
    for (int i = lo; i < hi; ++i)
    {
        std::vector<double> row;
        for (int j = 0; j < kDim; ++j)
        {
            const auto v =
                static_cast<float>(std::sin(0.37 * (i + 1) * (j + 1) + 0.5 * j) * (j + 1));
            r.x.push_back(v);
            row.push_back(static_cast<double>(v));
        }
        r.y.push_back(0.3 * row[0] - 0.2 * row[1] + 0.05 * row[2] + 0.1 * row[3] +
                      0.3 * std::sin(2.1 * i));
        ++r.n;
    }
    return r;
}

/** Feeds train rows in chunks of `chunk` (crossing fold boundaries) and solves. */
RidgeProbeResult probe(const Rows& train, const Rows& test, RidgeProbeOptions options,
                       std::int64_t chunk, bool testFirst = false)
{
    RidgeProbe p(kDim, train.n, std::move(options));
    if (testFirst)
    {
        p.addTestRows(test.x.data(), test.y.data(), test.n);
    }
    for (std::int64_t s = 0; s < train.n; s += chunk)
    {
        const auto m = std::min(chunk, train.n - s);
        p.addTrainRows(train.x.data() + s * kDim, train.y.data() + s, m);
    }
    if (!testFirst)
    {
        p.addTestRows(test.x.data(), test.y.data(), test.n);
    }
    return p.solve();
}

template <typename F> std::string errorOf(F&& f)
{
    try
    {
        f();
    }
    catch (const geoinr::InvalidArgument& e)
    {
        return e.what();
    }
    return "no error";
}

TEST(RidgeProbe, FoldBoundariesAreSklearnKFold)
{
    // KFold: n // k rows per fold, the first n % k folds one more.
    EXPECT_EQ(kFoldStarts(53, 10),
              (std::vector<std::int64_t>{0, 6, 12, 18, 23, 28, 33, 38, 43, 48, 53}));
    EXPECT_EQ(kFoldStarts(10, 3), (std::vector<std::int64_t>{0, 4, 7, 10}));
    EXPECT_EQ(kFoldStarts(20, 10),
              (std::vector<std::int64_t>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20}));
    EXPECT_NE(errorOf([] { kFoldStarts(9, 10); }).find("at least 10 train rows"),
              std::string::npos);
    EXPECT_NE(errorOf([] { kFoldStarts(9, 1); }).find("folds"), std::string::npos);
}

TEST(RidgeProbe, FitRidgeMatchesAugmentedLeastSquares)
{
    const auto rows = syntheticRows(0, 53);
    std::vector<double> x(rows.x.begin(), rows.x.end());
    const auto fit = geoinr::core::fitRidge(x.data(), rows.y.data(), rows.n, kDim, 0.5);
    // numpy lstsq on [X 1; sqrt(0.5) I 0] [w; b] = [y; 0].
    const std::vector<double> w = {0.2998927455225697, -0.1950586676288144, 0.0497041481860833,
                                   0.09761823656205548};
    for (std::size_t j = 0; j < w.size(); ++j)
    {
        EXPECT_NEAR(fit.weights[j], w[j], 1e-12) << j;
    }
    EXPECT_NEAR(fit.intercept, 0.004251287398822745, 1e-12);
}

TEST(RidgeProbe, FoldScoresSelectionAndRefitMatchNumpy)
{
    const auto train = syntheticRows(0, 53), test = syntheticRows(53, 73);
    RidgeProbeOptions o; // alphas 0.1, 1, 10; 10 folds; MinMax scaling
    for (std::int64_t chunk : {53, 7, 1})
    {
        const auto r = probe(train, test, o, chunk, chunk == 1);
        // numpy: fold R² at alpha 1 and the mean fold R² per alpha; 1 wins (0.6131 > 0.5813).
        const std::vector<double> folds1 = {
            0.8226649498883893, 0.7599028716182374,   0.6608239609542248, 0.8108432975809591,
            0.7543061137398868, -0.25811572299488517, 0.7922617043624952, 0.5808621949638416,
            0.7690875490938376, 0.43881944940321305};
        ASSERT_EQ(r.foldR2.size(), 3U);
        for (std::size_t f = 0; f < folds1.size(); ++f)
        {
            EXPECT_NEAR(r.foldR2[1][f], folds1[f], 1e-9) << "chunk " << chunk << " fold " << f;
        }
        EXPECT_NEAR(r.meanFoldR2[0], 0.5813378320842182, 1e-9);
        EXPECT_NEAR(r.meanFoldR2[1], 0.61314563686102, 1e-9);
        EXPECT_NEAR(r.meanFoldR2[2], 0.32740405095389036, 1e-9);
        EXPECT_EQ(r.alphaIndex, 1U);
        EXPECT_EQ(r.alpha, 1.0);
        // Refit on all 53 train rows at alpha 1, on MinMax-scaled features.
        const std::vector<double> w = {0.5236240454942485, -0.6807055085969104, 0.2573830596689217,
                                       0.6780125135038781};
        for (std::size_t j = 0; j < w.size(); ++j)
        {
            EXPECT_NEAR(r.weights[j], w[j], 1e-9) << j;
        }
        EXPECT_NEAR(r.intercept, -0.3861578729013656, 1e-9);
        EXPECT_NEAR(r.trainR2, 0.8110541489724259, 1e-9);
        EXPECT_NEAR(r.testR2, 0.8257923741565161, 1e-9);
        EXPECT_EQ(r.trainRows, 53);
        EXPECT_EQ(r.testRows, 20);
    }
    // Another grid: 0.03 wins (mean fold R² 0.57604 against 0.57342 at 3 and 0.02612 at 30).
    o.alphas = {3.0, 0.03, 30.0};
    const auto r = probe(train, test, o, 10);
    EXPECT_EQ(r.alphaIndex, 1U);
    EXPECT_NEAR(r.meanFoldR2[1], 0.5760374066768311, 1e-9);
    EXPECT_NEAR(r.meanFoldR2[2], 0.026120947673632034, 1e-9);
    EXPECT_NEAR(r.foldR2[2][7], -0.37587289961697956, 1e-9);
    EXPECT_NEAR(r.testR2, 0.8448010244397882, 1e-9);
    EXPECT_NEAR(r.trainR2, 0.8253248636451488, 1e-9);
}

TEST(RidgeProbe, TiesSelectTheFirstAlpha)
{
    const auto train = syntheticRows(0, 53), test = syntheticRows(53, 73);
    RidgeProbeOptions o;
    o.alphas = {10.0, 1.0, 1.0};
    auto r = probe(train, test, o, 53);
    EXPECT_EQ(r.alphaIndex, 1U);
    EXPECT_EQ(r.meanFoldR2[1], r.meanFoldR2[2]);
    o.alphas = {1.0, 1.0};
    r = probe(train, test, o, 53);
    EXPECT_EQ(r.alphaIndex, 0U);
}

TEST(RidgeProbe, NoiselessLinearTargetIsRecovered)
{
    // y = 2 + 0.5 x0 - 3 x1 + x2 + 0 x3 exactly (in double, from the float features).
    auto train = syntheticRows(0, 200), test = syntheticRows(200, 260);
    for (auto* rows : {&train, &test})
    {
        for (std::int64_t i = 0; i < rows->n; ++i)
        {
            const float* x = rows->x.data() + i * kDim;
            rows->y[static_cast<std::size_t>(i)] = 2.0 + 0.5 * x[0] - 3.0 * x[1] + x[2];
        }
    }
    RidgeProbeOptions o;
    o.alphas = {1e-8};
    o.minMaxScale = false;
    const auto r = probe(train, test, o, 64);
    EXPECT_GT(r.testR2, 1.0 - 1e-12);
    EXPECT_LE(r.testR2, 1.0);
    EXPECT_GT(r.trainR2, 1.0 - 1e-12);
    const std::vector<double> w = {0.5, -3.0, 1.0, 0.0};
    for (std::size_t j = 0; j < w.size(); ++j)
    {
        EXPECT_NEAR(r.weights[j], w[j], 1e-7) << j;
    }
    EXPECT_NEAR(r.intercept, 2.0, 1e-7);
    for (double s : r.meanFoldR2)
    {
        EXPECT_GT(s, 1.0 - 1e-12);
    }
}

TEST(RidgeProbe, ConstantPredictorScoresZero)
{
    // The mean of the truth as prediction: SSE = SST, R² = 0; a perfect one: 1.
    const std::vector<double> truth = {0.1, 0.4, 0.35, 0.9, 0.0};
    const double mean = (0.1 + 0.4 + 0.35 + 0.9 + 0.0) / 5.0;
    EXPECT_NEAR(geoinr::core::ridgeR2(truth, std::vector<double>(5, mean)), 0.0, 1e-15);
    EXPECT_EQ(geoinr::core::ridgeR2(truth, truth), 1.0);
    // R² is not bounded below: predicting 1 everywhere. SSE = 0.81+0.36+0.4225+0.01+1 = 2.6025,
    // SST = Σ(y - 0.35)² = 0.0625+0.0025+0+0.3025+0.1225 = 0.49.
    EXPECT_NEAR(geoinr::core::ridgeR2(truth, std::vector<double>(5, 1.0)), 1.0 - 2.6025 / 0.49,
                1e-12);
    // sklearn's force_finite for constant truth.
    EXPECT_EQ(geoinr::core::ridgeR2({0.5, 0.5}, {0.5, 0.5}), 1.0);
    EXPECT_EQ(geoinr::core::ridgeR2({0.5, 0.5}, {0.4, 0.5}), 0.0);
    // A huge alpha shrinks the weights to 0: the refit predicts the train mean, R² 0 on train.
    const auto train = syntheticRows(0, 53), test = syntheticRows(53, 73);
    RidgeProbeOptions o;
    o.alphas = {1e14};
    const auto r = probe(train, test, o, 53);
    EXPECT_NEAR(r.trainR2, 0.0, 1e-9);
    double ybar = 0.0;
    for (double y : train.y)
    {
        ybar += y;
    }
    EXPECT_NEAR(r.intercept, ybar / 53.0, 1e-9);
}

TEST(RidgeProbe, BadInputIsRejected)
{
    const auto train = syntheticRows(0, 20), test = syntheticRows(20, 25);
    RidgeProbeOptions o;
    o.alphas = {0.0};
    EXPECT_NE(errorOf([&] { RidgeProbe(kDim, 20, o); }).find("alpha"), std::string::npos);
    o.alphas = {};
    EXPECT_NE(errorOf([&] { RidgeProbe(kDim, 20, o); }).find("alphas"), std::string::npos);
    o = RidgeProbeOptions{};
    EXPECT_NE(errorOf([&] { RidgeProbe(kDim, 5, o); }).find("at least 10 train rows"),
              std::string::npos);
    {
        RidgeProbe p(kDim, 19, o);
        EXPECT_NE(errorOf([&] { p.addTrainRows(train.x.data(), train.y.data(), 20); })
                      .find("19 train rows announced"),
                  std::string::npos);
    }
    {
        RidgeProbe p(kDim, 20, o);
        p.addTrainRows(train.x.data(), train.y.data(), 10);
        p.addTestRows(test.x.data(), test.y.data(), test.n);
        EXPECT_NE(errorOf([&] { (void)p.solve(); }).find("20 train rows announced, got 10"),
                  std::string::npos);
    }
    {
        RidgeProbe p(kDim, 20, o);
        p.addTrainRows(train.x.data(), train.y.data(), 20);
        EXPECT_NE(errorOf([&] { (void)p.solve(); }).find("no test rows"), std::string::npos);
        auto x = test.x;
        x[6] = NAN;
        EXPECT_NE(errorOf([&] { p.addTestRows(x.data(), test.y.data(), test.n); })
                      .find("feature 2 of test row 1 is not finite"),
                  std::string::npos);
    }
}

} // namespace
