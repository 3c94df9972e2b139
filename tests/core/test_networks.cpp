// SPDX-License-Identifier: MIT
// Networks and RangeModel: forward passes recomputed by hand from the named parameters.
#include "test_errors.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/encoder.h>
#include <geoinr/core/nn/network.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/runtime_info.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace
{

using geoinr::core::makeNetwork;
using geoinr::core::makeRangeModel;
using nlohmann::json;

std::map<std::string, torch::Tensor> params(const torch::nn::Module& module)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& item : module.named_parameters())
    {
        out[item.key()] = item.value().detach();
    }
    return out;
}

std::int64_t countParameters(const torch::nn::Module& module)
{
    std::int64_t n = 0;
    for (const auto& p : module.parameters())
    {
        n += p.numel();
    }
    return n;
}

torch::Tensor affine(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b = {})
{
    auto y = x.matmul(w.t());
    return b.defined() ? y + b : y;
}

using geoinr::test::invalidArgumentMessage;

torch::Tensor sampleLonLat(std::int64_t n)
{
    return torch::stack({torch::rand({n}) * 360.0 - 180.0, torch::rand({n}) * 180.0 - 90.0}, 1);
}

TEST(Networks, ResidualFcnetMatchesManualForwardInEvalMode)
{
    torch::manual_seed(0);
    const std::int64_t in = 6;
    const std::int64_t h = 16;
    const std::int64_t s = 5;
    auto net =
        makeNetwork({{"name", "residual_fcnet"}, {"hidden_dim", h}, {"num_blocks", 3}}, in, s);
    net->eval();
    EXPECT_EQ(net->featureDim(), h);
    EXPECT_EQ(net->inputDim(), in);
    EXPECT_EQ(net->numOutputs(), s);
    EXPECT_FALSE(net->head()->bias.defined()) << "SINR's class head has no bias";

    const auto p = params(*net);
    EXPECT_EQ(p.count("head.bias"), 0U);
    ASSERT_EQ(p.count("input.weight"), 1U);
    ASSERT_EQ(p.count("head.weight"), 1U);
    EXPECT_EQ(p.at("input.weight").sizes(), (std::vector<std::int64_t>{h, in}));
    EXPECT_EQ(p.at("head.weight").sizes(), (std::vector<std::int64_t>{s, h}));
    EXPECT_EQ(p.size(), 2U + 1U + 3U * 4U); // input (W, b), head W, 3 blocks x (w1, w2) x (W, b)

    const auto x = torch::randn({9, in});
    auto e = torch::relu(affine(x, p.at("input.weight"), p.at("input.bias")));
    for (int k = 0; k < 3; ++k)
    {
        const auto prefix = "blocks." + std::to_string(k) + ".";
        ASSERT_EQ(p.count(prefix + "w1.weight"), 1U) << prefix;
        auto y = torch::relu(affine(e, p.at(prefix + "w1.weight"), p.at(prefix + "w1.bias")));
        y = torch::relu(affine(y, p.at(prefix + "w2.weight"), p.at(prefix + "w2.bias")));
        e = e + y; // second ReLU before the residual add
    }
    const auto logits = affine(e, p.at("head.weight"));
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::allclose(net->features(x), e, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(net->forward(x), logits, 1e-5, 1e-6));

    // In training mode dropout (p = 0.5) is active: two passes differ, eval passes do not.
    net->train();
    EXPECT_FALSE(torch::equal(net->forward(x), net->forward(x)));
    net->eval();
    EXPECT_TRUE(torch::equal(net->forward(x), net->forward(x)));
}

TEST(Networks, ResidualFcnetHeadBiasOption)
{
    auto net =
        makeNetwork({{"name", "residual_fcnet"}, {"hidden_dim", 8}, {"head_bias", true}}, 4, 3);
    EXPECT_TRUE(net->head()->bias.defined());
    EXPECT_EQ(params(*net).count("head.bias"), 1U);
}

