// SPDX-License-Identifier: MIT
// `geoinr evaluate presence-only` and `geoinr cross-validate` through the real executable: AUC and
// omission rates checked against the logits that `geoinr predict` writes at the same points, fold
// sizes of user-given folds, reproducibility, and error messages with exit codes.
#include "raster_pixels.h"
#include "run_cli.h"
#include "temp_dir.h"
#include "test_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace
{

using geoinr::test::q;
using geoinr::test::run;
using geoinr::test::TempDir;

std::string write(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
    return path;
}

// A 0.5-degree grid over lon 120..150, lat -40..-10 (60 x 60 pixels); every point below lies on
// a pixel centre, so the predicted raster holds the model's logit at exactly that point.
constexpr double kWest = 120.0, kNorth = -10.0, kRes = 0.5;
constexpr int kSize = 60;

struct Cell
{
    int col, row;
    double lon() const { return kWest + (col + 0.5) * kRes; }
    double lat() const { return kNorth - (row + 0.5) * kRes; }
};

std::string cellsCsv(const std::vector<std::pair<std::string, Cell>>& cells, bool withFold = false)
{
    std::string csv = withFold ? "species,lon,lat,fold\n" : "species,lon,lat\n";
    int i = 0;
    for (const auto& [species, c] : cells)
    {
        csv += species + "," + std::to_string(c.lon()) + "," + std::to_string(c.lat());
        csv += withFold ? "," + std::to_string(i++ % 3 + 1) + "\n" : "\n";
    }
    return csv;
}

/** Alpha in the south-east of the grid, Beta in the north-west. */
std::vector<std::pair<std::string, Cell>> trainCells()
{
    std::vector<std::pair<std::string, Cell>> out;
    for (int i = 0; i < 20; ++i)
    {
        out.push_back({"Alpha", {45 + (i % 5) * 2, 45 + (i / 5) * 2}});
        out.push_back({"Beta", {5 + (i % 5) * 2, 5 + (i / 5) * 2}});
    }
    return out;
}

} // namespace

TEST(CliPresenceOnly, AucAndOmissionMatchThePredictedLogits)
{
    TempDir dir;
    const auto train = write(dir.file("train.csv"), cellsCsv(trainCells()));
    const auto ckpt = dir.file("m.ckpt");
    auto r = run("train " + q(train) +
                 " --network '{\"name\":\"residual_fcnet\",\"hidden_dim\":16,\"num_blocks\":1}'"
                 " --epochs 3 --batch-size 8 --lr 0.01 --seed 2 --threads 1 -q -o " +
                 q(ckpt));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const std::vector<std::pair<std::string, Cell>> test = {
        {"Alpha", {46, 44}}, {"Alpha", {50, 50}}, {"Alpha", {52, 47}}, {"Alpha", {10, 30}},
        {"Beta", {6, 6}},    {"Beta", {12, 9}},   {"Beta", {40, 20}}};
    std::vector<std::pair<std::string, Cell>> background;
    for (int c = 1; c < kSize; c += 4)
    {
        for (int row = 2; row < kSize; row += 4)
        {
            background.push_back({"background", {c, row}});
        }
    }
    const auto out = dir.file("po.json");
    r = run("evaluate presence-only " + q(ckpt) + " --presences " +
            q(write(dir.file("test.csv"), cellsCsv(test))) + " --train " + q(train) +
            " --background " + q(write(dir.file("bg.csv"), cellsCsv(background))) + " -q -o " +
            q(out));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("mean Boyce"), std::string::npos) << r.output;
    const auto report = geoinr::test::loadJson(out);

    const auto raster = dir.file("logits.tif");
    r = run("predict " + q(ckpt) + " --logits --extent 120 -40 150 -10 --resolution 0.5 -q -o " +
            q(raster));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    int width = 0, height = 0;
    const auto logits = geoinr::test::readFile(raster, &width, &height);
    ASSERT_EQ(width, kSize);
    ASSERT_EQ(height, kSize);
    const auto score = [&](int band, const Cell& c)
    {
        const auto v =
            logits[static_cast<std::size_t>(band * kSize * kSize + c.row * kSize + c.col)];
        return 1.0 / (1.0 + std::exp(-static_cast<double>(v)));
    };
    ASSERT_EQ(report.at("per_species").size(), 2U);
    for (int band = 0; band < 2; ++band) // bands in species order: Alpha, Beta
    {
        const std::string species = band == 0 ? "Alpha" : "Beta";
        std::vector<double> pres, tr, bg;
        for (const auto& [s, c] : test)
        {
            if (s == species)
            {
                pres.push_back(score(band, c));
            }
        }
        for (const auto& [s, c] : trainCells())
        {
            if (s == species)
            {
                tr.push_back(score(band, c));
            }
        }
        for (const auto& [s, c] : background)
        {
            bg.push_back(score(band, c));
        }
        double wins = 0.0; // Mann-Whitney by brute force, ties 1/2
        for (const double a : pres)
        {
            for (const double b : bg)
            {
                wins += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
            }
        }
        std::sort(tr.begin(), tr.end(), std::greater<>());
        const double mtp = tr.back(), p10 = tr[17]; // ceil(0.9 * 20) = 18th largest
        const auto below = [&](double t)
        {
            return static_cast<double>(
                       std::count_if(pres.begin(), pres.end(), [t](double x) { return x < t; })) /
                   static_cast<double>(pres.size());
        };
        const auto& row = report.at("per_species")[static_cast<std::size_t>(band)];
        ASSERT_EQ(row.at("species"), species);
        EXPECT_EQ(row.at("test_presences"), pres.size());
        EXPECT_NEAR(row.at("auc").get<double>(),
                    wins / static_cast<double>(pres.size() * bg.size()), 1e-9)
            << species;
        EXPECT_NEAR(row.at("threshold_mtp").get<double>(), mtp, 1e-6) << species;
        EXPECT_NEAR(row.at("threshold_10p").get<double>(), p10, 1e-6) << species;
        EXPECT_NEAR(row.at("or_mtp").get<double>(), below(mtp), 1e-12) << species;
        EXPECT_NEAR(row.at("or_10p").get<double>(), below(p10), 1e-12) << species;
    }
}

