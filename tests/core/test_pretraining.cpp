// SPDX-License-Identifier: MIT
// Contrastive pretraining (pretraining.h): the InfoNCE value, learning, resume, and starting a
// species model from the pretrained encoder (--init-from, --freeze-pretrained).
#include "../support/temp_dir.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/nn/pretraining_init.h>
#include <geoinr/core/pretraining.h>
#include <geoinr/core/training.h>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <random>

namespace
{

using geoinr::core::PretrainingSet;
using geoinr::core::PretrainOptions;

constexpr double kPi = 3.14159265358979323846;

/** n locations uniform on the sphere; features a smooth function of them (and a constant). */
PretrainingSet smoothTask(std::size_t n)
{
    PretrainingSet d;
    d.featureNames = {"z", "xy", "wave", "constant"};
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (std::size_t i = 0; i < n; ++i)
    {
        const double lon = -180.0 + 360.0 * u(rng);
        const double lat = std::asin(2.0 * u(rng) - 1.0) * 180.0 / kPi;
        d.lonLat.push_back(static_cast<float>(lon));
        d.lonLat.push_back(static_cast<float>(lat));
        const double phi = lon * kPi / 180.0;
        const double th = lat * kPi / 180.0;
        d.features.push_back(static_cast<float>(std::sin(th)));
        d.features.push_back(static_cast<float>(std::cos(th) * std::cos(phi)));
        d.features.push_back(static_cast<float>(std::sin(2.0 * phi) * std::cos(th)));
        d.features.push_back(1.0F);
    }
    return d;
}

/** A small location model: SH L = 4 -> SIREN 32 x 1, 16-d embedding. */
PretrainOptions smallOptions()
{
    PretrainOptions o;
    o.model = {{"input", "coords"},
               {"encoder", {{"name", "spherical_harmonics"}, {"L", 4}}},
               {"network", {{"name", "siren"}, {"hidden_dim", 32}, {"num_layers", 1}}}};
    o.embeddingDim = 16;
    o.featureNetwork = {{"name", "mlp"}, {"hidden_dim", 32}, {"num_layers", 1}};
    o.batchSize = 64;
    o.epochs = 10;
    o.learningRate = 3e-3;
    o.seed = 4;
    o.threads = 1;
    return o;
}

std::map<std::string, torch::Tensor> tensorsOf(const std::string& checkpoint)
{
    const auto loaded = geoinr::core::loadCheckpoint(checkpoint);
    std::map<std::string, torch::Tensor> out;
    for (const auto& p : loaded.model->named_parameters())
    {
        out[p.key()] = p.value().clone();
    }
    for (const auto& [name, t] : loaded.extra)
    {
        out["extra." + name] = t;
    }
    return out;
}

TEST(InfoNce, MatchesHandComputation)
{
    // a = [[1,0],[0,2],[1,1]], b = [[2,0],[1,1],[0,-1]], exp(logScale) = 2. Computed once with
    // numpy: rows L2-normalised, L = 2 a_n b_n^T, CE over rows = 1.5491118129843375, over columns
    // = 1.1983806468267104, mean = 1.373746229905524.
    const std::vector<float> a = {1, 0, 0, 2, 1, 1};
    const std::vector<float> b = {2, 0, 1, 1, 0, -1};
    EXPECT_NEAR(geoinr::core::infoNceLoss(a, b, 3, 2, std::log(2.0)), 1.373746229905524, 1e-9);
    // Symmetric in its two sides.
    EXPECT_NEAR(geoinr::core::infoNceLoss(b, a, 3, 2, std::log(2.0)), 1.373746229905524, 1e-9);
    // Identical orthogonal pairs at a large scale: each row's softmax is all on the diagonal.
    const std::vector<float> eye = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    EXPECT_NEAR(geoinr::core::infoNceLoss(eye, eye, 3, 3, std::log(100.0)), 0.0, 1e-12);
    EXPECT_THROW(geoinr::core::infoNceLoss(a, b, 3, 3, 0.0), geoinr::InvalidArgument);
}

TEST(Pretraining, LossFallsOnSmoothTask)
{
    const auto data = smoothTask(512);
    auto o = smallOptions();
    const auto report = geoinr::core::pretrainLocationEncoder(data, o);
    EXPECT_EQ(report.epochsCompleted, 10);
    EXPECT_EQ(report.stepsCompleted, 80); // 512 / 64 per epoch
    // Chance level is ln(64) = 4.16; the first step is close to it.
    EXPECT_GT(report.firstLoss, 3.9);
    EXPECT_LT(report.finalLoss, 0.75 * report.firstLoss);
    EXPECT_GE(report.logitScale, 1.0);
    EXPECT_LE(report.logitScale, 100.0 + 1e-3);
}

TEST(Pretraining, ResumeReachesTheSameWeights)
{
    geoinr::test::TempDir dir;
    const auto data = smoothTask(256);
    auto o = smallOptions();
    o.epochs = 3;
    o.checkpointPath = dir.file("full.ckpt");
    geoinr::core::pretrainLocationEncoder(data, o);

    o.checkpointPath = dir.file("part.ckpt");
    int calls = 0;
    const auto stopAt5 = [&](double, const std::string&)
    {
        return ++calls < 5;
    };
    const auto first = geoinr::core::pretrainLocationEncoder(data, o, stopAt5);
    ASSERT_TRUE(first.cancelled);
    EXPECT_EQ(first.stepsCompleted, 5);
    o.resumeFrom = dir.file("part.ckpt");
    const auto second = geoinr::core::pretrainLocationEncoder(data, o);
    EXPECT_FALSE(second.cancelled);
    EXPECT_EQ(second.stepsCompleted, 12 - 5);

    const auto full = tensorsOf(dir.file("full.ckpt"));
    const auto resumed = tensorsOf(dir.file("part.ckpt"));
    ASSERT_EQ(full.size(), resumed.size());
    for (const auto& [name, t] : full)
    {
        ASSERT_TRUE(resumed.count(name)) << name;
        EXPECT_TRUE(torch::equal(t, resumed.at(name))) << name;
    }
    EXPECT_TRUE(full.count("extra.features.head.weight"));
    EXPECT_TRUE(full.count("extra.logit_scale"));

    // A finished run cannot be resumed; other data is refused.
    o.resumeFrom = dir.file("full.ckpt");
    EXPECT_THROW(geoinr::core::pretrainLocationEncoder(data, o), geoinr::InvalidArgument);
}

TEST(Pretraining, CheckpointIsALocationRangeModel)
{
    geoinr::test::TempDir dir;
    auto o = smallOptions();
    o.epochs = 1;
    o.checkpointPath = dir.file("p.ckpt");
    geoinr::core::pretrainLocationEncoder(smoothTask(128), o);
    const auto loaded = geoinr::core::loadCheckpoint(o.checkpointPath);
    EXPECT_EQ(loaded.model->numClasses(), 16); // the embedding
    const auto& meta = loaded.header.at("metadata");
    EXPECT_EQ(meta.at("pretraining").at("objective"), "symmetric_infonce");
    EXPECT_EQ(meta.at("pretraining").at("features").size(), 4U);
    EXPECT_TRUE(meta.at("training_state").at("complete").get<bool>());
}

TEST(Pretraining, BadOptionsNameTheOption)
{
    const auto data = smoothTask(32);
    auto o = smallOptions();
    o.batchSize = 1;
    EXPECT_THROW(geoinr::core::pretrainLocationEncoder(data, o), geoinr::InvalidArgument);
    o = smallOptions();
    o.model["input"] = "env";
    EXPECT_THROW(geoinr::core::pretrainLocationEncoder(data, o), geoinr::InvalidArgument);
    auto bad = data;
    bad.features[5] = std::nanf("");
    EXPECT_THROW(geoinr::core::pretrainLocationEncoder(bad, smallOptions()),
                 geoinr::InvalidArgument);
    EXPECT_THROW(geoinr::core::pretrainPresetModel("l20"), geoinr::InvalidArgument);
    EXPECT_EQ(geoinr::core::pretrainPresetModel("l40").at("encoder").at("L"), 40);
}

/** A pretrained checkpoint of the small model, in `dir`. */
std::string pretrained(const geoinr::test::TempDir& dir)
{
    auto o = smallOptions();
    o.epochs = 2;
    o.checkpointPath = dir.file("pretrained.ckpt");
    geoinr::core::pretrainLocationEncoder(smoothTask(256), o);
    return o.checkpointPath;
}

nlohmann::json speciesModel(const PretrainOptions& o, std::int64_t classes)
{
    auto m = o.model;
    m["num_classes"] = classes;
    m["seed"] = 99;
    return m;
}

TEST(InitFromPretrained, CopiesTrunkSoFeaturesMatch)
{
    geoinr::test::TempDir dir;
    const auto path = pretrained(dir);
    auto model = geoinr::core::makeRangeModel(speciesModel(smallOptions(), 3));
    const auto copied = geoinr::core::initFromPretrained(*model, path, false);
    // SH has no weights: the SIREN layer (weight, bias) is copied, the 3-species head is not.
    EXPECT_EQ(copied,
              (std::vector<std::string>{"network.layers.0.weight", "network.layers.0.bias"}));
    const auto source = geoinr::core::loadCheckpoint(path).model;
    const auto x = torch::tensor({{10.0F, 20.0F}, {-120.0F, -45.0F}, {179.0F, 89.0F}});
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::allclose(model->features(x), source->features(x), 0.0, 0.0));
    EXPECT_TRUE(model->named_parameters()["network.layers.0.weight"].requires_grad());

