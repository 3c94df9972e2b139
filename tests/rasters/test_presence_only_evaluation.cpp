// SPDX-License-Identifier: MIT
// Presence-only evaluation (Boyce, AUC, omission at training thresholds) against the core metric
// functions applied to the model's own predictions, fold assignment (column, spatial blocks,
// random), and cross-validation on synthetic data and on a real disdat subset.
#include "test_data.h"
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/core/sdm_metrics.h>
#include <geoinr/core/training.h>
#include <geoinr/rasters/cross_validation.h>
#include <geoinr/rasters/presence_only_evaluation.h>
#include <geoinr/rasters/training_inputs.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace
{

using geoinr::test::TempDir;
using geoinr::test::writeText;
namespace rasters = geoinr::rasters;
namespace core = geoinr::core;

struct Point
{
    std::string species;
    double lon, lat;
};

std::string pointsCsv(const std::vector<Point>& points)
{
    std::string csv = "species,lon,lat\n";
    for (const auto& p : points)
    {
        csv += fmt::format("{},{},{}\n", p.species, p.lon, p.lat);
    }
    return csv;
}

/** Test presences around the tiny coords model's training areas (Alpha south-east Australia,
 *  Beta the north), some of them far off, and one record of a species the model lacks. */
std::vector<Point> testPoints()
{
    return {{"Alpha", 146.2, -36.4}, {"Alpha", 148.1, -34.9}, {"Alpha", 147.3, -37.2},
            {"Alpha", 150.5, -33.0}, {"Alpha", 120.0, -25.0}, {"Beta", 129.5, -15.2},
            {"Beta", 132.1, -14.1},  {"Beta", 133.7, -13.6},  {"Beta", 145.0, -30.0},
            {"Gamma", 140.0, -20.0}};
}

/** The tiny coords model's own training points (tiny_models.cpp). */
std::vector<Point> trainPoints()
{
    std::vector<Point> out;
    for (int i = 0; i < 16; ++i)
    {
        out.push_back({"Alpha", 145.0 + (i % 4) * 1.5, -38.0 + (i / 4) * 1.5});
        out.push_back({"Beta", 128.0 + (i % 4) * 2.0, -16.0 + (i / 4) * 1.0});
    }
    return out;
}

/** A regular grid over Australia's box, in disdat's background.csv style (a spid column). */
std::vector<Point> backgroundPoints()
{
    std::vector<Point> out;
    for (double lon = 113.0; lon <= 153.0; lon += 2.0)
    {
        for (double lat = -43.0; lat <= -11.0; lat += 2.0)
        {
            out.push_back({"background", lon, lat});
        }
    }
    return out;
}

/** Probabilities (double sigmoid of the logits) of species `s` at `points`. */
std::vector<double> scoresOf(const core::Predictor& p, const std::vector<Point>& points,
                             std::size_t s)
{
    std::vector<float> lonLat;
    for (const auto& q : points)
    {
        lonLat.push_back(static_cast<float>(q.lon));
        lonLat.push_back(static_cast<float>(q.lat));
    }
    const auto n = points.size();
    const auto numSpecies = p.speciesNames().size();
    std::vector<float> logits(n * numSpecies);
    p.predict(lonLat.data(), nullptr, static_cast<std::int64_t>(n), {}, logits.data(),
              core::OutputKind::Logit);
    std::vector<double> out;
    for (std::size_t i = 0; i < n; ++i)
    {
        out.push_back(1.0 / (1.0 + std::exp(-static_cast<double>(logits[i * numSpecies + s]))));
    }
    return out;
}

std::vector<Point> ofSpecies(const std::vector<Point>& points, const std::string& species)
{
    std::vector<Point> out;
    for (const auto& p : points)
    {
        if (p.species == species)
        {
            out.push_back(p);
        }
    }
    return out;
}

/** Mann-Whitney AUC by brute force over all (presence, background) pairs, ties 1/2. */
double bruteForceAuc(const std::vector<double>& pres, const std::vector<double>& bg)
{
    double wins = 0.0;
    for (const double a : pres)
    {
        for (const double b : bg)
        {
            wins += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
        }
    }
    return wins / static_cast<double>(pres.size() * bg.size());
}

double fractionBelow(const std::vector<double>& v, double threshold)
{
    double below = 0.0;
    for (const double x : v)
    {
        below += x < threshold ? 1.0 : 0.0;
    }
    return below / static_cast<double>(v.size());
}

const nlohmann::json& speciesRow(const nlohmann::json& report, const std::string& species)
{
    for (const auto& row : report.at("per_species"))
    {
        if (row.at("species") == species)
        {
            return row;
        }
    }
    throw std::runtime_error("no row for " + species);
}

} // namespace

