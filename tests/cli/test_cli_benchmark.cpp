// SPDX-License-Identifier: MIT
// `geoinr benchmark`: the checkerboard and land-ocean grids of Russwurm et al. 2024 train with
// the bundled settings and land in the expected accuracy ranges.
#include "run_cli.h"
#include "temp_dir.h"
#include "test_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using geoinr::test::q;
using geoinr::test::run;

namespace
{

} // namespace

TEST(CliBenchmark, CheckerboardShSirenLearnsTheCellsWhereALinearMapOnLonLatCannot)
{
    geoinr::test::TempDir dir;
    const auto json = dir.path() + "/checkerboard.json";
    const auto md = dir.path() + "/checkerboard.md";
    const auto r = run("benchmark checkerboard --encoders sphericalharmonics,direct "
                       "--networks siren,linear -q -o " +
                       q(json) + " --markdown " + q(md));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto report = geoinr::test::loadJson(json);
    EXPECT_EQ(report.at("test_points").get<int>(), 10000);
    const auto& s = report.at("summary");
    // [SH] report SH + SIREN near the top of the checkerboard table; 16 classes by chance: 6 %.
    EXPECT_GT(s.at("sphericalharmonics-siren").at("test_accuracy_mean").get<double>(), 0.85);
    EXPECT_GT(s.at("sphericalharmonics-siren").at("test_iou_mean").get<double>(), 0.7);
    // A linear map of (lon, lat) gives 16 convex regions: it cannot draw 200 cells.
    EXPECT_LT(s.at("direct-linear").at("test_accuracy_mean").get<double>(), 0.25);
    ASSERT_EQ(report.at("runs").size(), 4U);
    for (const auto& run : report.at("runs"))
    {
        EXPECT_LE(run.at("epochs").get<int>(), 500);
        EXPECT_GE(run.at("train_accuracy").get<double>(), 0.0);
        // Geo-bias of the test failures (radius 1,000 km): SH + SIREN fails on cell edges
        // everywhere (measured base 0.9, relative 0.0); Direct + Linear fails in whole regions
        // (measured base 24.8, relative 21.5).
        const auto& bias = run.at("geo_bias");
        const auto pair =
            run.at("encoder").get<std::string>() + "-" + run.at("network").get<std::string>();
        if (pair == "sphericalharmonics-siren")
        {
            EXPECT_LT(bias.at("base").get<double>(), 4.0);
            EXPECT_NEAR(bias.at("relative").get<double>(), 0.0, 2.0);
        }
        if (pair == "direct-linear")
        {
            EXPECT_GT(bias.at("base").get<double>(), 12.0);
            EXPECT_GT(bias.at("relative").get<double>(), 10.0);
        }
        ASSERT_EQ(run.at("accuracy_by_latitude_10deg").size(), 18U);
    }
    // Rectangular encodings degrade at the poles ([SH]): Direct + SIREN's southernmost band is
    // clearly worse than SH + SIREN's (measured 0.70 against 0.96).
    const auto band0 = [&](const std::string& e, const std::string& n)
    {
        for (const auto& run : report.at("runs"))
        {
            if (run.at("encoder") == e && run.at("network") == n)
            {
                return run.at("accuracy_by_latitude_10deg")[0].get<double>();
            }
        }
        return -1.0;
    };
    EXPECT_GT(band0("sphericalharmonics", "siren"), band0("direct", "siren") + 0.1);
    std::ifstream table(md);
    const std::string text((std::istreambuf_iterator<char>(table)), {});
    EXPECT_NE(text.find("| sphericalharmonics |"), std::string::npos) << text;
}

TEST(CliBenchmark, LandOceanReproducesThePaperWithinTwoPoints)
{
    GEOINR_REQUIRE_DATA_FILE(land, "naturalearth/land-110m.geojson");
    geoinr::test::TempDir dir;
    const auto json = dir.path() + "/land_ocean.json";
    const auto r = run("benchmark land-ocean --land " + q(land) +
                       " --encoders sphericalharmonics,direct --networks linear -q -o " + q(json));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto s = geoinr::test::loadJson(json).at("summary");
    // Paper (science.md §6.3): SH + Linear 94.4 %, Direct + Linear 71.4 % (one seed here, and
    // Natural Earth land instead of admin-0 countries: within 2 points).
    EXPECT_NEAR(s.at("sphericalharmonics-linear").at("test_accuracy_mean").get<double>(), 0.944,
                0.02);
    EXPECT_NEAR(s.at("direct-linear").at("test_accuracy_mean").get<double>(), 0.714, 0.02);
    EXPECT_NE(r.output.find("(94.4)"), std::string::npos) << r.output;
}

TEST(CliBenchmark, BadSettingsAreNamed)
{
    geoinr::test::TempDir dir;
    const auto r =
        run("benchmark checkerboard --encoders sphericalharmonics --networks transformer -q");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("sphericalharmonics-transformer"), std::string::npos) << r.output;
    const auto missing =
        run("benchmark land-ocean --land " + q(dir.path() + "/none.geojson") + " -q");
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.output.find("none.geojson"), std::string::npos) << missing.output;
}

// SINR's discretised-grid baseline (record counts per coarse cell) on iucn_ranges_po: the folder's
// README gives MAP 0.190 / AUC 0.694 at 5 degrees and 0.217 / 0.857 at 20 degrees (computed in R).
TEST(CliRangeBaseline, DiscretisedGridMatchesTheReadmeReference)
{
    GEOINR_REQUIRE_DATA_FILE(occurrences, "iucn_ranges_po/occurrences.csv");
    GEOINR_REQUIRE_DATA_FILE(cells, "iucn_ranges_po/range_cells_0.5deg.csv");
    GEOINR_REQUIRE_DATA_FILE(mask, "worldclim_global/wc2.1_10m_bio_1.tif");
    geoinr::test::TempDir dir;
    const auto ckpt = dir.file("m.ckpt");
    const auto json = dir.file("ranges.json");
    ASSERT_EQ(run("train " + q(occurrences) + " --epochs 1 --threads 1 -q -o " + q(ckpt)).exitCode,
              0);
    const auto r = run("evaluate ranges " + q(ckpt) + " --range-cells " + q(cells) + " --mask " +
                       q(mask) + " --baseline-occurrences " + q(occurrences) +
                       " --baseline-cell-sizes 5,20 -q -o " + q(json));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto b = geoinr::test::loadJson(json).at("discretised_grid_baseline");
    ASSERT_EQ(b.at("sizes").size(), 2U);
    EXPECT_NEAR(b.at("sizes")[0].at("map").get<double>(), 0.190, 0.0015);
    EXPECT_NEAR(b.at("sizes")[0].at("mean_auc").get<double>(), 0.694, 0.002);
    EXPECT_NEAR(b.at("sizes")[1].at("map").get<double>(), 0.217, 0.0015);
    EXPECT_NEAR(b.at("sizes")[1].at("mean_auc").get<double>(), 0.857, 0.002);
    EXPECT_DOUBLE_EQ(b.at("best_cell_size_deg").get<double>(), 20.0);
    EXPECT_NE(r.output.find("discretised grid 20 deg"), std::string::npos) << r.output;
}
