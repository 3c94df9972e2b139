// SPDX-License-Identifier: MIT
// Long-format presence-absence records (what a GIS survey layer holds, and what the QGIS plugin's
// Evaluate algorithm passes) scored exactly as the wide site table of `geoinr evaluate
// presence-absence`, plus an independent AUC from the model's own predictions.
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/presence_absence_evaluation.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace
{

struct Site
{
    double lon, lat;
    int alpha, beta; // 1 present, 0 absent, -1 not surveyed
};

// South-east Australia (Alpha's region) and the north (Beta's), with mixed labels.
const std::vector<Site> kSites = {
    {147.0, -36.0, 1, 0}, {149.5, -34.0, 1, -1}, {145.0, -37.5, 1, 0}, {131.0, -13.0, 0, 1},
    {135.0, -15.0, 0, 1}, {125.0, -17.0, -1, 1}, {120.0, -30.0, 0, 0}, {138.0, -25.0, 0, 1},
    {151.0, -30.0, 1, 0}, {115.0, -32.0, 0, 0},
};

} // namespace

TEST(SurveyEvaluation, LongRecordsScoreLikeTheWideSiteTable)
{
    geoinr::test::TempDir dir;
    const auto ckpt = geoinr::test::trainTinyCoordsModel(dir.path());

    std::string csv = "lon,lat,Alpha,Beta\n";
    geoinr::rasters::SurveyRecords records;
    auto add = [&](const std::string& species, const Site& s, int label)
    {
        if (label < 0)
        {
            return;
        }
        records.species.push_back(species);
        records.lon.push_back(s.lon);
        records.lat.push_back(s.lat);
        records.present.push_back(static_cast<std::uint8_t>(label));
    };
    auto cell = [](int label)
    {
        return label < 0 ? std::string() : std::to_string(label);
    };
    for (const auto& s : kSites)
    {
        csv += fmt::format("{},{},{},{}\n", s.lon, s.lat, cell(s.alpha), cell(s.beta));
        add("Alpha", s, s.alpha);
        add("Beta", s, s.beta);
    }
    add("Gamma", kSites[0], 1); // not in the model: counted, not scored
    const auto wide = geoinr::rasters::evaluatePresenceAbsence(
        {ckpt, geoinr::test::writeText(dir.file("sites.csv"), csv)});
    const auto longForm = geoinr::rasters::evaluateSurveyRecords(ckpt, records);

    EXPECT_EQ(longForm.at("species_unknown_records"), 1);
    EXPECT_EQ(longForm.at("records"), records.species.size());
    ASSERT_EQ(longForm.at("species_evaluated"), 2);
    EXPECT_EQ(longForm.at("per_species"), wide.at("per_species"));
    EXPECT_EQ(longForm.at("mean_auc"), wide.at("mean_auc"));

    // Independent AUC for Alpha: the fraction of (presence, absence) pairs ordered correctly by
    // the model's probabilities (no ties expected at distinct places).
    const auto predictor = geoinr::core::Predictor::load(ckpt);
    std::vector<double> pos, neg;
    for (const auto& s : kSites)
    {
        if (s.alpha < 0)
        {
            continue;
        }
        const float ll[2] = {static_cast<float>(s.lon), static_cast<float>(s.lat)};
        float p = 0.0F;
        predictor->predict(ll, nullptr, 1, {predictor->speciesIndex("Alpha")}, &p);
        (s.alpha == 1 ? pos : neg).push_back(p);
    }
    double correct = 0.0;
    for (const double a : pos)
    {
        for (const double b : neg)
        {
            correct += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
        }
    }
    const auto& alpha = longForm.at("per_species").at(0);
    EXPECT_EQ(alpha.at("species"), "Alpha");
    EXPECT_EQ(alpha.at("sites"), 9);
    EXPECT_EQ(alpha.at("presences"), 4);
    EXPECT_NEAR(alpha.at("auc").get<double>(),
                correct / static_cast<double>(pos.size() * neg.size()), 1e-12);
}

TEST(SurveyEvaluation, MismatchedRecordsAreAnError)
{
    geoinr::test::TempDir dir;
    const auto ckpt = geoinr::test::trainTinyCoordsModel(dir.path());
    geoinr::rasters::SurveyRecords records;
    records.species = {"Alpha", "Alpha"};
    records.lon = {147.0, 131.0};
    records.lat = {-36.0};
    records.present = {1, 0};
    try
    {
        geoinr::rasters::evaluateSurveyRecords(ckpt, records);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("1 lat"), std::string::npos) << e.what();
    }
}

TEST(SurveyEvaluation, TableCovariateColumnsComeFromTheCheckpoint)
{
    const nlohmann::json table = {{"kind", "table"},
                                  {"features", {"temp", "vegsys=1", "vegsys=3", "rain"}}};
    EXPECT_EQ(geoinr::rasters::tableCovariateColumns(table),
              (std::vector<std::string>{"temp", "vegsys", "rain"}));
    EXPECT_TRUE(geoinr::rasters::tableCovariateColumns({{"kind", "rasters"}}).empty());
    EXPECT_TRUE(geoinr::rasters::tableCovariateColumns(nlohmann::json::object()).empty());
}