TEST(PresenceOnlyEvaluation, MatchesTheMetricsOfThePredictorsScores)
{
    TempDir dir;
    rasters::PresenceOnlyOptions o;
    o.checkpoint = geoinr::test::trainTinyCoordsModel(dir.path());
    o.presences = writeText(dir.file("test.csv"), pointsCsv(testPoints()));
    o.train = writeText(dir.file("train.csv"), pointsCsv(trainPoints()));
    o.background = writeText(dir.file("background.csv"), pointsCsv(backgroundPoints()));
    const auto report = rasters::evaluatePresenceOnly(o);

    EXPECT_EQ(report.at("species_evaluated"), 2);
    EXPECT_EQ(report.at("test_records"), 10);
    EXPECT_EQ(report.at("test_records_unknown_species"), 1); // Gamma
    EXPECT_EQ(report.at("background_points"), backgroundPoints().size());

    const auto predictor = core::Predictor::load(o.checkpoint);
    double sumBoyce = 0.0, sumAuc = 0.0, sumMtp = 0.0, sum10p = 0.0;
    for (const std::string species : {"Alpha", "Beta"})
    {
        const auto s = static_cast<std::size_t>(predictor->speciesIndex(species));
        const auto pres = scoresOf(*predictor, ofSpecies(testPoints(), species), s);
        const auto train = scoresOf(*predictor, ofSpecies(trainPoints(), species), s);
        const auto bg = scoresOf(*predictor, backgroundPoints(), s);
        auto fit = bg;
        fit.insert(fit.end(), pres.begin(), pres.end());
        const double boyce = core::continuousBoyceIndex(pres, fit);
        const double auc = bruteForceAuc(pres, bg);
        // MTP: the smallest training score; 10p: the ceil(0.9 n)-th largest (n = 16 -> 15th).
        auto sorted = train;
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        const double mtp = sorted.back();
        const double p10 = sorted[14];
        const auto& row = speciesRow(report, species);
        EXPECT_EQ(row.at("test_presences"), pres.size()) << species;
        EXPECT_EQ(row.at("train_presences"), 16) << species;
        EXPECT_NEAR(row.at("boyce").get<double>(), boyce, 1e-9) << species;
        EXPECT_NEAR(row.at("auc").get<double>(), auc, 1e-9) << species;
        EXPECT_NEAR(row.at("threshold_mtp").get<double>(), mtp, 1e-12) << species;
        EXPECT_NEAR(row.at("threshold_10p").get<double>(), p10, 1e-12) << species;
        EXPECT_NEAR(row.at("or_mtp").get<double>(), fractionBelow(pres, mtp), 1e-12) << species;
        EXPECT_NEAR(row.at("or_10p").get<double>(), fractionBelow(pres, p10), 1e-12) << species;
        // The far-off presence of each species scores below its training presences.
        EXPECT_GE(row.at("or_mtp").get<double>(), 0.2) << species;
        sumBoyce += boyce;
        sumAuc += auc;
        sumMtp += fractionBelow(pres, mtp);
        sum10p += fractionBelow(pres, p10);
    }
    EXPECT_NEAR(report.at("mean_boyce").get<double>(), sumBoyce / 2, 1e-9);
    EXPECT_NEAR(report.at("mean_auc").get<double>(), sumAuc / 2, 1e-9);
    EXPECT_NEAR(report.at("mean_or_mtp").get<double>(), sumMtp / 2, 1e-12);
    EXPECT_NEAR(report.at("mean_or_10p").get<double>(), sum10p / 2, 1e-12);
}