TEST(CliPresenceOnly, BadInputsFailWithTheFileOrOptionNamed)
{
    TempDir dir;
    const auto train = write(dir.file("train.csv"), cellsCsv(trainCells()));
    auto r = run("evaluate presence-only " + q(dir.file("missing.ckpt")) + " --presences " +
                 q(train) + " -q");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("missing.ckpt"), std::string::npos) << r.output;
    r = run("evaluate presence-only x.ckpt --presences " + q(train) +
            " --background bg.csv --background-points 10");
    EXPECT_NE(r.exitCode, 0) << r.output; // mutually exclusive (a CLI11 usage error)
    EXPECT_NE(r.output.find("excludes"), std::string::npos) << r.output;
}

TEST(CliCrossValidate, ColumnFoldsAreHeldOutAsGivenAndReproducible)
{
    TempDir dir;
    const auto occ = write(dir.file("occ.csv"), cellsCsv(trainCells(), true));
    const std::string common =
        "cross-validate " + q(occ) +
        " --network '{\"name\":\"residual_fcnet\",\"hidden_dim\":16,\"num_blocks\":1}'"
        " --epochs 2 --batch-size 8 --lr 0.01 --seed 4 --threads 1 -q --folds column:fold";
    auto r = run(common + " -o " + q(dir.file("a.json")));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("mean ± sd over folds"), std::string::npos) << r.output;
    r = run(common + " -o " + q(dir.file("b.json")));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto a = geoinr::test::loadJson(dir.file("a.json"));
    const auto b = geoinr::test::loadJson(dir.file("b.json"));
    // 40 records with fold ids 1, 2, 3, 1, 2, 3, ...: 14, 13 and 13 held out.
    EXPECT_EQ(a.at("fold_sizes"), (nlohmann::json{14, 13, 13}));
    EXPECT_EQ(a.at("fold_labels"), (nlohmann::json{"1", "2", "3"}));
    for (std::size_t f = 0; f < 3; ++f)
    {
        EXPECT_EQ(a.at("per_fold")[f].at("test_records"), a.at("fold_sizes")[f]);
        EXPECT_EQ(a.at("per_fold")[f].at("per_species"), b.at("per_fold")[f].at("per_species"));
    }
    EXPECT_EQ(a.at("summary").at("mean_auc"), b.at("summary").at("mean_auc"));
}

TEST(CliCrossValidate, BadFoldsFailWithTheFieldNamed)
{
    TempDir dir;
    const auto occ = write(dir.file("occ.csv"), cellsCsv(trainCells(), true));
    auto r = run("cross-validate " + q(occ) + " --folds column:nope -q");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("'nope'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("occ.csv"), std::string::npos) << r.output;
    r = run("cross-validate " + q(occ) + " --folds random:1 -q");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--folds"), std::string::npos) << r.output;
    r = run("cross-validate " + q(occ) + " --folds blocks:90:3 -q");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("occ.csv"), std::string::npos) << r.output;
    // The training options are those of geoinr train: a bad one is named the same way.
    r = run("cross-validate " + q(occ) + " --pseudo-absences nowhere -q");
    EXPECT_EQ(r.exitCode, 2) << r.output;
}
