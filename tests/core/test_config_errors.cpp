// SPDX-License-Identifier: MIT
// Configuration validation: error messages name the field; resolved configs rebuild the model.
#include "test_errors.h"

#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/encoder.h>
#include <geoinr/core/nn/network.h>
#include <geoinr/core/nn/range_model.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace
{

using geoinr::core::makeEncoder;
using geoinr::core::makeRangeModel;
using nlohmann::json;

using geoinr::test::invalidArgumentMessage;

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

TEST(ConfigErrors, UnknownEncoderNameListsKnownNames)
{
    const auto msg = invalidArgumentMessage([] { makeEncoder({{"name", "sphere_x"}}); });
    EXPECT_TRUE(contains(msg, "encoder.name")) << msg;
    EXPECT_TRUE(contains(msg, "sphere_x")) << msg;
    EXPECT_TRUE(contains(msg, "spherical_harmonics")) << msg;
    EXPECT_TRUE(contains(msg, "wrap")) << msg;
    // The torch-free entry points report the same error.
    const auto msg2 = invalidArgumentMessage(
        [] {
            geoinr::core::encoderOutputDim({{"name", "sphere_x"}});
        });
    EXPECT_TRUE(contains(msg2, "encoder.name")) << msg2;
    const auto msg3 = invalidArgumentMessage(
        [] {
            geoinr::core::resolveEncoderConfig({{"name", "sphere_x"}});
        });
    EXPECT_TRUE(contains(msg3, "encoder.name")) << msg3;
}

TEST(ConfigErrors, OutOfRangeIntegerNamesTheField)
{
    const auto msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "spherical_harmonics"}, {"L", -1}});
        });
    EXPECT_TRUE(contains(msg, "encoder.L")) << msg;
    EXPECT_TRUE(contains(msg, "-1")) << msg;
    EXPECT_TRUE(contains(msg, "expected an integer")) << msg;
}

TEST(ConfigErrors, WrongTypeNamesTheFieldAndTheExpectedType)
{
    auto msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "spherical_harmonics"}, {"L", "ten"}});
        });
    EXPECT_TRUE(contains(msg, "encoder.L")) << msg;
    EXPECT_TRUE(contains(msg, "expected an integer")) << msg;
    EXPECT_TRUE(contains(msg, "ten")) << msg;
    // A float where an integer is required is also an error.
    msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "spherical_harmonics"}, {"L", 2.5}});
        });
    EXPECT_TRUE(contains(msg, "encoder.L")) << msg;
    msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "spherical_harmonics"}, {"closed_form_sign", 1}});
        });
    EXPECT_TRUE(contains(msg, "encoder.closed_form_sign")) << msg;
}

TEST(ConfigErrors, UnknownFieldIsRejectedAndKnownFieldsListed)
{
    const auto msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "spherical_harmonics"}, {"Ll", 3}});
        });
    EXPECT_TRUE(contains(msg, "encoder.Ll")) << msg;
    EXPECT_TRUE(contains(msg, "unknown field")) << msg;
    EXPECT_TRUE(contains(msg, "m0_scale")) << msg;
}

TEST(ConfigErrors, MissingOrNonStringNameIsRejected)
{
    auto msg = invalidArgumentMessage([] { makeEncoder({{"L", 3}}); });
    EXPECT_TRUE(contains(msg, "encoder.name")) << msg;
    msg = invalidArgumentMessage([] { makeEncoder({{"name", 3}}); });
    EXPECT_TRUE(contains(msg, "encoder.name")) << msg;
    msg = invalidArgumentMessage([] { makeEncoder(json::array({1, 2})); });
    EXPECT_TRUE(contains(msg, "encoder")) << msg;
}

TEST(ConfigErrors, RangeModelRequiresNumClasses)
{
    const auto msg = invalidArgumentMessage(
        [] {
            makeRangeModel({{"encoder", {{"name", "wrap"}}}});
        });
    EXPECT_TRUE(contains(msg, "model.num_classes")) << msg;
    const auto msg2 = invalidArgumentMessage(
        [] {
            makeRangeModel({{"encoder", {{"name", "wrap"}}}, {"num_classes", 0}});
        });
    EXPECT_TRUE(contains(msg2, "model.num_classes")) << msg2;
    const auto msg3 = invalidArgumentMessage(
        [] {
            makeRangeModel({{"encoder", {{"name", "wrap"}}}, {"num_classes", 2}, {"foo", 1}});
        });
    EXPECT_TRUE(contains(msg3, "model.foo")) << msg3;
    const auto msg4 = invalidArgumentMessage([] { makeRangeModel({{"num_classes", 2}}); });
    EXPECT_TRUE(contains(msg4, "model.encoder")) << msg4;
}

