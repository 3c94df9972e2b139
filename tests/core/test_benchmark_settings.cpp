// SPDX-License-Identifier: MIT
// The bundled locationencoder settings translate to GeoINR models of the paper's sizes, and the
// classification metrics match hand counts.
#include <geoinr/core/benchmark_settings.h>
#include <geoinr/core/classifier_fit.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/range_model.h>

#include <gtest/gtest.h>

#include <cmath>

using geoinr::core::benchmarkRunOptions;
using geoinr::core::bundledBenchmarkHparams;

TEST(BenchmarkSettings, LandOceanShSirenIsThePapersModel)
{
    const auto o =
        benchmarkRunOptions(bundledBenchmarkHparams(), "land-ocean", "sphericalharmonics", "siren");
    EXPECT_EQ(o.encoder, (nlohmann::json{{"name", "spherical_harmonics"}, {"L", 10}}));
    EXPECT_EQ(o.network,
              (nlohmann::json{{"name", "siren"}, {"hidden_dim", 64}, {"num_layers", 2}}));
    EXPECT_DOUBLE_EQ(o.learningRate, 0.0001421671897373);
    EXPECT_DOUBLE_EQ(o.weightDecay, 0.0036709986823345);
    EXPECT_EQ(o.maxEpochs, 500);
    EXPECT_EQ(o.patience, 30);
    EXPECT_EQ(o.batchSize, 2000);
}

TEST(BenchmarkSettings, EveryEntryBuildsAModelOfTheExpectedEncodingSize)
{
    // locationencoder's sizes (science.md §2.3, §2.5): spherec 6F, spherecplus 12F, spherem 10F,
    // spheremplus 16F (every feature twice), grid 4F, theory 6F, SH L^2.
    const auto expectedDim = [](const std::string& pe, const nlohmann::json& run) -> std::int64_t
    {
        const auto f = run.value("frequency_num", 0);
        if (pe == "direct")
        {
            return 2;
        }
        if (pe == "cartesian3d")
        {
            return 3;
        }
        if (pe == "wrap")
        {
            return 4;
        }
        if (pe == "grid")
        {
            return 4 * f;
        }
        if (pe == "theory" || pe == "spherec")
        {
            return 6 * f;
        }
        if (pe == "spherecplus")
        {
            return 12 * f;
        }
        if (pe == "spherem")
        {
            return 10 * f;
        }
        if (pe == "spheremplus")
        {
            return 16 * f;
        }
        const auto l = run.at("legendre_polys").get<std::int64_t>();
        return l * l;
    };
    int built = 0;
    for (const std::string task : {"land-ocean", "checkerboard"})
    {
        const auto& runs = bundledBenchmarkHparams().at(task).at("runs");
        for (const auto& pe : geoinr::core::benchmarkEncoderNames())
        {
            for (const auto& nn : geoinr::core::benchmarkNetworkNames())
            {
                const auto o = benchmarkRunOptions(bundledBenchmarkHparams(), task, pe, nn);
                const auto model = geoinr::core::makeRangeModel(
                    {{"encoder", o.encoder}, {"network", o.network}, {"num_classes", 16}});
                EXPECT_EQ(model->encoder()->outputDim(), expectedDim(pe, runs.at(pe + "-" + nn)))
                    << task << " " << pe << "-" << nn;
                ++built;
            }
        }
    }
    EXPECT_EQ(built, 60);
}

TEST(BenchmarkSettings, UnknownEntriesAreNamed)
{
    try
    {
        benchmarkRunOptions(bundledBenchmarkHparams(), "land-ocean", "sphericalharmonics",
                            "transformer");
        FAIL() << "expected an error";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("sphericalharmonics-transformer"), std::string::npos);
    }
}

TEST(ClassificationMetrics, JaccardBinaryAndMacroByHand)
{
    // Binary: class 1 has TP = 2, FP = 1, FN = 1 -> 2 / 4.
    EXPECT_DOUBLE_EQ(geoinr::core::jaccardIndex({1, 1, 1, 0, 0}, {1, 1, 0, 1, 0}, 2), 0.5);
    // Macro over classes {0, 1, 2} (2 only predicted): class 0 {0,1} vs {0}: 1/2; class 1
    // {2,3} vs {1,2}: 1/3; class 2 {} vs {3}: 0.
    EXPECT_DOUBLE_EQ(geoinr::core::jaccardIndex({0, 0, 1, 1}, {0, 1, 1, 2}, 3),
                     (1.0 / 2 + 1.0 / 3 + 0.0) / 3);
    EXPECT_THROW(geoinr::core::jaccardIndex({0}, {0, 1}, 2), geoinr::InvalidArgument);
}

TEST(ClassificationMetrics, AccuracyByLatitudeBands)
{
    geoinr::core::LabelledPoints truth;
    truth.lonLat = {0, -89, 0, -80, 0, 5, 0, 89.9};
    truth.labels = {1, 1, 2, 3};
    const auto acc = geoinr::core::accuracyByLatitude(truth, {1, 0, 2, 3}, 90.0);
    ASSERT_EQ(acc.size(), 2U);
    EXPECT_DOUBLE_EQ(acc[0], 0.5); // south: one of two right
    EXPECT_DOUBLE_EQ(acc[1], 1.0);
    const auto fine = geoinr::core::accuracyByLatitude(truth, {1, 0, 2, 3}, 10.0);
    EXPECT_EQ(fine.size(), 18U);
    EXPECT_TRUE(std::isnan(fine[5]));
}

TEST(ClassifierFit, RejectsLabelsOutsideTheClasses)
{
    geoinr::core::ClassificationTask task;
    task.name = "tiny";
    task.numClasses = 2;
    task.train.lonLat = {0, 0, 10, 10};
    task.train.labels = {0, 2};
    task.test = task.train;
    geoinr::core::ClassifierFitOptions o;
    o.patience = 0;
    try
    {
        geoinr::core::fitClassifier(task, o);
        FAIL() << "expected an error";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("tiny train: point 1 has label 2"), std::string::npos)
            << e.what();
    }
}
