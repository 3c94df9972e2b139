// SPDX-License-Identifier: MIT
// `geoinr evaluate geo-bias` end to end: a lattice CSV with clustered failures, the JSON report's
// numbers and settings, reproducibility, and errors naming the file and line.
#include "run_cli.h"
#include "temp_dir.h"
#include "test_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>

namespace
{

using geoinr::test::q;
using geoinr::test::run;

constexpr double kPi = 3.14159265358979323846;

/** A 21 x 21 lattice 0.1 degree apart; the 6 x 6 south-west block is wrong (correct = 0). */
std::string writeLattice(const geoinr::test::TempDir& dir)
{
    const std::string path = dir.file("points.csv");
    std::ofstream f(path);
    f << "id,lon,lat,correct\n";
    for (int r = 0; r < 21; ++r)
    {
        for (int c = 0; c < 21; ++c)
        {
            f << r * 21 + c << "," << 20.0 + 0.1 * c << "," << -10.0 + 0.1 * r << ","
              << ((r < 6 && c < 6) ? 0 : 1) << "\n";
        }
    }
    return path;
}

} // namespace

TEST(CliGeoBias, ClusteredFailuresReportEveryNumberAndSetting)
{
    geoinr::test::TempDir dir;
    const std::string csv = writeLattice(dir);
    const std::string out = dir.file("geo_bias.json");
    const std::string args = "evaluate geo-bias -q --points " + q(csv) +
                             " --radius-km 80 --centres 12 --seed 3 --k 4 -o ";
    const auto r = run(args + q(out));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("base geo-bias score: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("relative geo-bias score: "), std::string::npos) << r.output;
    const auto j = geoinr::test::loadJson(out);
    EXPECT_EQ(j.at("points").get<int>(), 441);
    EXPECT_EQ(j.at("low_performance_points").get<int>(), 36);
    EXPECT_EQ(j.at("centres_sampled").get<int>(), 12);
    const auto& s = j.at("settings");
    EXPECT_EQ(s.at("radius_km").get<double>(), 80.0);
    EXPECT_EQ(s.at("k").get<int>(), 4);
    EXPECT_EQ(s.at("centres").get<int>(), 12);
    EXPECT_EQ(s.at("seed").get<int>(), 3);
    EXPECT_FALSE(s.at("marked").get<bool>());
    EXPECT_EQ(s.at("random_among").get<std::string>(), "all");
    EXPECT_TRUE(s.at("background_spacing_auto").get<bool>());
    EXPECT_EQ(j.at("value_column").get<std::string>(), "correct");
    EXPECT_TRUE(j.at("approximate").get<bool>());

    // The scores are the means over the listed centres; each SSI is the Gaussian surprisal.
    const auto& centres = j.at("centre_details");
    ASSERT_EQ(centres.size(), j.at("centres_used").get<std::size_t>());
    ASSERT_EQ(centres.size() + j.at("skipped_too_few_points").get<std::size_t>() +
                  j.at("skipped_no_variance").get<std::size_t>(),
              12u);
    double base = 0.0;
    double relative = 0.0;
    for (const auto& c : centres)
    {
        // Centres are failures, i.e. in the south-west block.
        EXPECT_LT(c.at("lon").get<double>(), 20.55);
        EXPECT_LT(c.at("lat").get<double>(), -9.45);
        EXPECT_GE(c.at("low_points").get<int>(), 1);
        const auto& a = c.at("actual");
        const double u =
            (a.at("iu").get<double>() - a.at("mean").get<double>()) / a.at("std").get<double>();
        EXPECT_NEAR(a.at("ssi").get<double>(),
                    0.5 * u * u + std::log(a.at("std").get<double>() * std::sqrt(2.0 * kPi)), 1e-9);
        // The random placement shares the marks and positions, hence the null moments (up to the
        // summation order).
        for (const char* key : {"mean", "std"})
        {
            const double v = a.at(key).get<double>();
            EXPECT_NEAR(c.at("random").at(key).get<double>(), v, 1e-12 * std::abs(v)) << key;
        }
        base += a.at("ssi").get<double>();
        relative += a.at("ssi").get<double>() - c.at("random").at("ssi").get<double>();
    }
    const auto used = static_cast<double>(centres.size());
    EXPECT_NEAR(j.at("base_score").get<double>(), base / used, 1e-9);
    EXPECT_NEAR(j.at("relative_score").get<double>(), relative / used, 1e-9);
    // Clustered failures are clearly surprising. Measured: base 22.1, relative 18.8; the same
    // 36 failures scattered at random: base 2.5, relative 0.0.
    EXPECT_GT(j.at("base_score").get<double>(), 12.0);
    EXPECT_GT(j.at("relative_score").get<double>(), 10.0);

    // The same seed gives the same report.
    const std::string again = dir.file("again.json");
    ASSERT_EQ(run(args + q(again)).exitCode, 0);
    EXPECT_EQ(geoinr::test::loadJson(again), j);
}

TEST(CliGeoBias, BadRowNamesTheFileAndLine)
{
    geoinr::test::TempDir dir;
    const std::string csv = dir.file("bad.csv");
    {
        std::ofstream f(csv);
        f << "lon,lat,correct\n0,0,1\n0.1,0,0\n0.2,north,1\n";
    }
    const auto r = run("evaluate geo-bias -q --points " + q(csv));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find(csv + ":4: column 'lat': 'north' is not a finite number"),
              std::string::npos)
        << r.output;

    const auto missing = run("evaluate geo-bias -q --points " + q(csv) + " --value-column hit");
    EXPECT_EQ(missing.exitCode, 2) << missing.output;
    EXPECT_NE(missing.output.find(csv + ":1: no column 'hit' (columns: lon, lat, correct)"),
              std::string::npos)
        << missing.output;

    {
        std::ofstream f(csv);
        f << "lon,lat,correct\n0,0,1\n\n0.1,0\n";
    }
    const auto shortRow = run("evaluate geo-bias -q --points " + q(csv));
    EXPECT_EQ(shortRow.exitCode, 2) << shortRow.output;
    EXPECT_NE(shortRow.output.find(csv + ":4: 2 fields, expected 3"), std::string::npos)
        << shortRow.output;

    const auto badRadius =
        run("evaluate geo-bias -q --points " + q(writeLattice(dir)) + " --radius-km -5");
    EXPECT_EQ(badRadius.exitCode, 2) << badRadius.output;
    EXPECT_NE(badRadius.output.find("radius = -5 km"), std::string::npos) << badRadius.output;
}