TEST(PresenceOnlyEvaluation, WithoutTrainingPresencesUsesTheStoredThresholds)
{
    TempDir dir;
    rasters::PresenceOnlyOptions o;
    o.checkpoint = geoinr::test::trainTinyCoordsModel(dir.path());
    o.presences = writeText(dir.file("test.csv"), pointsCsv(testPoints()));
    o.background = writeText(dir.file("background.csv"), pointsCsv(backgroundPoints()));
    const auto report = rasters::evaluatePresenceOnly(o);
    const auto predictor = core::Predictor::load(o.checkpoint);
    const auto& stored = predictor->header().at("metadata").at("thresholds");
    EXPECT_NE(report.at("threshold_source").get<std::string>().find("metadata.thresholds"),
              std::string::npos);
    for (const std::string species : {"Alpha", "Beta"})
    {
        const auto s = static_cast<std::size_t>(predictor->speciesIndex(species));
        const auto pres = scoresOf(*predictor, ofSpecies(testPoints(), species), s);
        const double mtp = stored.at("mtp")[s].get<double>();
        const double p90 = stored.at("presence_90")[s].get<double>();
        const auto& row = speciesRow(report, species);
        EXPECT_EQ(row.at("threshold_mtp").get<double>(), mtp);
        EXPECT_EQ(row.at("threshold_10p").get<double>(), p90);
        EXPECT_NEAR(row.at("or_mtp").get<double>(), fractionBelow(pres, mtp), 1e-12);
        EXPECT_NEAR(row.at("or_10p").get<double>(), fractionBelow(pres, p90), 1e-12);
    }
}

TEST(PresenceOnlyEvaluation, RandomBackgroundIsSeededAndInTheBoxOfThePresences)
{
    TempDir dir;
    rasters::PresenceOnlyOptions o;
    o.checkpoint = geoinr::test::trainTinyCoordsModel(dir.path());
    o.presences = writeText(dir.file("test.csv"), pointsCsv(testPoints()));
    o.backgroundPoints = 300;
    o.seed = 5;
    const auto a = rasters::evaluatePresenceOnly(o);
    const auto b = rasters::evaluatePresenceOnly(o);
    EXPECT_EQ(a.at("background_points"), 300);
    EXPECT_EQ(a.at("per_species"), b.at("per_species"));
    o.seed = 6;
    EXPECT_NE(rasters::evaluatePresenceOnly(o).at("per_species"), a.at("per_species"));

    const auto points =
        rasters::randomBackgroundPoints({{"kind", "none"}}, 1000, 5, {120.0, 150.5, -37.2, -13.6});
    ASSERT_EQ(points.size(), 1000U);
    for (std::size_t i = 0; i < points.size(); ++i)
    {
        EXPECT_TRUE(points.lon[i] >= 120.0 && points.lon[i] <= 150.5) << points.lon[i];
        EXPECT_TRUE(points.lat[i] >= -37.2 && points.lat[i] <= -13.6) << points.lat[i];
    }
}