TEST(ConfigErrors, UnknownNetworkNamesTheField)
{
    auto msg = invalidArgumentMessage(
        [] {
            geoinr::core::makeNetwork({{"name", "resnet"}}, 4, 3);
        });
    EXPECT_TRUE(contains(msg, "network.name")) << msg;
    EXPECT_TRUE(contains(msg, "residual_fcnet")) << msg;
    msg = invalidArgumentMessage(
        []
        {
            makeRangeModel({{"encoder", {{"name", "wrap"}}},
                            {"network", {{"name", "resnet"}}},
                            {"num_classes", 2}});
        });
    EXPECT_TRUE(contains(msg, "network.name")) << msg;
    msg = invalidArgumentMessage(
        [] {
            geoinr::core::makeNetwork({{"name", "siren"}, {"hidden_dim", 0}}, 4, 3);
        });
    EXPECT_TRUE(contains(msg, "network.hidden_dim")) << msg;
}

TEST(ConfigErrors, BadFrequencyRuleNamesTheField)
{
    const auto msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "sphere_c"}, {"freq_rule", "bogus"}});
        });
    EXPECT_TRUE(contains(msg, "encoder.freq_rule")) << msg;
    EXPECT_TRUE(contains(msg, "geometric")) << msg;
    const auto msg2 = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "sphere_c"}, {"min_radius", 2.0}, {"max_radius", 1.0}});
        });
    EXPECT_TRUE(contains(msg2, "encoder.min_radius")) << msg2;
}

TEST(ConfigErrors, RffWeightsOfWrongShapeNameTheField)
{
    // 2 x 3 where num_features = 4.
    auto msg = invalidArgumentMessage(
        []
        {
            makeEncoder(
                {{"name", "rff"}, {"num_features", 4}, {"W", {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}}});
        });
    EXPECT_TRUE(contains(msg, "encoder.W")) << msg;
    // 3 rows instead of 2.
    msg = invalidArgumentMessage(
        []
        {
            makeEncoder({{"name", "rff"},
                         {"num_features", 2},
                         {"W", {{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}}});
        });
    EXPECT_TRUE(contains(msg, "encoder.W")) << msg;
    // Ragged rows.
    msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "rff"}, {"num_features", 2}, {"W", {{1.0, 2.0}, {3.0}}}});
        });
    EXPECT_TRUE(contains(msg, "encoder.W")) << msg;
    // b of the wrong length.
    msg = invalidArgumentMessage(
        [] {
            makeEncoder({{"name", "rff"}, {"num_features", 2}, {"b", {1.0, 2.0, 3.0}}});
        });
    EXPECT_TRUE(contains(msg, "encoder.b")) << msg;
}

TEST(ConfigErrors, ResolveEncoderConfigFillsDefaults)
{
    const auto sh = geoinr::core::resolveEncoderConfig({{"name", "spherical_harmonics"}});
    EXPECT_EQ(sh, (json{{"name", "spherical_harmonics"},
                        {"L", 10},
                        {"m0_scale", 1.0},
                        {"closed_form_sign", false}}));

    const auto sphere =
        geoinr::core::resolveEncoderConfig({{"name", "sphere_c"}, {"frequency_num", 7}});
    EXPECT_EQ(sphere.at("frequency_num"), 7);
    EXPECT_EQ(sphere.at("min_radius"), 0.001);
    EXPECT_EQ(sphere.at("max_radius"), 1.0);
    EXPECT_EQ(sphere.at("freq_rule"), "geometric");
    EXPECT_EQ(sphere.at("legacy_locationencoder"), false);

    // Resolving is idempotent and the encoder reports the resolved configuration.
    EXPECT_EQ(geoinr::core::resolveEncoderConfig(sphere), sphere);
    EXPECT_EQ(makeEncoder({{"name", "sphere_c"}, {"frequency_num", 7}})->config(), sphere);
    EXPECT_EQ(geoinr::core::encoderOutputDim(sphere), 21);
}

/** Named tensors of a module (parameters and buffers), keyed "param:" / "buffer:" + name. */
std::map<std::string, torch::Tensor> namedTensors(const torch::nn::Module& module)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& item : module.named_parameters())
    {
        out["param:" + item.key()] = item.value();
    }
    for (const auto& item : module.named_buffers())
    {
        out["buffer:" + item.key()] = item.value();
    }
    return out;
}

