// SPDX-License-Identifier: MIT
// The scores rasters' evaluations hand to reports (SiteScores, RangeScores) are the ones behind
// their metrics: ROC curves drawn from them have the evaluation's AUC, and labels, rows and cells
// match the inputs.
#include "temp_dir.h"
#include "tiny_models.h"

#include <geoinr/rasters/presence_absence_evaluation.h>
#include <geoinr/rasters/range_evaluation.h>
#include <geoinr/report/roc.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace
{

using geoinr::test::TempDir;
namespace rasters = geoinr::rasters;
namespace report = geoinr::report;

TEST(EvaluationScores, SiteScoresGiveTheReportedAucs)
{
    TempDir dir;
    const auto ckpt = geoinr::test::trainTinyCoordsModel(dir.path());
    // Alpha surveyed everywhere (present in the south-east), Beta only at the odd rows.
    std::ofstream sites(dir.file("sites.csv"));
    sites << "lon,lat,Alpha,Beta\n";
    std::vector<std::pair<double, double>> lonLat;
    for (int i = 0; i < 40; ++i)
    {
        const double lon = 120.0 + (i % 8) * 4.0, lat = -40.0 + (i / 8) * 6.0;
        lonLat.emplace_back(lon, lat);
        sites << lon << "," << lat << "," << (lon >= 140 && lat <= -30 ? 1 : 0) << ","
              << (i % 2 == 1 ? (lat >= -20 ? "1" : "0") : "") << "\n";
    }
    sites.close();
    rasters::SiteScores scores;
    const auto result =
        rasters::evaluatePresenceAbsence({ckpt, dir.file("sites.csv")}, {}, &scores);
    ASSERT_EQ(scores.lon.size(), 40u);
    ASSERT_EQ(scores.species.size(), 2u);
    EXPECT_EQ(scores.species[0].name, "Alpha");
    EXPECT_EQ(scores.species[0].rows.size(), 40u);
    EXPECT_EQ(scores.species[1].rows.size(), 20u); // the odd rows only
    for (std::size_t k = 0; k < scores.species[1].rows.size(); ++k)
    {
        const auto row = scores.species[1].rows[k];
        EXPECT_EQ(row % 2, 1u);
        EXPECT_EQ(scores.lon[row], lonLat[row].first);
        EXPECT_EQ(scores.lat[row], lonLat[row].second);
        EXPECT_EQ(scores.species[1].labels[k], lonLat[row].second >= -20 ? 1 : 0);
    }
    ASSERT_EQ(result.at("per_species").size(), 2u);
    for (std::size_t s = 0; s < 2; ++s)
    {
        const auto& sp = scores.species[s];
        EXPECT_NEAR(report::rocCurve(sp.labels, sp.logits).auc,
                    result.at("per_species").at(s).at("auc").get<double>(), 1e-12)
            << sp.name;
    }
}

TEST(EvaluationScores, RangeScoresGiveTheReportedAucs)
{
    TempDir dir;
    const auto ckpt = geoinr::test::trainTinyCoordsModel(dir.path());
    std::ofstream cells(dir.file("cells.csv"));
    cells << "species,lon,lat\nAlpha,145,-35\nAlpha,155,-35\nBeta,125,-15\n";
    cells.close();
    rasters::RangeEvaluationOptions o;
    o.checkpoint = ckpt;
    o.rangeCells = dir.file("cells.csv");
    o.cellSizeDeg = 10.0;
    rasters::RangeScores scores;
    std::map<std::string, double> aucs;
    std::map<std::string, std::size_t> positives;
    scores.onSpecies = [&](const std::string& species, const std::vector<std::uint8_t>& inRange,
                           const std::vector<double>& logits)
    {
        ASSERT_EQ(inRange.size(), scores.cells.size());
        ASSERT_EQ(logits.size(), scores.cells.size());
        aucs[species] = report::rocCurve(inRange, logits).auc;
        positives[species] =
            static_cast<std::size_t>(std::count(inRange.begin(), inRange.end(), 1));
    };
    const auto result = rasters::evaluateRanges(o, {}, &scores);
    EXPECT_EQ(scores.gridWidth, 36);
    EXPECT_EQ(scores.gridHeight, 18);
    EXPECT_EQ(scores.cells.size(), 36u * 18u); // no mask: every cell
    EXPECT_EQ(positives["Alpha"], 2u);
    EXPECT_EQ(positives["Beta"], 1u);
    for (const auto& s : result.at("per_species"))
    {
        EXPECT_NEAR(aucs.at(s.at("species").get<std::string>()), s.at("auc").get<double>(), 1e-12);
    }
}

} // namespace