TEST(Networks, SirenInitialisationBoundsAndForward)
{
    torch::manual_seed(1);
    const std::int64_t in = 16;
    const std::int64_t h = 32;
    const std::int64_t s = 5;
    auto net = makeNetwork({{"name", "siren"}, {"hidden_dim", h}, {"num_layers", 2}}, in, s);
    net->eval();
    const auto p = params(*net);
    ASSERT_EQ(p.count("layers.0.weight"), 1U);
    ASSERT_EQ(p.count("layers.1.weight"), 1U);
    ASSERT_EQ(p.count("head.bias"), 1U);

    const auto checkBound = [&](const std::string& name, double bound)
    {
        const double maxAbs = p.at(name).abs().max().item<double>();
        EXPECT_LE(maxAbs, bound) << name;
        // Uniform draws fill the range: the bound is the actual init scale, not a loose cap.
        EXPECT_GT(maxAbs, 0.5 * bound) << name;
    };
    checkBound("layers.0.weight", 1.0 / in);
    checkBound("layers.0.bias", 1.0 / in);
    checkBound("layers.1.weight", std::sqrt(6.0 / h) / 1.0);
    checkBound("layers.1.bias", std::sqrt(6.0 / h) / 1.0);
    checkBound("head.weight", std::sqrt(6.0 / h));
    checkBound("head.bias", std::sqrt(6.0 / h));

    const auto x = torch::randn({7, in});
    const auto h1 = torch::sin(30.0 * affine(x, p.at("layers.0.weight"), p.at("layers.0.bias")));
    const auto h2 = torch::sin(1.0 * affine(h1, p.at("layers.1.weight"), p.at("layers.1.bias")));
    const auto logits = affine(h2, p.at("head.weight"), p.at("head.bias"));
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::allclose(net->features(x), h2, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(net->forward(x), logits, 1e-5, 1e-6));
}

TEST(Networks, SirenHiddenBoundScalesWithW0)
{
    torch::manual_seed(2);
    const std::int64_t h = 64;
    auto net = makeNetwork({{"name", "siren"},
                            {"hidden_dim", h},
                            {"num_layers", 3},
                            {"w0", 4.0},
                            {"w0_initial", 10.0}},
                           3, 2);
    const auto p = params(*net);
    const double hidden = std::sqrt(6.0 / h) / 4.0;
    for (const char* name : {"layers.1.weight", "layers.2.weight"})
    {
        const double maxAbs = p.at(name).abs().max().item<double>();
        EXPECT_LE(maxAbs, hidden) << name;
        EXPECT_GT(maxAbs, 0.5 * hidden) << name;
    }
    // The head keeps w0 = 1 (science.md §3.4).
    EXPECT_GT(p.at("head.weight").abs().max().item<double>(), 0.5 * std::sqrt(6.0 / h));

    net->eval();
    const auto x = torch::randn({4, 3});
    auto e = torch::sin(10.0 * affine(x, p.at("layers.0.weight"), p.at("layers.0.bias")));
    e = torch::sin(4.0 * affine(e, p.at("layers.1.weight"), p.at("layers.1.bias")));
    e = torch::sin(4.0 * affine(e, p.at("layers.2.weight"), p.at("layers.2.bias")));
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::allclose(net->features(x), e, 1e-5, 1e-6));
}

TEST(Networks, LinearIsAnAffineMap)
{
    torch::manual_seed(3);
    auto net = makeNetwork({{"name", "linear"}}, 6, 4);
    EXPECT_EQ(net->featureDim(), 6);
    const auto p = params(*net);
    ASSERT_EQ(p.size(), 2U);
    const auto x = torch::randn({5, 6});
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::allclose(net->forward(x), affine(x, p.at("head.weight"), p.at("head.bias")),
                                1e-5, 1e-6));
    EXPECT_TRUE(torch::equal(net->features(x), x));

    auto noBias = makeNetwork({{"name", "linear"}, {"bias", false}}, 6, 4);
    EXPECT_FALSE(noBias->head()->bias.defined());
    EXPECT_EQ(countParameters(*noBias), 24);
}

