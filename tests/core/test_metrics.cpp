// SPDX-License-Identifier: MIT
// Metrics against the golden values and hand computations: ties, single-class and empty cases.
#include "test_data.h"

#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>

#include <gtest/gtest.h>

#include <cmath>

namespace
{

using geoinr::core::ApMode;
using geoinr::core::averagePrecision;
using geoinr::core::rocAuc;

TEST(Metrics, GoldenApAucAndR2)
{
    GEOINR_REQUIRE_DATA_FILE(path, "golden/metrics.json");
    const auto g = geoinr::test::loadJson(path);
    const auto labels = g.at("y_true").get<std::vector<std::uint8_t>>();
    const auto scores = g.at("scores").get<std::vector<double>>();
    EXPECT_NEAR(averagePrecision(labels, scores, ApMode::Sinr),
                g.at("ap_sinr_stable_desc_sort").get<double>(), 1e-12);
    EXPECT_NEAR(averagePrecision(labels, scores, ApMode::TieAware),
                g.at("ap_threshold_tie_aware").get<double>(), 1e-12);
    EXPECT_NEAR(rocAuc(labels, scores), g.at("roc_auc").get<double>(), 1e-12);
    const auto& r2 = g.at("r2_example");
    EXPECT_NEAR(geoinr::core::rSquared(r2.at("y_true").get<std::vector<double>>(),
                                       r2.at("y_pred").get<std::vector<double>>()),
                r2.at("r2").get<double>(), 1e-12);
}

TEST(Metrics, HandComputedWithoutTies)
{
    // Ranking: + - + -  -> precision at the two positives 1/1 and 2/3 -> AP = (1 + 2/3) / 2.
    const std::vector<std::uint8_t> y = {1, 0, 1, 0};
    const std::vector<double> s = {0.9, 0.8, 0.7, 0.1};
    EXPECT_NEAR(averagePrecision(y, s), (1.0 + 2.0 / 3.0) / 2.0, 1e-15);
    EXPECT_NEAR(averagePrecision(y, s, ApMode::Sinr), (1.0 + 2.0 / 3.0) / 2.0, 1e-15);
    // Pairs (pos, neg): (0.9,0.8) (0.9,0.1) (0.7,0.8) (0.7,0.1): 3 of 4 ordered correctly.
    EXPECT_NEAR(rocAuc(y, s), 0.75, 1e-15);
}

TEST(Metrics, AllTiedScoresGiveChanceLevels)
{
    const std::vector<std::uint8_t> y = {1, 0, 0, 1, 0};
    const std::vector<double> s(5, 0.3);
    EXPECT_NEAR(rocAuc(y, s), 0.5, 1e-15);
    EXPECT_NEAR(averagePrecision(y, s), 2.0 / 5.0, 1e-15); // one step: recall 1 at precision 2/5
}

TEST(Metrics, UndefinedCasesAreNaNAndSkippedInMeans)
{
    const std::vector<double> s = {0.1, 0.5, 0.9};
    EXPECT_TRUE(std::isnan(averagePrecision({0, 0, 0}, s))); // no presence
    EXPECT_TRUE(std::isnan(rocAuc({0, 0, 0}, s)));           // single class
    EXPECT_TRUE(std::isnan(rocAuc({1, 1, 1}, s)));
    EXPECT_NEAR(averagePrecision({1, 1, 1}, s), 1.0, 1e-15);
    std::size_t defined = 0;
    EXPECT_NEAR(geoinr::core::meanOfDefined({0.5, NAN, 1.0}, &defined), 0.75, 1e-15);
    EXPECT_EQ(defined, 2u);
    EXPECT_TRUE(std::isnan(geoinr::core::rSquared({2.0, 2.0}, {1.0, 3.0})));
}

TEST(Metrics, BadInputsNameTheProblem)
{
    EXPECT_THROW(averagePrecision({1, 0}, {0.5}), geoinr::InvalidArgument);
    try
    {
        rocAuc({1, 0}, {0.5, NAN});
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("score 1 is NaN"), std::string::npos) << e.what();
    }
}

} // namespace
