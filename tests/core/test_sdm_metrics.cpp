// SPDX-License-Identifier: MIT
// Presence-only and threshold metrics (Boyce, omission, TSS, kappa) and CV folds against hand
// computations: ties, single-class and empty inputs, argument errors.
#include <geoinr/core/error.h>
#include <geoinr/core/sdm_metrics.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace
{

using geoinr::InvalidArgument;
using geoinr::core::cohensKappa;
using geoinr::core::confusionAt;
using geoinr::core::ConfusionCounts;
using geoinr::core::continuousBoyceIndex;
using geoinr::core::maxTssThreshold;
using geoinr::core::minimumTrainingPresenceThreshold;
using geoinr::core::omissionRate;
using geoinr::core::presenceQuantileThreshold;
using geoinr::core::randomKFolds;
using geoinr::core::spatialBlockFolds;
using geoinr::core::trueSkillStatistic;

constexpr double kInf = std::numeric_limits<double>::infinity();

/** Runs `f`, expects InvalidArgument and returns its message. */
template <typename F> std::string invalidArgumentMessage(F&& f)
{
    try
    {
        f();
    }
    catch (const InvalidArgument& e)
    {
        return e.what();
    }
    ADD_FAILURE() << "expected InvalidArgument";
    return {};
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// Continuous Boyce index

TEST(SdmBoyce, HandComputedWithEmptyWindowAndTiedRatios)
{
    // Background 0,1,2,6,7,8 (n = 6), range 0..8; width 0.125 * 8 = 1; 5 windows, step
    // (8 - 0 - 1) / 4 = 1.75: [0,1] [1.75,2.75] [3.5,4.5] [5.25,6.25] [7,8].
    // E = 2, 1, 0, 1, 2 -> the window [3.5,4.5] is dropped (its presence at 4 has no background).
    // Presences (n = 15): 0,0,1,1 | 2 | 4 | 6,6 | 7,7,8,8,8,8 and 5 (in no window).
    // F = (P/15)/(E/6): 0.8, 0.4, -, 0.8, 1.2 (no consecutive duplicates).
    // Spearman: x ranks 1,2,3,4; F ranks 2.5,1,2.5,4; centred x -1.5,-.5,.5,1.5 and
    // F 0,-1.5,0,1.5: sum xy = 3, sum xx = 5, sum yy = 4.5 -> 3 / sqrt(22.5).
    const std::vector<double> background = {0, 1, 2, 6, 7, 8};
    const std::vector<double> presences = {0, 0, 1, 1, 2, 4, 6, 6, 7, 7, 8, 8, 8, 8, 5};
    EXPECT_NEAR(continuousBoyceIndex(presences, background, 5, 0.125), 3.0 / std::sqrt(22.5),
                1e-12);
}

TEST(SdmBoyce, RunsOfEqualRatiosKeepTheirLastWindow)
{
    // As above with a second presence at 2 (n = 16): F = (P/16)/(E/6) = 0.75, 0.75, -, 0.75,
    // 1.125. The run 0.75, 0.75, 0.75 keeps only its last window: (5.25, 0.75), (7, 1.125) ->
    // Spearman 1. Without the removal it would be 3 / sqrt(15) = 0.775.
    const std::vector<double> background = {0, 1, 2, 6, 7, 8};
    const std::vector<double> presences = {0, 0, 1, 1, 2, 2, 4, 6, 6, 7, 7, 8, 8, 8, 8, 5};
    EXPECT_NEAR(continuousBoyceIndex(presences, background, 5, 0.125), 1.0, 1e-12);
}

TEST(SdmBoyce, IncreasingRatioGivesOneAndDecreasingMinusOne)
{
    // Background 0..4 (n = 5); width 0.25 * 4 = 1; 5 windows, step 0.75: [0,1] [0.75,1.75]
    // [1.5,2.5] [2.25,3.25] [3,4] with E = 2, 1, 1, 1, 2.
    const std::vector<double> background = {0, 1, 2, 3, 4};
    // Presences 1, 2x2, 3x3, 4x4 (n = 10): P = 1, 1, 2, 3, 7 -> F = P/(2E) = .25 .5 1 1.5 1.75.
    const std::vector<double> rising = {1, 2, 2, 3, 3, 3, 4, 4, 4, 4};
    EXPECT_NEAR(continuousBoyceIndex(rising, background, 5, 0.25), 1.0, 1e-12);
    // Presences 0x4, 1x3, 2x2, 3 (n = 10): P = 7, 3, 2, 1, 1 -> F = 1.75 1.5 1 .5 .25.
    const std::vector<double> falling = {0, 0, 0, 0, 1, 1, 1, 2, 2, 3};
    EXPECT_NEAR(continuousBoyceIndex(falling, background, 5, 0.25), -1.0, 1e-12);
}

TEST(SdmBoyce, WindowsSpanPresencesOutsideTheBackgroundRange)
{
    // ecospat's range is min/max of background and presences together: presence 8 makes it 0..8
    // (width stays 0.25 * (4 - 0) = 1), step (8 - 1) / 4 = 1.75: [0,1] [1.75,2.75] [3.5,4.5]
    // [5.25,6.25] [7,8], E = 2, 1, 1, 0, 0. P = 1, 2, 3 -> F rises -> 1. (Over the background
    // range alone, windows [0,1] [.75,1.75] [1.5,2.5] [2.25,3.25] [3,4] give 2/sqrt(95) = 0.205.)
    const std::vector<double> background = {0, 1, 2, 3, 4};
    const std::vector<double> presences = {0, 2, 2, 4, 4, 4, 8};
    EXPECT_NEAR(continuousBoyceIndex(presences, background, 5, 0.25), 1.0, 1e-12);
}

TEST(SdmBoyce, LastWindowKeepsTheTopScoreDespiteRounding)
{
    // Range 0.7..2.4, width 0.2 * 1.7 = 0.34, 5 windows, step 0.34: [0.7,1.04] [1.04,1.38]
    // [1.38,1.72] [1.72,2.06] [2.06,2.4]. In floating point the last window's start + width is
    // 2.3999999999999995 < 2.4, which would lose the top score 2.4.
    // E = 2, 1, 1, 1, 2 and P = 1, 2, 3, 4, 10 -> F = P/E rises -> 1. (Without 2.4 in the last
    // window: P = 0 there, F = .5 2 3 4 0 -> Spearman 1 - 6 * 20 / (5 * 24) = 0.)
    const std::vector<double> background = {0.7, 0.8, 1.2, 1.5, 1.9, 2.2, 2.4};
    std::vector<double> presences = {0.8, 1.2, 1.2, 1.5, 1.5, 1.5, 1.9, 1.9, 1.9, 1.9};
    presences.insert(presences.end(), 10, 2.4);
    EXPECT_NEAR(continuousBoyceIndex(presences, background, 5, 0.2), 1.0, 1e-12);
}

TEST(SdmBoyce, DefaultWindowsOnGradedPresenceDensity)
{
    // Background uniform on 0..1 (1001 points); presences at the quantiles of the density 2s
    // (rising) or 2(1 - s) (falling). The P/E ratio follows the density, up to count noise.
    std::vector<double> background, rising, falling;
    for (int i = 0; i <= 1000; ++i)
    {
        background.push_back(i / 1000.0);
    }
    for (int j = 0; j < 200; ++j)
    {
        rising.push_back(std::sqrt((j + 0.5) / 200.0));
        falling.push_back(1.0 - rising.back());
    }
    // An independent re-implementation gives 0.99830 and -0.99851 (ecospat itself: 0.99822 and
    // -0.99851).
    EXPECT_NEAR(continuousBoyceIndex(rising, background), 0.99830, 1e-4);
    EXPECT_NEAR(continuousBoyceIndex(falling, background), -0.99851, 1e-4);
}

TEST(SdmBoyce, UndefinedCasesAreNaN)
{
    const std::vector<double> background = {0, 1, 2, 3, 4};
    EXPECT_TRUE(std::isnan(continuousBoyceIndex({}, background)));         // no presence
    EXPECT_TRUE(std::isnan(continuousBoyceIndex({1.0}, {2.0, 2.0, 2.0}))); // constant background
    // Presences spread like the background: F = 1 everywhere, one window left after the run
    // removal -> no correlation.
    EXPECT_TRUE(std::isnan(continuousBoyceIndex(background, background, 5, 0.25)));
}

TEST(SdmBoyce, BadArgumentsNameTheProblem)
{
    const std::vector<double> background = {0, 1, 2, 3, 4};
    EXPECT_TRUE(contains(invalidArgumentMessage([&] { continuousBoyceIndex({1}, background, 1); }),
                         "numWindows is 1"));
    EXPECT_TRUE(
        contains(invalidArgumentMessage([&] { continuousBoyceIndex({1}, background, 101, 0.0); }),
                 "windowWidth is 0"));
    EXPECT_THROW(continuousBoyceIndex({1}, background, 101, 1.5), InvalidArgument);
    EXPECT_THROW(continuousBoyceIndex({1}, background, 101, NAN), InvalidArgument);
    EXPECT_TRUE(contains(invalidArgumentMessage([&] { continuousBoyceIndex({1}, {}); }),
                         "no background score"));
    EXPECT_TRUE(contains(invalidArgumentMessage(
                             [&] {
                                 continuousBoyceIndex({1, NAN}, background);
                             }),
                         "presence score 1 is nan"));
    EXPECT_TRUE(contains(invalidArgumentMessage(
                             [&] {
                                 continuousBoyceIndex({1}, {0, kInf});
                             }),
                         "background score 1 is inf"));
}

// ---------------------------------------------------------------------------------------------
// Omission rate and training presence thresholds

TEST(SdmThresholds, OmissionRateCountsScoresStrictlyBelow)
{
    const std::vector<double> test = {0.1, 0.2, 0.3, 0.4};
    EXPECT_DOUBLE_EQ(omissionRate(test, 0.3), 0.5);  // 0.1 and 0.2; 0.3 is kept (>=)
    EXPECT_DOUBLE_EQ(omissionRate(test, 0.05), 0.0); // none
    EXPECT_DOUBLE_EQ(omissionRate(test, 0.45), 1.0); // all
    EXPECT_DOUBLE_EQ(omissionRate(test, 0.25), 0.5);
    EXPECT_TRUE(std::isnan(omissionRate({}, 0.5))); // no test presence
    EXPECT_TRUE(contains(invalidArgumentMessage(
                             [] {
                                 omissionRate({0.1, NAN}, 0.5);
                             }),
                         "test presence score 1 is NaN"));
    EXPECT_TRUE(
        contains(invalidArgumentMessage([] { omissionRate({0.1}, NAN); }), "threshold is NaN"));
}

TEST(SdmThresholds, MinimumTrainingPresence)
{
    EXPECT_DOUBLE_EQ(minimumTrainingPresenceThreshold({0.7, -1.25, 3.0, -1.0}), -1.25); // logits
    EXPECT_DOUBLE_EQ(minimumTrainingPresenceThreshold({0.4}), 0.4);
    // With it, the training presences themselves are never omitted.
    const std::vector<double> train = {0.3, 0.9, 0.5};
    EXPECT_DOUBLE_EQ(omissionRate(train, minimumTrainingPresenceThreshold(train)), 0.0);
    EXPECT_TRUE(contains(invalidArgumentMessage([] { minimumTrainingPresenceThreshold({}); }),
                         "no training presence score"));
    EXPECT_THROW(minimumTrainingPresenceThreshold({0.2, NAN}), InvalidArgument);
}

TEST(SdmThresholds, TenthPercentileMatchesEnmevalOrderStatistic)
{
    // ENMeval 2 calc.10p.trainThresh: rev(sort(x))[ceiling(0.9 n)] for n >= 10.
    // n = 10: ceiling(9) = 9 -> the 9th largest = the 2nd smallest = 0.2. (R's type-7
    // quantile(x, 0.1) would interpolate: h = 9 * 0.1 + 1 = 1.9 -> 0.1 + 0.9 * (0.2 - 0.1) = 0.19.)
    const std::vector<double> ten = {0.9, 0.1, 0.5, 0.2, 0.7, 0.3, 1.0, 0.4, 0.8, 0.6};
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(ten, 0.9), 0.2);
    EXPECT_DOUBLE_EQ(omissionRate(ten, presenceQuantileThreshold(ten, 0.9)), 0.1);
    // n = 20 (scores 1..20 shuffled): 0.9 -> m = 18 -> 3rd smallest = 3; 0.95 -> m = 19 -> 2;
    // 1.0 -> m = 20 -> the minimum; 0.5 -> m = 10 -> 11.
    const std::vector<double> twenty = {7, 19, 3,  12, 1,  16, 10, 5,  20, 14,
                                        2, 9,  18, 6,  11, 15, 4,  13, 8,  17};
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(twenty, 0.9), 3.0);
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(twenty, 0.95), 2.0);
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(twenty, 1.0),
                     minimumTrainingPresenceThreshold(twenty));
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(twenty, 0.5), 11.0);
    // n = 5: ceil(4.5) = 5 -> the minimum keeps all 5 (ENMeval's floor(4.5) = 4 would keep 4/5,
    // below 90 %).
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold({0.5, 0.1, 0.3, 0.2, 0.4}, 0.9), 0.1);
    // ceil(2.5) = 3 of 5 -> the median.
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold({0.5, 0.1, 0.3, 0.2, 0.4}, 0.5), 0.3);
    // 0.07 * 100 = 7.000000000000001 in floating point: still m = 7 -> of 0..99 the 7th
    // largest, 93 (a plain ceil would take m = 8 -> 92).
    std::vector<double> hundred;
    for (int i = 0; i < 100; ++i)
    {
        hundred.push_back(i);
    }
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(hundred, 0.07), 93.0);
    // A tiny fraction still keeps one presence: the maximum (1e-12 * 100 rounds to m = 0, which
    // is raised to 1).
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(hundred, 1e-6), 99.0);
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold(hundred, 1e-12), 99.0);
}