TEST(Networks, MlpTiedHiddenSharesOneLayer)
{
    const std::int64_t in = 5;
    const std::int64_t h = 8;
    const std::int64_t s = 3;
    const json base = {{"name", "mlp"}, {"hidden_dim", h}, {"num_layers", 3}};
    auto untiedConfig = base;
    untiedConfig["tied_hidden"] = false;
    auto tiedConfig = base;
    tiedConfig["tied_hidden"] = true;
    torch::manual_seed(4);
    auto untied = makeNetwork(untiedConfig, in, s);
    auto tied = makeNetwork(tiedConfig, in, s);
    const auto common = (in * h + h) + (h * s + s);
    EXPECT_EQ(countParameters(*untied), common + 3 * (h * h + h));
    EXPECT_EQ(countParameters(*tied), common + (h * h + h));
    EXPECT_LT(countParameters(*tied), countParameters(*untied));

    // The tied network applies its single hidden layer three times.
    const auto p = params(*tied);
    ASSERT_EQ(p.count("hidden.0.weight"), 1U);
    const auto x = torch::randn({4, in});
    auto e = torch::relu(affine(x, p.at("input.weight"), p.at("input.bias")));
    for (int k = 0; k < 3; ++k)
    {
        e = torch::relu(affine(e, p.at("hidden.0.weight"), p.at("hidden.0.bias")));
    }
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::allclose(tied->forward(x), affine(e, p.at("head.weight"), p.at("head.bias")),
                                1e-5, 1e-6));
}

TEST(Networks, FfnShapeAndEvalDeterminism)
{
    torch::manual_seed(5);
    auto net = makeNetwork({{"name", "ffn"}, {"output_dim", 12}, {"hidden_dim", 24}}, 7, 4);
    EXPECT_EQ(net->featureDim(), 12);
    EXPECT_FALSE(net->head()->bias.defined());
    const auto x = torch::randn({6, 7});
    torch::NoGradGuard noGrad;
    net->eval();
    const auto a = net->forward(x);
    EXPECT_EQ(a.sizes(), (std::vector<std::int64_t>{6, 4}));
    EXPECT_TRUE(torch::equal(a, net->forward(x)));
    EXPECT_TRUE(torch::isfinite(a).all().item<bool>());
    net->train();
    EXPECT_FALSE(torch::equal(net->forward(x), net->forward(x))) << "dropout 0.5 in training";
}

TEST(RangeModel, EnvAndCoordsConcatenatesEncoderThenCovariates)
{
    auto model = makeRangeModel({{"input", "env+coords"},
                                 {"encoder", {{"name", "wrap"}}},
                                 {"num_env_features", 3},
                                 {"network", {{"name", "linear"}}},
                                 {"num_classes", 4}});
    EXPECT_EQ(model->inputMode(), geoinr::core::InputMode::EnvAndCoords);
    EXPECT_EQ(model->network()->inputDim(), 4 + 3);
    EXPECT_EQ(model->numEnvFeatures(), 3);
    EXPECT_EQ(model->numClasses(), 4);
    torch::manual_seed(6);
    const auto ll = sampleLonLat(5);
    const auto env = torch::randn({5, 3});
    const auto inputs = model->encodeInputs(ll, env);
    const auto expected = torch::cat({model->encoder()->forward(ll), env}, 1);
    EXPECT_TRUE(torch::equal(inputs, expected));
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(torch::allclose(model->forward(ll, env), model->network()->forward(expected)));
}