TEST(PresenceOnlyEvaluation, RasterModelScoresRandomPointsOfItsValidArea)
{
    TempDir dir;
    const auto model = geoinr::test::trainTinyEnvModel(dir.path());
    rasters::PresenceOnlyOptions o;
    o.checkpoint = model.checkpoint;
    // Inside the raster (lon -10..30, lat 30..60), near the training areas of tiny_models.cpp.
    o.presences = writeText(dir.file("test.csv"), pointsCsv({{"Alpha", -6.0, 56.0},
                                                             {"Alpha", -3.0, 57.5},
                                                             {"Beta", 18.0, 37.0},
                                                             {"Beta", 20.0, 38.0}}));
    o.backgroundPoints = 400;
    const auto report = rasters::evaluatePresenceOnly(o);
    EXPECT_EQ(report.at("background_points"), 400);
    EXPECT_EQ(report.at("background_points_without_covariates"), 0);
    EXPECT_EQ(report.at("species_evaluated"), 2);
    EXPECT_GT(report.at("mean_auc").get<double>(), 0.5);
    EXPECT_EQ(report.at("per_species"), rasters::evaluatePresenceOnly(o).at("per_species"));
}

TEST(PresenceOnlyEvaluation, TableModelRebuildsItsInputsFromTheColumns)
{
    // Alpha where t is high, Beta where it is low; cat is categorical (1, 2 or 3).
    TempDir dir;
    std::string train = "species,lon,lat,t,cat\n", bg = "lon,lat,t,cat\n";
    for (int i = 0; i < 30; ++i)
    {
        train += fmt::format("Alpha,{},{},{},{}\n", 10 + i * 0.1, 50.0, 20 + i % 5, 1 + i % 2);
        train += fmt::format("Beta,{},{},{},{}\n", 12 + i * 0.1, 48.0, 2 + i % 5, 2 + i % 2);
    }
    for (int i = 0; i < 60; ++i)
    {
        bg += fmt::format("{},{},{},{}\n", 10 + i * 0.05, 49.0, i % 25, 1 + i % 3);
    }
    rasters::TrainingInputOptions in;
    in.occurrences = writeText(dir.file("train.csv"), train);
    in.tableCovariates = {"t", "cat"};
    in.categorical = {"cat"};
    in.backgroundFile = writeText(dir.file("bg.csv"), bg);
    const auto inputs = rasters::prepareTrainingInputs(in);
    core::TrainOptions t;
    t.model = {{"input", "env"},
               {"encoder", {{"name", "wrap"}}},
               {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 16}, {"num_blocks", 1}}}};
    t.pseudoAbsences = core::PseudoAbsenceKind::Background;
    t.epochs = 5;
    t.batchSize = 16;
    t.learningRate = 1e-2;
    t.threads = 1;
    t.seed = 11;
    t.checkpointPath = dir.file("table.ckpt");
    t.metadata = {{"covariates", inputs.covariates}, {"data", inputs.summary}};
    core::trainRangeModel(inputs.data, t, &inputs.background);

    const std::vector<std::array<double, 2>> tests = {{24, 1}, {21, 2}, {3, 3}, {5, 2}};
    std::string testCsv = "species,lon,lat,cat,t\n"; // other column order than training
    for (std::size_t i = 0; i < tests.size(); ++i)
    {
        testCsv +=
            fmt::format("{},11,49,{},{}\n", i < 2 ? "Alpha" : "Beta", tests[i][1], tests[i][0]);
    }
    rasters::PresenceOnlyOptions o;
    o.checkpoint = t.checkpointPath;
    o.presences = writeText(dir.file("test.csv"), testCsv);
    o.train = in.occurrences;
    o.background = in.backgroundFile;
    const auto report = rasters::evaluatePresenceOnly(o);

    // Independent inputs: z-score t and one-hot cat with the checkpoint's own statistics.
    const auto predictor = core::Predictor::load(o.checkpoint);
    const auto& cov = predictor->header().at("metadata").at("covariates");
    const auto features = cov.at("features").get<std::vector<std::string>>();
    const auto mean = cov.at("normalisation").at("mean").get<std::vector<double>>();
    const auto sd = cov.at("normalisation").at("std").get<std::vector<double>>();
    const auto envOf = [&](double tv, double cat)
    {
        std::vector<float> env;
        for (std::size_t f = 0; f < features.size(); ++f)
        {
            env.push_back(features[f] == "t"
                              ? static_cast<float>((tv - mean[f]) / sd[f])
                              : (features[f] == fmt::format("cat={}", cat) ? 1.0F : 0.0F));
        }
        return env;
    };
    // One predict() call per point set, as the evaluation makes: a background point with the
    // same inputs as a presence then ties with it exactly (batch sizes can change the last bit).
    const auto alphaScores = [&](const std::vector<std::array<double, 2>>& points)
    {
        std::vector<float> env, lonLat;
        for (const auto& p : points)
        {
            const auto e = envOf(p[0], p[1]);
            env.insert(env.end(), e.begin(), e.end());
            lonLat.insert(lonLat.end(), {11.0F, 49.0F});
        }
        const auto numSpecies = predictor->speciesNames().size();
        std::vector<float> logits(points.size() * numSpecies);
        predictor->predict(lonLat.data(), env.data(), static_cast<std::int64_t>(points.size()), {},
                           logits.data(), core::OutputKind::Logit);
        std::vector<double> out;
        for (std::size_t i = 0; i < points.size(); ++i)
        {
            out.push_back(1.0 / (1.0 + std::exp(-static_cast<double>(logits[i * numSpecies]))));
        }
        return out;
    };
    std::vector<std::array<double, 2>> bgPoints;
    for (int i = 0; i < 60; ++i)
    {
        bgPoints.push_back({static_cast<double>(i % 25), static_cast<double>(1 + i % 3)});
    }
    const auto bgAlpha = alphaScores(bgPoints);
    const auto testAlpha = alphaScores(tests); // Alpha's are the first two
    const std::vector<double> presAlpha = {testAlpha[0], testAlpha[1]};
    EXPECT_NEAR(speciesRow(report, "Alpha").at("auc").get<double>(),
                bruteForceAuc(presAlpha, bgAlpha), 1e-12);
    EXPECT_EQ(report.at("background_points"), 60);

    // A test file without the model's column, and random points for a table model, are refused.
    o.presences = writeText(dir.file("no_t.csv"), "species,lon,lat,cat\nAlpha,11,49,1\n");
    try
    {
        rasters::evaluatePresenceOnly(o);
        FAIL() << "a missing table covariate was accepted";
    }
    catch (const geoinr::Error& e)
    {
        EXPECT_NE(std::string(e.what()).find("no_t.csv"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'t'"), std::string::npos) << e.what();
    }
    o.presences = writeText(dir.file("test.csv"), testCsv);
    o.background.clear();
    try
    {
        rasters::evaluatePresenceOnly(o);
        FAIL() << "random background points for a table model were accepted";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("--background"), std::string::npos) << e.what();
    }
}