TEST(SdmThresholds, QuantileThresholdIsTheLargestThatKeepsTheFraction)
{
    // Ties: {1, 1, 1, 2}, keep 0.5 -> m = 2 -> 1 (keeps all 4; t = 2 would keep only 1 < 2).
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold({1, 2, 1, 1}, 0.5), 1.0);
    EXPECT_DOUBLE_EQ(presenceQuantileThreshold({1, 2, 1, 1}, 0.25), 2.0);
    // The defining property on a spread of sizes and fractions.
    for (std::size_t n = 1; n <= 23; ++n)
    {
        std::vector<double> s;
        for (std::size_t i = 0; i < n; ++i)
        {
            s.push_back(static_cast<double>((i * 7) % 11)); // with repeats
        }
        for (double keep : {0.1, 0.33, 0.5, 0.9, 0.95, 1.0})
        {
            const double t = presenceQuantileThreshold(s, keep);
            const auto kept = std::count_if(s.begin(), s.end(), [&](double v) { return v >= t; });
            EXPECT_GE(static_cast<double>(kept), keep * static_cast<double>(n) - 1e-9)
                << "n " << n << " keep " << keep;
            // Any larger score as threshold keeps too few.
            for (double v : s)
            {
                if (v > t)
                {
                    const auto keptAbove =
                        std::count_if(s.begin(), s.end(), [&](double u) { return u >= v; });
                    EXPECT_LT(static_cast<double>(keptAbove), keep * static_cast<double>(n))
                        << "n " << n << " keep " << keep << " v " << v;
                }
            }
        }
    }
}