TEST(RangeModel, EnvOnlyNeedsCovariates)
{
    const auto msg = invalidArgumentMessage(
        [] {
            makeRangeModel({{"input", "env"}, {"num_classes", 2}});
        });
    EXPECT_NE(msg.find("model.num_env_features"), std::string::npos) << msg;

    auto model = makeRangeModel({{"input", "env"},
                                 {"num_env_features", 2},
                                 {"num_classes", 2},
                                 {"network", {{"name", "linear"}}}});
    EXPECT_EQ(model->encoder(), nullptr);
    EXPECT_EQ(model->network()->inputDim(), 2);
    const auto env = torch::randn({3, 2});
    EXPECT_TRUE(torch::equal(model->encodeInputs(torch::zeros({3, 2}), env), env));
}

TEST(RangeModel, WrongCovariateWidthIsRejected)
{
    auto model = makeRangeModel({{"input", "env+coords"},
                                 {"encoder", {{"name", "xyz"}}},
                                 {"num_env_features", 3},
                                 {"num_classes", 2}});
    const auto ll = sampleLonLat(4);
    auto msg = invalidArgumentMessage([&] { model->forward(ll, torch::randn({4, 5})); });
    EXPECT_NE(msg.find("covariates"), std::string::npos) << msg;
    EXPECT_NE(msg.find("3"), std::string::npos) << msg;
    msg = invalidArgumentMessage([&] { model->forward(ll); });
    EXPECT_NE(msg.find("covariates"), std::string::npos) << msg;
    msg = invalidArgumentMessage([&] { model->forward(ll, torch::randn({6, 3})); });
    EXPECT_NE(msg.find("covariates"), std::string::npos) << msg;
    // Bad coordinates are still validated through the model.
    msg = invalidArgumentMessage(
        [&] {
            model->forward(torch::tensor({{0.0F, 0.0F}, {0.0F, 100.0F}}), torch::randn({2, 3}));
        });
    EXPECT_NE(msg.find("row 1 "), std::string::npos) << msg;
}

TEST(RangeModel, LogitsForSpeciesSubsetEqualsForwardColumns)
{
    for (const char* network : {"residual_fcnet", "linear", "siren"})
    {
        SCOPED_TRACE(network);
        json netConfig = {{"name", network}};
        if (std::string(network) != "linear")
        {
            netConfig["hidden_dim"] = 16;
        }
        auto model = makeRangeModel({{"encoder", {{"name", "spherical_harmonics"}, {"L", 3}}},
                                     {"network", netConfig},
                                     {"num_classes", 6},
                                     {"seed", 9}});
        model->eval();
        torch::manual_seed(7);
        const auto ll = sampleLonLat(8);
        const auto species = torch::tensor({4, 0, 2, 4}, torch::kLong);
        torch::NoGradGuard noGrad;
        const auto all = model->forward(ll);
        const auto subset = model->logitsFor(ll, {}, species);
        ASSERT_EQ(subset.sizes(), (std::vector<std::int64_t>{8, 4}));
        EXPECT_TRUE(torch::allclose(subset, all.index_select(1, species), 1e-5, 1e-6));
        EXPECT_TRUE(torch::equal(model->features(ll),
                                 model->network()->features(model->encoder()->forward(ll))));
    }
}

TEST(RangeModel, SinrDefaultParameterCount)
{
    const std::int64_t s = 37;
    auto model = makeRangeModel({{"encoder", {{"name", "wrap"}}}, {"num_classes", s}});
    EXPECT_EQ(model->config().at("network").at("name"), "residual_fcnet");
    EXPECT_EQ(model->network()->featureDim(), 256);
    const std::int64_t expected = 4 * 256 + 256 + 4 * 2 * (256 * 256 + 256) + 256 * s;
    EXPECT_EQ(countParameters(*model), expected);
}

/**
 * A training pass (gradients recorded, float32 on CPU: the oneDNN GEMM path when the build has it)
 * against the same network in float64, which LibTorch computes on its own path: logits and every
 * parameter's gradient agree to float32 rounding, dropout masks included (the fused residual
 * block must reproduce fastDropout's). Frozen layers get no gradient.
 */