TEST(FoldAssignment, ParsesTheSpecifications)
{
    using Kind = rasters::FoldSpec::Kind;
    auto s = rasters::parseFoldSpec("random:4");
    EXPECT_EQ(s.kind, Kind::Random);
    EXPECT_EQ(s.k, 4);
    s = rasters::parseFoldSpec("blocks:0.5");
    EXPECT_EQ(s.kind, Kind::Blocks);
    EXPECT_EQ(s.blockSizeDeg, 0.5);
    EXPECT_EQ(s.k, 5);
    s = rasters::parseFoldSpec("blocks:2:3");
    EXPECT_EQ(s.blockSizeDeg, 2.0);
    EXPECT_EQ(s.k, 3);
    s = rasters::parseFoldSpec("column:my fold");
    EXPECT_EQ(s.kind, Kind::Column);
    EXPECT_EQ(s.column, "my fold");
    for (const std::string bad :
         {"random:1", "random:x", "random:", "blocks:-1", "blocks:1:1", "kfold:3", "column:", "5"})
    {
        try
        {
            rasters::parseFoldSpec(bad);
            ADD_FAILURE() << bad << " was accepted";
        }
        catch (const geoinr::InvalidArgument& e)
        {
            EXPECT_NE(std::string(e.what()).find("--folds"), std::string::npos) << e.what();
        }
    }
    try
    {
        rasters::parseFoldSpec("random:1");
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("at least 2"), std::string::npos) << e.what();
    }
}