TEST(SdmThresholds, QuantileThresholdBadArguments)
{
    EXPECT_TRUE(contains(invalidArgumentMessage([] { presenceQuantileThreshold({1.0}, 0.0); }),
                         "keepFraction is 0"));
    EXPECT_THROW(presenceQuantileThreshold({1.0}, 1.01), InvalidArgument);
    EXPECT_THROW(presenceQuantileThreshold({1.0}, NAN), InvalidArgument);
    EXPECT_TRUE(contains(invalidArgumentMessage([] { presenceQuantileThreshold({}, 0.9); }),
                         "no training presence score"));
    EXPECT_THROW(presenceQuantileThreshold({1.0, NAN}, 0.9), InvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Confusion matrix, TSS, kappa

TEST(SdmConfusion, CountsAtThresholdWithTies)
{
    const std::vector<std::uint8_t> y = {1, 0, 1, 0, 1, 0};
    const std::vector<double> s = {0.9, 0.5, 0.5, 0.2, 0.1, 0.7};
    const auto c = confusionAt(y, s, 0.5); // >= 0.5 is presence: items 0, 1, 2, 5
    EXPECT_EQ(c.truePositives, 2u);        // items 0, 2
    EXPECT_EQ(c.falsePositives, 2u);       // items 1, 5
    EXPECT_EQ(c.falseNegatives, 1u);       // item 4
    EXPECT_EQ(c.trueNegatives, 1u);        // item 3
    const auto none = confusionAt(y, s, 2.0);
    EXPECT_EQ(none.truePositives + none.falsePositives, 0u);
    EXPECT_EQ(none.falseNegatives, 3u);
    EXPECT_EQ(none.trueNegatives, 3u);
    EXPECT_TRUE(contains(invalidArgumentMessage(
                             [] {
                                 confusionAt({1, 0}, {0.5}, 0.5);
                             }),
                         "2 labels but 1 scores"));
    EXPECT_THROW(confusionAt({1, 0}, {0.5, NAN}, 0.5), InvalidArgument);
    EXPECT_THROW(confusionAt({1, 0}, {0.5, 0.1}, NAN), InvalidArgument);
}

TEST(SdmConfusion, TextbookKappaAndTss)
{
    // Wikipedia's Cohen's kappa example (50 items): both yes 20, both no 15, rater A yes / B no 5,
    // A no / B yes 10. With A = prediction, B = truth: TP 20, FP 5, FN 10, TN 15.
    // p_o = 35/50 = 0.7; p_e = (25/50)(30/50) + (25/50)(20/50) = 0.3 + 0.2 = 0.5;
    // kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4. TSS = 20/30 + 15/20 - 1 = 5/12.
    const ConfusionCounts c{20, 5, 10, 15};
    EXPECT_NEAR(cohensKappa(c), 0.4, 1e-15);
    EXPECT_NEAR(trueSkillStatistic(c), 5.0 / 12.0, 1e-15);
    // The same table from labels and scores.
    std::vector<std::uint8_t> y;
    std::vector<double> s;
    const auto add = [&](int count, std::uint8_t label, double score)
    {
        for (int i = 0; i < count; ++i)
        {
            y.push_back(label);
            s.push_back(score);
        }
    };
    add(20, 1, 0.8);
    add(5, 0, 0.6);
    add(10, 1, 0.4);
    add(15, 0, 0.2);
    const auto fromScores = confusionAt(y, s, 0.5);
    EXPECT_NEAR(cohensKappa(fromScores), 0.4, 1e-15);
    EXPECT_NEAR(trueSkillStatistic(fromScores), 5.0 / 12.0, 1e-15);
}

TEST(SdmConfusion, PerfectInvertedAndChanceTables)
{
    EXPECT_DOUBLE_EQ(cohensKappa({7, 0, 0, 3}), 1.0);
    EXPECT_DOUBLE_EQ(trueSkillStatistic({7, 0, 0, 3}), 1.0);
    // Inverted, balanced: kappa = 2(0 - 25) / (5*5 + 5*5) = -1; TSS = 0 + 0 - 1.
    EXPECT_DOUBLE_EQ(cohensKappa({0, 5, 5, 0}), -1.0);
    EXPECT_DOUBLE_EQ(trueSkillStatistic({0, 5, 5, 0}), -1.0);
    // Predicting presence everywhere: sensitivity 1, specificity 0 -> TSS 0; kappa 0.
    EXPECT_DOUBLE_EQ(trueSkillStatistic({4, 6, 0, 0}), 0.0);
    EXPECT_DOUBLE_EQ(cohensKappa({4, 6, 0, 0}), 0.0);
    // Independent table (rows proportional): TP 6 FP 4 FN 3 TN 2 -> p_o = 8/15,
    // p_e = (10/15)(9/15) + (5/15)(6/15) = 120/225 = 8/15 -> kappa 0. TSS = 6/9 + 2/6 - 1 = 0.
    EXPECT_NEAR(cohensKappa({6, 4, 3, 2}), 0.0, 1e-15);
    EXPECT_NEAR(trueSkillStatistic({6, 4, 3, 2}), 0.0, 1e-15);
}

TEST(SdmConfusion, SingleClassAndEmptyAreNaN)
{
    // All-negative labels: sensitivity undefined.
    EXPECT_TRUE(std::isnan(trueSkillStatistic({0, 2, 0, 3})));
    // All-positive labels: specificity undefined.
    EXPECT_TRUE(std::isnan(trueSkillStatistic({3, 0, 2, 0})));
    EXPECT_TRUE(std::isnan(trueSkillStatistic({})));
    EXPECT_TRUE(std::isnan(cohensKappa({})));
    // Labels and predictions all absent (p_e = 1): kappa undefined.
    EXPECT_TRUE(std::isnan(cohensKappa({0, 0, 0, 5})));
    EXPECT_TRUE(std::isnan(cohensKappa({5, 0, 0, 0})));
    // All-negative labels but some predicted presences: p_o = p_e = 3/5 -> kappa 0 (defined).
    EXPECT_DOUBLE_EQ(cohensKappa({0, 2, 0, 3}), 0.0);
}

TEST(SdmConfusion, MaxTssOnSmallExample)
{
    // Descending: .9+ .8- .7+ .6+ .4- .3- .2+ .1-   (P = N = 4)
    // t = .9: sens 1/4, spec 4/4 -> .25; .8: .25 + .75 - 1 = 0; .7: .5 + .75 - 1 = .25;
    // .6: .75 + .75 - 1 = .5; .4: .75 + .5 - 1 = .25; .3: 0; .2: 1 + .25 - 1 = .25; .1: 0.
    const std::vector<std::uint8_t> y = {0, 1, 1, 0, 1, 1, 0, 0};
    const std::vector<double> s = {0.3, 0.6, 0.9, 0.1, 0.2, 0.7, 0.8, 0.4};
    const auto best = maxTssThreshold(y, s);
    EXPECT_DOUBLE_EQ(best.threshold, 0.6);
    EXPECT_DOUBLE_EQ(best.value, 0.5);
    EXPECT_DOUBLE_EQ(trueSkillStatistic(confusionAt(y, s, best.threshold)), best.value);
}

TEST(SdmConfusion, MaxTssTiesAndTiedScores)
{
    // .9+ .5- .3+ .1-: t = .9 -> .5 + 1 - 1 = .5; .5 -> 0; .3 -> 1 + .5 - 1 = .5; .1 -> 0.
    // Tie between .9 and .3: the smaller threshold, .3.
    const auto tie = maxTssThreshold({1, 0, 1, 0}, {0.9, 0.5, 0.3, 0.1});
    EXPECT_DOUBLE_EQ(tie.threshold, 0.3);
    EXPECT_DOUBLE_EQ(tie.value, 0.5);
    // Tied scores move together: .8+ then {.5+, .5-} then .2-. t = .8 -> .5 + 1 - 1 = .5;
    // t = .5 -> 1 + .5 - 1 = .5 (counting only the .5 presence would give 1); t = .2 -> 0.
    const auto grouped = maxTssThreshold({1, 0, 0, 1}, {0.5, 0.5, 0.2, 0.8});
    EXPECT_DOUBLE_EQ(grouped.threshold, 0.5);
    EXPECT_DOUBLE_EQ(grouped.value, 0.5);
    // Perfect separation: the lowest presence score.
    const auto perfect = maxTssThreshold({0, 1, 0, 1}, {-2.0, 3.0, -1.0, 0.5});
    EXPECT_DOUBLE_EQ(perfect.threshold, 0.5);
    EXPECT_DOUBLE_EQ(perfect.value, 1.0);
}

TEST(SdmConfusion, MaxTssUndefinedAndBadInputs)
{
    const auto allNegative = maxTssThreshold({0, 0, 0}, {0.1, 0.5, 0.9});
    EXPECT_TRUE(std::isnan(allNegative.threshold));
    EXPECT_TRUE(std::isnan(allNegative.value));
    const auto allPositive = maxTssThreshold({1, 1}, {0.1, 0.5});
    EXPECT_TRUE(std::isnan(allPositive.threshold));
    EXPECT_TRUE(std::isnan(allPositive.value));
    EXPECT_TRUE(contains(invalidArgumentMessage([] { maxTssThreshold({}, {}); }), "no score"));
    EXPECT_THROW(maxTssThreshold({1, 0}, {0.5}), InvalidArgument);
    EXPECT_TRUE(contains(invalidArgumentMessage(
                             [] {
                                 maxTssThreshold({1, 0}, {NAN, 0.5});
                             }),
                         "score 0 is NaN"));
}

// ---------------------------------------------------------------------------------------------
// Cross-validation folds

std::vector<std::size_t> foldSizes(const std::vector<int>& folds, int k)
{
    std::vector<std::size_t> sizes(static_cast<std::size_t>(k), 0);
    for (int f : folds)
    {
        EXPECT_GE(f, 0);
        EXPECT_LT(f, k);
        if (f >= 0 && f < k)
        {
            ++sizes[static_cast<std::size_t>(f)];
        }
    }
    return sizes;
}

TEST(SdmFolds, RandomKFoldsMatchAnIndependentMt19937_64)
{
    // From a Python re-implementation of std::mt19937_64 (checked against the standard's values:
    // first draw of seed 5489 = 14514284786278117030, 10000th = 9981545732273789042), rejection
    // sampling below (2^64 mod bound) and the downward Fisher-Yates of [i mod k].
    EXPECT_EQ(randomKFolds(10, 3, 42), (std::vector<int>{1, 1, 0, 0, 0, 2, 1, 2, 2, 0}));
    EXPECT_EQ(randomKFolds(10, 3, 43), (std::vector<int>{2, 1, 0, 2, 1, 1, 2, 0, 0, 0}));
    EXPECT_EQ(randomKFolds(7, 2, 0), (std::vector<int>{0, 0, 1, 0, 0, 1, 1}));
}

TEST(SdmFolds, RandomKFoldsAreBalancedAndDeterministic)
{
    for (std::size_t n : {2u, 5u, 10u, 97u, 1000u})
    {
        for (int k : {2, 3, 5, 10})
        {
            if (static_cast<std::size_t>(k) > n)
            {
                continue;
            }
            const auto folds = randomKFolds(n, k, 2024);
            ASSERT_EQ(folds.size(), n);
            const auto sizes = foldSizes(folds, k);
            const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
            EXPECT_GE(*lo, 1u) << "n " << n << " k " << k;
            EXPECT_LE(*hi - *lo, 1u) << "n " << n << " k " << k;
            EXPECT_EQ(randomKFolds(n, k, 2024), folds);
        }
    }
    EXPECT_NE(randomKFolds(1000, 5, 1), randomKFolds(1000, 5, 2));
    // Shuffled, not the unshuffled i mod k.
    const auto folds = randomKFolds(1000, 5, 1);
    std::size_t inPlace = 0;
    for (std::size_t i = 0; i < folds.size(); ++i)
    {
        inPlace += folds[i] == static_cast<int>(i % 5) ? 1 : 0;
    }
    EXPECT_LT(inPlace, 300u); // about 200 expected by chance
}

TEST(SdmFolds, RandomKFoldsBadArguments)
{
    EXPECT_TRUE(contains(invalidArgumentMessage([] { randomKFolds(10, 1, 0); }),
                         "k is 1, expected at least 2"));
    EXPECT_TRUE(contains(invalidArgumentMessage([] { randomKFolds(3, 4, 0); }),
                         "k is 4, expected at most the number of points (3)"));
    EXPECT_THROW(randomKFolds(0, 2, 0), InvalidArgument);
    EXPECT_THROW(randomKFolds(10, -3, 0), InvalidArgument);
}

// Five 10-degree blocks: (lat row, lon col) (7,21): points 10, 11; (9,18): 0, 1, 2;
// (9,19): 3, 4; (9,20): 5; (13,17): 6, 7, 8, 9.
const std::vector<double> kLon = {1.0,  2.5,  9.9,  12.0, 15.0, 25.0,
                                  -5.0, -1.0, -9.5, -3.0, 31.0, 39.9};
const std::vector<double> kLat = {1.0,  5.0,  9.9,  1.0,  8.0,   5.0,
                                  45.0, 41.0, 49.0, 44.0, -20.0, -11.0};

TEST(SdmFolds, SpatialBlocksMatchAnIndependentImplementation)
{
    // Python re-implementation: blocks in (row, col) order shuffled as in randomKFolds, each to
    // the fold with the fewest points (lowest id on ties). Seed 7: fold sizes 5, 3, 4.
    EXPECT_EQ(spatialBlockFolds(kLon, kLat, 10.0, 3, 7),
              (std::vector<int>{0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 0, 0}));
    // Seed 8: fold sizes 3, 6, 3.
    EXPECT_EQ(spatialBlockFolds(kLon, kLat, 10.0, 3, 8),
              (std::vector<int>{0, 0, 0, 2, 2, 2, 1, 1, 1, 1, 1, 1}));
}

TEST(SdmFolds, SpatialBlocksAreNeverSplitAndFoldsAreBalanced)
{
    // 2000 points on a deterministic scatter over the globe, 15-degree blocks, 5 folds.
    std::vector<double> lon, lat;
    for (int i = 0; i < 2000; ++i)
    {
        lon.push_back(-180.0 + std::fmod(i * 137.50776405, 360.0));
        lat.push_back(-90.0 + std::fmod(i * 61.803398875 + 0.5, 180.0));
    }
    const double block = 15.0;
    const int k = 5;
    const auto folds = spatialBlockFolds(lon, lat, block, k, 11);
    ASSERT_EQ(folds.size(), lon.size());
    std::map<std::pair<double, double>, std::set<int>> foldsOfBlock;
    std::map<std::pair<double, double>, std::size_t> blockSize;
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        const std::pair<double, double> key{std::floor((lat[i] + 90.0) / block),
                                            std::floor((lon[i] + 180.0) / block)};
        foldsOfBlock[key].insert(folds[i]);
        ++blockSize[key];
    }
    for (const auto& [key, set] : foldsOfBlock)
    {
        EXPECT_EQ(set.size(), 1u) << "block " << key.first << "," << key.second << " split";
    }
    std::size_t largestBlock = 0;
    for (const auto& entry : blockSize)
    {
        largestBlock = std::max(largestBlock, entry.second);
    }
    const auto sizes = foldSizes(folds, k);
    const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
    EXPECT_GE(*lo, 1u);
    // Greedy to the lightest fold: the spread never exceeds one block.
    EXPECT_LE(*hi - *lo, largestBlock);
    EXPECT_LT(static_cast<double>(*hi - *lo), 0.1 * 2000.0 / k);
    EXPECT_EQ(spatialBlockFolds(lon, lat, block, k, 11), folds);
    EXPECT_NE(spatialBlockFolds(lon, lat, block, k, 12), folds);
}

TEST(SdmFolds, SpatialBlocksBadArguments)
{
    EXPECT_TRUE(contains(invalidArgumentMessage(
                             [] {
                                 spatialBlockFolds({1.0, 2.0}, {1.0}, 10.0, 2, 0);
                             }),
                         "2 longitudes but 1 latitudes"));
    EXPECT_TRUE(contains(invalidArgumentMessage([] { spatialBlockFolds(kLon, kLat, 0.0, 3, 0); }),
                         "blockSizeDeg is 0"));
    EXPECT_THROW(spatialBlockFolds(kLon, kLat, -5.0, 3, 0), InvalidArgument);
    EXPECT_THROW(spatialBlockFolds(kLon, kLat, NAN, 3, 0), InvalidArgument);
    EXPECT_THROW(spatialBlockFolds(kLon, kLat, kInf, 3, 0), InvalidArgument);
    EXPECT_TRUE(contains(invalidArgumentMessage([] { spatialBlockFolds(kLon, kLat, 10.0, 1, 0); }),
                         "k is 1"));
    EXPECT_THROW(spatialBlockFolds({1.0, 2.0}, {1.0, 2.0}, 10.0, 3, 0), InvalidArgument);
    auto badLon = kLon;
    badLon[4] = NAN;
    EXPECT_TRUE(
        contains(invalidArgumentMessage([&] { spatialBlockFolds(badLon, kLat, 10.0, 3, 0); }),
                 "longitude 4 is nan"));
    auto badLat = kLat;
    badLat[2] = -kInf;
    EXPECT_TRUE(
        contains(invalidArgumentMessage([&] { spatialBlockFolds(kLon, badLat, 10.0, 3, 0); }),
                 "latitude 2 is -inf"));
    // Five blocks cannot fill six folds.
    EXPECT_TRUE(contains(invalidArgumentMessage([] { spatialBlockFolds(kLon, kLat, 10.0, 6, 0); }),
                         "fall in 5 blocks"));
}

} // namespace