    // Nothing to copy from a different network: a clear error.
    auto other = speciesModel(smallOptions(), 3);
    other["network"]["hidden_dim"] = 8;
    auto mismatch = geoinr::core::makeRangeModel(other);
    EXPECT_THROW(geoinr::core::initFromPretrained(*mismatch, path, false), geoinr::InvalidArgument);
}

TEST(InitFromPretrained, FrozenTrunkStaysWhileHeadTrains)
{
    geoinr::test::TempDir dir;
    const auto path = pretrained(dir);
    geoinr::core::TrainingSet data;
    data.speciesNames = {"a", "b"};
    std::mt19937 rng(3);
    std::normal_distribution<float> jitter(0.0F, 5.0F);
    for (int i = 0; i < 100; ++i)
    {
        data.classIds.push_back(i % 2);
        data.lonLat.push_back((i % 2 ? 30.0F : -70.0F) + jitter(rng));
        data.lonLat.push_back((i % 2 ? 10.0F : -10.0F) + jitter(rng));
    }
    geoinr::core::TrainOptions t;
    t.model = smallOptions().model;
    t.epochs = 2;
    t.batchSize = 32;
    t.learningRate = 1e-2;
    t.weightDecay = 1e-2; // decay must not move frozen weights either
    t.seed = 99;
    t.threads = 1;
    t.initFrom = path;
    t.freezePretrained = true;
    t.checkpointPath = dir.file("species.ckpt");
    geoinr::core::trainRangeModel(data, t);

    const auto before = tensorsOf(path);
    const auto after = tensorsOf(t.checkpointPath);
    for (const auto* name : {"network.layers.0.weight", "network.layers.0.bias"})
    {
        EXPECT_TRUE(torch::equal(before.at(name), after.at(name))) << name;
    }
    // The head started from the species model's own initialisation (its config and seed) and
    // moved.
    const auto trained = geoinr::core::loadCheckpoint(t.checkpointPath);
    const auto initial = geoinr::core::makeRangeModel(trained.header.at("model"));
    EXPECT_FALSE(torch::allclose(initial->named_parameters()["network.head.weight"],
                                 after.at("network.head.weight")));
    const auto& init = trained.header.at("metadata").at("training").at("init_from");
    EXPECT_TRUE(init.at("frozen").get<bool>());
    EXPECT_EQ(init.at("copied_parameters").size(), 2U);

    // A cancelled frozen run resumes frozen, to the same weights as the uninterrupted one.
    t.checkpointPath = dir.file("resumed.ckpt");
    int calls = 0;
    const auto stopAt2 = [&](double, const std::string&)
    {
        return ++calls < 2;
    };
    ASSERT_TRUE(geoinr::core::trainRangeModel(data, t, nullptr, nullptr, stopAt2).cancelled);
    t.resumeFrom = t.checkpointPath;
    geoinr::core::trainRangeModel(data, t);
    t.resumeFrom.clear();
    const auto resumed = tensorsOf(t.checkpointPath);
    EXPECT_TRUE(
        torch::equal(before.at("network.layers.0.weight"), resumed.at("network.layers.0.weight")));
    EXPECT_TRUE(torch::equal(after.at("network.head.weight"), resumed.at("network.head.weight")));

    // Without freezing, the copied trunk trains too.
    t.freezePretrained = false;
    t.checkpointPath = dir.file("unfrozen.ckpt");
    geoinr::core::trainRangeModel(data, t);
    EXPECT_FALSE(torch::equal(before.at("network.layers.0.weight"),
                              tensorsOf(t.checkpointPath).at("network.layers.0.weight")));
}

} // namespace