TEST(FoldAssignment, ColumnFoldsAreExactlyTheGivenIds)
{
    rasters::OccurrenceTable t;
    t.speciesNames = {"A"};
    for (int i = 0; i < 6; ++i)
    {
        t.lon.push_back(i);
        t.lat.push_back(0);
        t.speciesIndex.push_back(0);
    }
    const auto spec = rasters::parseFoldSpec("column:fold");
    const auto f = rasters::assignFolds(spec, t, {7, 3, 7, 10, 3, 3}, 0, "occ.csv");
    EXPECT_EQ(f.fold, (std::vector<int>{1, 0, 1, 2, 0, 0}));
    EXPECT_EQ(f.labels, (std::vector<std::string>{"3", "7", "10"}));

    try
    {
        rasters::assignFolds(spec, t, {1, 2, NAN, 1, 2, 1}, 0, "occ.csv");
        FAIL() << "a record without a fold was accepted";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("occ.csv"), std::string::npos) << what;
        EXPECT_NE(what.find("'fold'"), std::string::npos) << what;
        EXPECT_NE(what.find("record 3"), std::string::npos) << what;
    }
    try
    {
        rasters::assignFolds(spec, t, {4, 4, 4, 4, 4, 4}, 0, "occ.csv");
        FAIL() << "a single fold was accepted";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("at least 2"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("occ.csv"), std::string::npos) << e.what();
    }
}

TEST(FoldAssignment, SpatialBlocksKeepWholeBlocksTogether)
{
    rasters::OccurrenceTable t;
    t.speciesNames = {"A"};
    for (int i = 0; i < 400; ++i)
    {
        // A deterministic scatter over lon 5..11, lat 45..48.
        t.lon.push_back(5.0 + std::fmod(i * 0.6180339887, 1.0) * 6.0);
        t.lat.push_back(45.0 + std::fmod(i * 0.4142135623, 1.0) * 3.0);
        t.speciesIndex.push_back(0);
    }
    const auto spec = rasters::parseFoldSpec("blocks:0.5:4");
    const auto f = rasters::assignFolds(spec, t, {}, 42, "occ.csv");
    ASSERT_EQ(f.fold.size(), t.size());
    std::map<std::pair<long, long>, std::set<int>> foldsOfBlock;
    std::vector<int> sizes(4, 0);
    for (std::size_t i = 0; i < t.size(); ++i)
    {
        const auto block = std::make_pair(std::lround(std::floor((t.lon[i] + 180.0) / 0.5)),
                                          std::lround(std::floor((t.lat[i] + 90.0) / 0.5)));
        foldsOfBlock[block].insert(f.fold[i]);
        ++sizes[static_cast<std::size_t>(f.fold[i])];
    }
    EXPECT_GT(foldsOfBlock.size(), 20U);
    for (const auto& [block, folds] : foldsOfBlock)
    {
        EXPECT_EQ(folds.size(), 1U) << block.first << "," << block.second;
    }
    for (const int n : sizes)
    {
        EXPECT_GT(n, 50); // balanced by count: 100 each, give or take a block
    }
    EXPECT_EQ(rasters::assignFolds(spec, t, {}, 42, "occ.csv").fold, f.fold);

    // Fewer non-empty blocks than folds: the error names the file and the specification.
    try
    {
        rasters::assignFolds(rasters::parseFoldSpec("blocks:50:3"), t, {}, 42, "occ.csv");
        FAIL() << "2 blocks for 3 folds were accepted";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("occ.csv"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("blocks:50:3"), std::string::npos) << e.what();
    }
}

