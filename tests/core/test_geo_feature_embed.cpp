// SPDX-License-Identifier: MIT
// Predictor::embed (the Geo Feature embedding, science.md §3.1, §5.6): the species head applied
// to the embeddings, computed here from the checkpoint's own head weights, gives predict()'s
// logits.
#include "temp_dir.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/predictor.h>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

namespace
{

using geoinr::core::Predictor;

struct Case
{
    const char* name;
    nlohmann::json model;
    std::int64_t hidden;
};

/** Logits from embeddings through the checkpoint's head: out[i][s] = Σ_h e[i][h] W[s][h] (+ b). */
std::vector<double> headLogits(const std::string& checkpoint, const std::vector<float>& emb,
                               std::int64_t n)
{
    const auto loaded = geoinr::core::loadCheckpoint(checkpoint);
    const auto& head = loaded.model->network()->head();
    const auto w = head->weight.to(torch::kFloat64).contiguous();
    const auto s = w.size(0), h = w.size(1);
    const auto* wp = w.data_ptr<double>();
    std::vector<double> out(static_cast<std::size_t>(n * s));
    for (std::int64_t i = 0; i < n; ++i)
    {
        for (std::int64_t k = 0; k < s; ++k)
        {
            double v = head->bias.defined() ? head->bias[k].item<double>() : 0.0;
            for (std::int64_t j = 0; j < h; ++j)
            {
                v += static_cast<double>(emb[static_cast<std::size_t>(i * h + j)]) * wp[k * h + j];
            }
            out[static_cast<std::size_t>(i * s + k)] = v;
        }
    }
    return out;
}

TEST(PredictorEmbed, HeadOfEmbeddingGivesPredictLogits)
{
    geoinr::test::TempDir dir;
    const std::vector<Case> cases = {
        {"sinr",
         {{"input", "coords"},
          {"encoder", {{"name", "wrap"}}},
          {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 32}}},
          {"num_classes", 5},
          {"seed", 11}},
         32},
        {"env_siren", // a head with bias, covariates in the input
         {{"input", "env+coords"},
          {"num_env_features", 3},
          {"encoder", {{"name", "wrap"}}},
          {"network", {{"name", "siren"}, {"hidden_dim", 24}}},
          {"num_classes", 4},
          {"seed", 5}},
         24}};
    // 10,000 points: more than one internal batch of 8,192.
    const std::int64_t n = 10000;
    std::vector<float> lonLat, env;
    for (std::int64_t i = 0; i < n; ++i)
    {
        lonLat.push_back(static_cast<float>(-180.0 + 360.0 * std::fmod(i * 0.618034, 1.0)));
        lonLat.push_back(static_cast<float>(-90.0 + 180.0 * std::fmod(i * 0.414214, 1.0)));
        for (int c = 0; c < 3; ++c)
        {
            env.push_back(static_cast<float>(std::sin(0.01 * static_cast<double>(i) + c)));
        }
    }
    for (const auto& c : cases)
    {
        SCOPED_TRACE(c.name);
        const auto path = dir.file(std::string(c.name) + ".ckpt");
        auto model = geoinr::core::makeRangeModel(c.model);
        geoinr::core::saveCheckpoint(path, *model);
        const auto predictor = Predictor::load(path);
        ASSERT_EQ(predictor->embeddingDim(), c.hidden);
        std::vector<float> emb(static_cast<std::size_t>(n * c.hidden), NAN);
        predictor->embed(lonLat.data(), env.data(), n, emb.data());
        const auto s = static_cast<std::int64_t>(predictor->speciesNames().size());
        std::vector<float> logits(static_cast<std::size_t>(n * s));
        predictor->predict(lonLat.data(), env.data(), n, {}, logits.data(),
                           geoinr::core::OutputKind::Logit);
        const auto expected = headLogits(path, emb, n);
        double worst = 0.0;
        for (std::size_t i = 0; i < expected.size(); ++i)
        {
            worst = std::max(worst, std::abs(expected[i] - static_cast<double>(logits[i])) /
                                        (1.0 + std::abs(expected[i])));
        }
        EXPECT_LT(worst, 1e-5);
        // Deterministic, and different places have different embeddings.
        std::vector<float> again(emb.size());
        predictor->embed(lonLat.data(), env.data(), n, again.data());
        EXPECT_EQ(again, emb);
        const std::vector<float> first(emb.begin(), emb.begin() + c.hidden);
        const std::vector<float> second(emb.begin() + c.hidden, emb.begin() + 2 * c.hidden);
        EXPECT_NE(first, second);
    }
}

// Every species asked for in another order: column j must be species ids[j]. predict() used to
// take its whole-head shortcut whenever the list had the model's size and returned model order
// (found by the Geo Prior tests).
TEST(PredictorSpeciesOrder, AFullListInAnotherOrderPermutesTheColumns)
{
    geoinr::test::TempDir dir;
    const auto path = dir.file("order.ckpt");
    auto model =
        geoinr::core::makeRangeModel({{"encoder", {{"name", "wrap"}}},
                                      {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 16}}},
                                      {"num_classes", 3},
                                      {"seed", 2}});
    geoinr::core::saveCheckpoint(path, *model);
    const auto predictor = Predictor::load(path);
    const std::vector<float> lonLat = {10.0F, 20.0F, -70.0F, -15.0F};
    std::vector<float> inOrder(6);
    std::vector<float> reordered(6);
    predictor->predict(lonLat.data(), nullptr, 2, {}, inOrder.data(),
                       geoinr::core::OutputKind::Logit);
    const std::vector<std::int64_t> ids = {2, 0, 1};
    predictor->predict(lonLat.data(), nullptr, 2, ids, reordered.data(),
                       geoinr::core::OutputKind::Logit);
    for (std::size_t i = 0; i < 2; ++i)
    {
        for (std::size_t j = 0; j < 3; ++j)
        {
            EXPECT_FLOAT_EQ(reordered[i * 3 + j],
                            inOrder[i * 3 + static_cast<std::size_t>(ids[j])]);
        }
    }
}

} // namespace