void expectTrainingPassMatchesFloat64(const json& cfg, bool freezeFirstLayer)
{
    torch::manual_seed(3);
    const std::int64_t in = 7;
    const std::int64_t s = 37;
    auto net32 = makeNetwork(cfg, in, s);
    auto net64 = makeNetwork(cfg, in, s);
    {
        torch::NoGradGuard noGrad;
        const auto source = net32->named_parameters();
        for (auto& item : net64->named_parameters())
        {
            item.value().copy_(source[item.key()]);
        }
    }
    net64->to(torch::kFloat64);
    const std::string first = cfg.at("name") == "siren" ? "layers.0." : "input.";
    for (auto* net : {&net32, &net64})
    {
        (*net)->train();
        if (freezeFirstLayer)
        {
            for (auto& item : (*net)->named_parameters())
            {
                if (item.key().rfind(first, 0) == 0)
                {
                    item.value().set_requires_grad(false);
                }
            }
        }
    }
    // 301 rows: not a multiple of any kernel's block size.
    const auto x = torch::randn({301, in});
    const auto weights = torch::randn({301, s});
    // The same generator state for both passes: dropout draws the same mask seeds.
    torch::manual_seed(11);
    const auto logits32 = net32->forward(x);
    torch::manual_seed(11);
    const auto logits64 = net64->forward(x.to(torch::kFloat64));
    (logits32 * weights).sum().backward();
    (logits64 * weights.to(torch::kFloat64)).sum().backward();
    EXPECT_TRUE(
        torch::allclose(logits32.detach().to(torch::kFloat64), logits64.detach(), 1e-4, 1e-5))
        << cfg.dump();
    const auto reference = net64->named_parameters();
    for (const auto& item : net32->named_parameters())
    {
        const auto& g64 = reference[item.key()].grad();
        if (!item.value().requires_grad())
        {
            EXPECT_FALSE(item.value().grad().defined()) << item.key();
            continue;
        }
        ASSERT_TRUE(item.value().grad().defined()) << item.key();
        const auto diff =
            (item.value().grad().to(torch::kFloat64) - g64).abs().max().item<double>();
        const auto scale = g64.abs().max().item<double>();
        EXPECT_LE(diff, 1e-4 * scale + 1e-6) << cfg.dump() << " " << item.key();
    }
}

TEST(Networks, TrainingPassMatchesFloat64ForEveryLinearLayer)
{
    SCOPED_TRACE("training GEMMs: " + geoinr::core::trainingGemmLibrary());
    expectTrainingPassMatchesFloat64(
        {{"name", "residual_fcnet"}, {"hidden_dim", 64}, {"num_blocks", 2}, {"dropout", 0.0}},
        false);
    expectTrainingPassMatchesFloat64(
        {{"name", "residual_fcnet"}, {"hidden_dim", 64}, {"num_blocks", 3}, {"dropout", 0.5}},
        false);
    expectTrainingPassMatchesFloat64({{"name", "residual_fcnet"},
                                      {"hidden_dim", 64},
                                      {"num_blocks", 1},
                                      {"dropout", 0.0},
                                      {"head_bias", true}},
                                     true);
    expectTrainingPassMatchesFloat64({{"name", "siren"}, {"hidden_dim", 32}}, false);
    expectTrainingPassMatchesFloat64({{"name", "siren"}, {"hidden_dim", 32}}, true);
    expectTrainingPassMatchesFloat64({{"name", "mlp"}, {"hidden_dim", 32}}, false);

    // A wrong input width during training is LibTorch's shape error, not a read past the input.
    auto net = makeNetwork({{"name", "residual_fcnet"}, {"hidden_dim", 16}}, 7, 3);
    net->train();
    EXPECT_THROW(net->forward(torch::randn({5, 6})), c10::Error);
}

} // namespace