namespace
{

/** Small coords-only cross-validation options on synthetic points with a fold column. */
rasters::CrossValidationOptions syntheticCv(const TempDir& dir)
{
    std::string csv = "species,lon,lat,fold\n";
    for (int i = 0; i < 24; ++i)
    {
        csv += fmt::format("Alpha,{},{},{}\n", 145.0 + (i % 6) * 0.8, -38.0 + (i / 6) * 1.2,
                           i < 10 ? 1 : (i < 18 ? 2 : 3));
        csv +=
            fmt::format("Beta,{},{},{}\n", 128.0 + (i % 6) * 1.1, -17.0 + (i / 6) * 1.0, i % 3 + 1);
    }
    rasters::CrossValidationOptions o;
    o.inputs.occurrences = writeText(dir.file("occ.csv"), csv);
    o.train.model = {
        {"input", "coords"},
        {"encoder", {{"name", "wrap"}}},
        {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 16}, {"num_blocks", 1}}}};
    o.train.epochs = 3;
    o.train.batchSize = 16;
    o.train.learningRate = 1e-2;
    o.train.threads = 1;
    o.train.seed = 3;
    o.folds = "column:fold";
    o.backgroundPoints = 200;
    return o;
}

} // namespace

TEST(CrossValidation, ColumnFoldsHoldOutExactlyTheGivenRecords)
{
    TempDir dir;
    auto o = syntheticCv(dir);
    double lastFraction = -1.0;
    bool monotone = true;
    std::set<std::string> messages;
    const auto report = rasters::crossValidate(o,
                                               [&](double fraction, const std::string& message)
                                               {
                                                   monotone = monotone && fraction >= lastFraction;
                                                   lastFraction = fraction;
                                                   messages.insert(message.substr(0, 8));
                                                   return true;
                                               });
    EXPECT_TRUE(monotone);
    EXPECT_TRUE(messages.count("fold 3/3") == 1);
    EXPECT_EQ(report.at("folds"), 3);
    // Fold 1: Alpha 10 + Beta 8; fold 2: 8 + 8; fold 3: 6 + 8.
    EXPECT_EQ(report.at("fold_sizes"), (nlohmann::json{18, 16, 14}));
    const std::vector<int> expected = {18, 16, 14};
    for (std::size_t f = 0; f < 3; ++f)
    {
        const auto& row = report.at("per_fold")[f];
        EXPECT_EQ(row.at("label"), std::to_string(f + 1));
        EXPECT_EQ(row.at("test_records"), expected[f]);
        EXPECT_EQ(row.at("train_records"), 48 - expected[f]);
        EXPECT_EQ(row.at("species_evaluated"), 2);
        EXPECT_EQ(row.at("background_points"), 200);
    }
    EXPECT_EQ(report.at("summary").at("mean_auc").at("folds"), 3);

    // Cancelling during the second fold's training stops with geoinr::Cancelled.
    EXPECT_THROW(rasters::crossValidate(o, [](double, const std::string& message)
                                        { return message.rfind("fold 2/3: epoch", 0) != 0; }),
                 geoinr::Cancelled);
}