TEST(ConfigErrors, ResolvedModelConfigRebuildsTheSameModel)
{
    const std::vector<json> configs = {
        {{"encoder", {{"name", "wrap"}}}, {"num_classes", 7}},
        {{"encoder", {{"name", "spherical_harmonics"}, {"L", 4}}},
         {"network", {{"name", "siren"}, {"hidden_dim", 16}}},
         {"num_classes", 5},
         {"seed", 7}},
        {{"input", "env+coords"},
         {"encoder", {{"name", "rbf"}, {"num_anchors", 6}}},
         {"num_env_features", 3},
         {"network", {{"name", "mlp"}, {"hidden_dim", 8}, {"tied_hidden", true}}},
         {"num_classes", 4},
         {"seed", 11}},
        {{"encoder", {{"name", "rff"}, {"num_features", 8}, {"seed", 5}}},
         {"network", {{"name", "ffn"}, {"output_dim", 8}, {"hidden_dim", 16}}},
         {"num_classes", 3}},
        {{"encoder",
          {{"name", "tile"},
           {"cell_size_deg", 30.0},
           {"embed_dim", 4},
           {"output_dim", 8},
           {"hidden_dim", 8}}},
         {"network", {{"name", "linear"}}},
         {"num_classes", 2},
         {"seed", 3}}};
    for (const auto& config : configs)
    {
        SCOPED_TRACE(config.dump());
        const auto original = makeRangeModel(config);
        const auto rebuilt = makeRangeModel(original->config());
        EXPECT_EQ(rebuilt->config(), original->config());
        EXPECT_TRUE(original->config().contains("network"));

        const auto a = namedTensors(*original);
        const auto b = namedTensors(*rebuilt);
        ASSERT_EQ(a.size(), b.size());
        ASSERT_FALSE(a.empty());
        for (const auto& [name, tensor] : a)
        {
            const auto it = b.find(name);
            ASSERT_NE(it, b.end()) << name << " missing after rebuild";
            EXPECT_EQ(tensor.sizes(), it->second.sizes()) << name;
            EXPECT_TRUE(torch::equal(tensor, it->second)) << name << " differs after rebuild";
        }
    }
}

TEST(ConfigErrors, DifferentSeedGivesDifferentInitialWeights)
{
    const json base = {{"encoder", {{"name", "wrap"}}},
                       {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 8}}},
                       {"num_classes", 3}};
    auto c1 = base;
    c1["seed"] = 1;
    auto c2 = base;
    c2["seed"] = 2;
    const auto a = namedTensors(*makeRangeModel(c1));
    const auto b = namedTensors(*makeRangeModel(c2));
    EXPECT_FALSE(
        torch::equal(a.at("param:network.input.weight"), b.at("param:network.input.weight")));
}

TEST(ConfigErrors, EveryCatalogueEntryIsDescribedAndItsDefaultsResolve)
{
    for (const auto& info : geoinr::core::encoderCatalog())
    {
        SCOPED_TRACE(info.name);
        EXPECT_FALSE(info.description.empty());
        EXPECT_FALSE(info.reference.empty());
        const json config = {{"name", info.name}};
        json resolved;
        ASSERT_NO_THROW(resolved = geoinr::core::resolveEncoderConfig(config));
        EXPECT_EQ(resolved.at("name"), info.name);
        for (const auto& p : info.params)
        {
            EXPECT_TRUE(resolved.contains(p.name)) << p.name;
            EXPECT_FALSE(p.doc.empty()) << p.name;
        }
        EXPECT_EQ(geoinr::core::resolveEncoderConfig(resolved), resolved);
        std::int64_t dim = 0;
        ASSERT_NO_THROW(dim = geoinr::core::encoderOutputDim(config));
        EXPECT_GT(dim, 0);
        const auto described = geoinr::core::describeComponent(info);
        EXPECT_EQ(described.at("name"), info.name);
        EXPECT_EQ(described.at("params").size(), info.params.size());
    }
    for (const auto& info : geoinr::core::networkCatalog())
    {
        SCOPED_TRACE(info.name);
        EXPECT_FALSE(info.description.empty());
        json config = {{"name", info.name}};
        if (info.name != "linear")
        {
            config["hidden_dim"] = 8;
        }
        geoinr::core::NetworkPtr net;
        ASSERT_NO_THROW(net = geoinr::core::makeNetwork(config, 5, 3));
        EXPECT_EQ(net->inputDim(), 5);
        EXPECT_EQ(net->numOutputs(), 3);
        EXPECT_EQ(net->config().at("name"), info.name);
    }
}

} // namespace
