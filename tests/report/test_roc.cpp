// SPDX-License-Identifier: MIT
// ROC curves against hand-computed points and core::rocAuc (Mann-Whitney, an independent
// formula), the vertical average, thinning, and histogram binning.
#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/report/roc.h>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace
{

namespace report = geoinr::report;

TEST(RocCurve, HandComputedPointsAndArea)
{
    // Scores descending: + - + - ; each distinct score is one step.
    const auto c = report::rocCurve({1, 0, 1, 0}, {0.9, 0.8, 0.7, 0.1}, "x");
    EXPECT_EQ(c.fpr, (std::vector<double>{0, 0, 0.5, 0.5, 1}));
    EXPECT_EQ(c.tpr, (std::vector<double>{0, 0.5, 0.5, 1, 1}));
    EXPECT_DOUBLE_EQ(c.auc, 0.75);
    EXPECT_EQ(c.label, "x");
    // Ties: one diagonal segment per tied group.
    const auto t = report::rocCurve({1, 0, 1, 0}, {1, 1, 0, 0});
    EXPECT_EQ(t.fpr, (std::vector<double>{0, 0.5, 1}));
    EXPECT_EQ(t.tpr, (std::vector<double>{0, 0.5, 1}));
    EXPECT_DOUBLE_EQ(t.auc, 0.5);
}

TEST(RocCurve, AreaEqualsMannWhitneyAucWithTies)
{
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> score(0, 20); // many ties
    std::bernoulli_distribution label(0.3);
    std::vector<std::uint8_t> labels;
    std::vector<double> scores;
    for (int i = 0; i < 500; ++i)
    {
        const bool y = label(rng);
        labels.push_back(y ? 1 : 0);
        scores.push_back(score(rng) + (y ? 3 : 0));
    }
    const auto c = report::rocCurve(labels, scores);
    EXPECT_NEAR(c.auc, geoinr::core::rocAuc(labels, scores), 1e-12);
    EXPECT_GT(c.auc, 0.6);
    EXPECT_EQ(c.fpr.front(), 0.0);
    EXPECT_EQ(c.tpr.back(), 1.0);
}

TEST(RocCurve, InvalidInputsThrow)
{
    EXPECT_THROW(report::rocCurve({1, 0}, {0.5}), geoinr::InvalidArgument);
    EXPECT_THROW(report::rocCurve({1, 1}, {0.5, 0.2}), geoinr::InvalidArgument);
    EXPECT_THROW(report::rocCurve({1, 0}, {NAN, 0.2}), geoinr::InvalidArgument);
    EXPECT_THROW(report::meanRocCurve({}, "m"), geoinr::InvalidArgument);
}

TEST(RocCurve, MeanIsTheVerticalAverage)
{
    const auto perfect = report::rocCurve({1, 0}, {1, 0}, "perfect");  // (0,0) (0,1) (1,1)
    const auto chance = report::rocCurve({1, 0}, {0, 0}, "chance");    // (0,0) (1,1)
    const auto m = report::meanRocCurve({perfect, chance}, "mean", 5); // x = 0, .25, .5, .75, 1
    ASSERT_EQ(m.fpr.size(), 6u);
    EXPECT_EQ(m.fpr, (std::vector<double>{0, 0, 0.25, 0.5, 0.75, 1}));
    // At x = 0 the perfect curve has risen to 1 (top of its vertical step).
    EXPECT_EQ(m.tpr, (std::vector<double>{0, 0.5, 0.625, 0.75, 0.875, 1}));
    EXPECT_DOUBLE_EQ(m.auc, 0.75); // mean of the AUCs 1 and 0.5
}

TEST(RocCurve, ThinningKeepsEndsAndShape)
{
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<std::uint8_t> labels;
    std::vector<double> scores;
    for (int i = 0; i < 20000; ++i)
    {
        labels.push_back(i % 4 == 0 ? 1 : 0);
        scores.push_back(noise(rng) + (i % 4 == 0 ? 1.0 : 0.0));
    }
    const auto full = report::rocCurve(labels, scores);
    const auto thin = report::thinRocCurve(full, 100);
    EXPECT_LE(thin.fpr.size(), 102u);
    EXPECT_GE(thin.fpr.size(), 50u);
    EXPECT_EQ(thin.fpr.front(), 0.0);
    EXPECT_EQ(thin.tpr.back(), 1.0);
    EXPECT_EQ(thin.auc, full.auc);
    // The thinned polyline's area stays within 1 % of the full one.
    double area = 0.0;
    for (std::size_t i = 1; i < thin.fpr.size(); ++i)
    {
        area += (thin.fpr[i] - thin.fpr[i - 1]) * (thin.tpr[i] + thin.tpr[i - 1]) / 2;
    }
    EXPECT_NEAR(area, full.auc, 0.01);
}

TEST(Histogram, BinsClampAndSkipNaN)
{
    const auto h =
        report::histogramCounts({0.0, 0.05, 0.5, 0.99, 1.0, -1.0, 2.0, NAN, 0.1}, 0.0, 1.0, 10);
    EXPECT_EQ(h, (std::vector<double>{3, 1, 0, 0, 0, 1, 0, 0, 0, 3}));
    std::vector<double> more = h;
    report::addToHistogram(more, {0.55}, 0.0, 1.0);
    EXPECT_EQ(more[5], 2.0);
    EXPECT_THROW(report::histogramCounts({1}, 1.0, 1.0, 4), geoinr::InvalidArgument);
    EXPECT_THROW(report::histogramCounts({1}, 0.0, 1.0, 0), geoinr::InvalidArgument);
    EXPECT_DOUBLE_EQ(report::sigmoid(0.0), 0.5);
    EXPECT_NEAR(report::sigmoid(2.0), 0.8807970779778823, 1e-15);
}

} // namespace