TEST(CrossValidation, BadFoldInputsNameTheFileAndField)
{
    TempDir dir;
    auto o = syntheticCv(dir);
    o.folds = "column:nofold";
    try
    {
        rasters::crossValidate(o);
        FAIL() << "an unknown fold column was accepted";
    }
    catch (const geoinr::Error& e)
    {
        EXPECT_NE(std::string(e.what()).find("occ.csv"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'nofold'"), std::string::npos) << e.what();
    }
    o.folds = "random:1";
    EXPECT_THROW(rasters::crossValidate(o), geoinr::InvalidArgument);
    o.folds = "random:49"; // more folds than the 48 records
    try
    {
        rasters::crossValidate(o);
        FAIL() << "more folds than records were accepted";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("occ.csv"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("random:49"), std::string::npos) << e.what();
    }
}

TEST(CrossValidation, DisdatSubsetGivesPlausibleReproducibleScores)
{
    GEOINR_REQUIRE_DATA_FILE(trainPo, "disdat/SWI/train_po.csv");
    GEOINR_REQUIRE_DATA_FILE(background, "disdat/SWI/background.csv");
    GEOINR_REQUIRE_DATA_FILE(sites, "disdat/SWI/test_pa.csv");
    // Three species of 291, 297 and 482 records.
    TempDir dir;
    std::ifstream in(trainPo);
    std::ofstream out(dir.file("subset.csv"));
    std::string line;
    std::getline(in, line);
    out << line << '\n';
    std::size_t kept = 0;
    while (std::getline(in, line))
    {
        if (line.rfind("\"swi01\"", 0) == 0 || line.rfind("\"swi03\"", 0) == 0 ||
            line.rfind("\"swi15\"", 0) == 0)
        {
            out << line << '\n';
            ++kept;
        }
    }
    out.close();
    ASSERT_EQ(kept, 482U + 291U + 297U);

    rasters::CrossValidationOptions o;
    o.inputs.occurrences = dir.file("subset.csv");
    o.inputs.occurrenceOptions.speciesColumn = "spid";
    o.inputs.tableCovariates = {"bcc",    "calc",  "ccc",    "ddeg", "nutri",  "pday", "precyy",
                                "sfroyy", "slope", "sradyy", "swb",  "tavecc", "topo"};
    o.inputs.categorical = {"calc"};
    o.inputs.backgroundFile = background;
    o.train.model = {
        {"input", "env"},
        {"encoder", {{"name", "wrap"}}},
        {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 64}, {"num_blocks", 2}}}};
    o.train.pseudoAbsences = core::PseudoAbsenceKind::Background;
    o.train.epochs = 20;
    o.train.batchSize = 64;
    o.train.learningRate = 2e-3;
    o.train.threads = 1;
    o.train.seed = 1;
    o.folds = "blocks:0.5:3";
    o.sites = sites;
    core::reuseLargeAllocations(); // as the CLI does: 10x faster here
    const auto a = rasters::crossValidate(o);
    const auto& s = a.at("summary");
    // Measured once (GeoINR, this configuration): AUC 0.843 +- 0.017, Boyce 0.758 +- 0.208,
    // sites AUC 0.642 (the R peers reach 0.65 to 0.85 on these species with all their data),
    // OR(10p) 0.183. Asserted as ranges: a model that learned the species' environments.
    const auto mean = [&s](const char* metric)
    {
        return s.at(metric).at("mean").get<double>();
    };
    EXPECT_GT(mean("mean_auc"), 0.75);
    EXPECT_LT(mean("mean_auc"), 0.95);
    EXPECT_GT(mean("mean_boyce"), 0.4);
    EXPECT_GT(mean("sites_mean_auc"), 0.58);
    EXPECT_LT(mean("sites_mean_auc"), 0.9);
    EXPECT_GT(mean("sites_mean_tss"), 0.05);
    EXPECT_LT(mean("mean_or_mtp"), 0.1); // MTP omits few held-out presences
    EXPECT_GT(mean("mean_or_10p"), mean("mean_or_mtp"));
    EXPECT_EQ(s.at("mean_auc").at("folds"), 3);
    EXPECT_EQ(a.at("per_fold")[0].at("sites").at("species_evaluated"), 3);
    EXPECT_EQ(a.at("background_points"), 10000);

    const auto b = rasters::crossValidate(o);
    EXPECT_EQ(a.at("fold_sizes"), b.at("fold_sizes"));
    for (std::size_t f = 0; f < 3; ++f)
    {
        EXPECT_EQ(a.at("per_fold")[f].at("per_species"), b.at("per_fold")[f].at("per_species"));
        EXPECT_EQ(a.at("per_fold")[f].at("sites"), b.at("per_fold")[f].at("sites"));
    }
}
