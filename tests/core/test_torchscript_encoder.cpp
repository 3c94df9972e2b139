// SPDX-License-Identifier: MIT
// The "torchscript" encoder: modules exported by PyTorch 1.13 (tests/data/torchscript, written by
// make_modules.py) give Python's outputs, their checksum and size reach checkpoints, a changed file
// is refused, and frozen weights stay frozen in training while trainable ones are fine-tuned.
#include "temp_dir.h"
#include "test_data.h"
#include "test_errors.h"

#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/nn/encoder.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/training.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

namespace
{

namespace fs = std::filesystem;
using json = nlohmann::json;

/** `sha256sum tests/data/torchscript/sincos_linear.pt` and scaled.pt (update after a rerun of
 *  make_modules.py, whose archives are not byte-reproducible). */
const std::string kSincosSha256 =
    "09d2ab12f1508e8c5ee38d519ee6592514bab9992d5e547a0e1cfb6fa7ffe590";
const std::string kScaledSha256 =
    "4c9d839c5d9e0667b59dacb98d9fc91933cd6aeeb7528d2114f934042b01b6a2";

std::string fixture(const std::string& name)
{
    return std::string(GEOINR_TEST_FIXTURES) + "/torchscript/" + name;
}

json encoderConfig(const std::string& path, bool trainable = false)
{
    return {{"name", "torchscript"}, {"path", path}, {"trainable", trainable}};
}

/** expected.json: the points and each module's outputs as PyTorch computed them. */
const json& expected()
{
    static const json j = []
    {
        std::ifstream in(fixture("expected.json"));
        return json::parse(in);
    }();
    return j;
}

torch::Tensor expectedPoints()
{
    std::vector<float> flat;
    for (const auto& p : expected().at("points"))
    {
        flat.push_back(p[0].get<float>());
        flat.push_back(p[1].get<float>());
    }
    return torch::tensor(flat).reshape({-1, 2});
}

torch::Tensor expectedOutput(const std::string& module)
{
    std::vector<double> flat;
    std::int64_t cols = 0;
    for (const auto& row : expected().at(module))
    {
        cols = static_cast<std::int64_t>(row.size());
        for (const auto& v : row)
        {
            flat.push_back(v.get<double>());
        }
    }
    return torch::tensor(flat, torch::kFloat64).reshape({-1, cols});
}

void writeFile(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

/** The message of a geoinr error of type E thrown by `fn`; a failure if none (or another). */
template <typename E> std::string errorMessage(const std::function<void()>& fn)
{
    try
    {
        fn();
    }
    catch (const E& e)
    {
        return e.what();
    }
    catch (const std::exception& e)
    {
        ADD_FAILURE() << "unexpected exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "no exception";
    return {};
}

TEST(TorchScriptEncoder, GivesPythonsOutputs)
{
    for (const std::string name : {"sincos_linear", "scaled"})
    {
        SCOPED_TRACE(name);
        auto enc = geoinr::core::makeEncoder(encoderConfig(fixture(name + ".pt")));
        const auto want = expectedOutput(name);
        EXPECT_EQ(enc->outputDim(), want.size(1));
        torch::NoGradGuard noGrad;
        const auto got = enc->forward(expectedPoints());
        ASSERT_EQ(got.scalar_type(), torch::kFloat32);
        ASSERT_EQ(got.sizes(), want.sizes());
        // Same PyTorch version and kernels: equal up to float32 rounding (observed: identical).
        EXPECT_LE((got.to(torch::kFloat64) - want).abs().max().item<double>(), 1e-6);
        // float64 input: the module still sees float32, the output follows the input's dtype.
        const auto got64 = enc->forward(expectedPoints().to(torch::kFloat64));
        EXPECT_EQ(got64.scalar_type(), torch::kFloat64);
        EXPECT_TRUE(torch::equal(got64.to(torch::kFloat32), got));
    }
}

TEST(TorchScriptEncoder, Float64ModuleIsFedFloat64)
{
    // Traced from SinCosLinear().double(): Python evaluated it on the float32 points widened.
    auto enc = geoinr::core::makeEncoder(encoderConfig(fixture("traced_float64.pt")));
    EXPECT_EQ(enc->outputDim(), 5);
    const auto want = expectedOutput("traced_float64");
    torch::NoGradGuard noGrad;
    const auto got = enc->forward(expectedPoints().to(torch::kFloat64));
    ASSERT_EQ(got.scalar_type(), torch::kFloat64);
    EXPECT_LE((got - want).abs().max().item<double>(), 1e-12);
    // It differs from the float32 module's output by float32 rounding only.
    const auto asFloat32 = expectedOutput("sincos_linear");
    EXPECT_LE((got - asFloat32).abs().max().item<double>(), 1e-6);
    EXPECT_FALSE(torch::equal(got, asFloat32));
}

TEST(TorchScriptEncoder, ConfigurationRecordsChecksumAndProbedSize)
{
    const auto given = encoderConfig(fixture("sincos_linear.pt"));
    auto enc = geoinr::core::makeEncoder(given);
    EXPECT_EQ(enc->name(), "torchscript");
    EXPECT_EQ(enc->config().at("sha256"), kSincosSha256);
    EXPECT_EQ(enc->config().at("output_dim"), 5);
    EXPECT_EQ(enc->config().at("trainable"), false);
    EXPECT_EQ(geoinr::core::encoderOutputDim(given), 5);
    EXPECT_EQ(
        geoinr::core::encoderOutputDim({{"name", "torchscript"}, {"path", fixture("scaled.pt")}}),
        3);
    // The completed configuration rebuilds the same encoder (checksum and size are checked).
    EXPECT_EQ(geoinr::core::makeEncoder(enc->config())->config(), enc->config());
    // Not in the catalogue: its entries must build from defaults, this one needs a file.
    for (const auto& info : geoinr::core::encoderCatalog())
    {
        EXPECT_NE(info.name, "torchscript");
    }
}

TEST(TorchScriptEncoder, RegistersTheModulesWeightsFrozenOrTrainable)
{
    for (const bool trainable : {false, true})
    {
        SCOPED_TRACE(trainable ? "trainable" : "frozen");
        auto enc = geoinr::core::makeEncoder(encoderConfig(fixture("sincos_linear.pt"), trainable));
        std::map<std::string, torch::Tensor> params;
        for (const auto& p : enc->named_parameters())
        {
            params[p.key()] = p.value();
        }
        ASSERT_EQ(params.size(), 2U);
        ASSERT_EQ(params.count("module.head.weight"), 1U);
        EXPECT_EQ(params.at("module.head.weight").sizes(), (std::vector<std::int64_t>{5, 8}));
        // make_modules.py: w[i][j] = (i - 2) / 4 + (j - 3) / 16, bias [0.5, -0.25, 0, 0.125, -0.5].
        EXPECT_FLOAT_EQ(params.at("module.head.weight")[4][7].item<float>(), 0.5f + 0.25f);
        EXPECT_FLOAT_EQ(params.at("module.head.bias")[3].item<float>(), 0.125f);
        for (const auto& [name, p] : params)
        {
            EXPECT_EQ(p.requires_grad(), trainable) << name;
        }
        ASSERT_EQ(enc->named_buffers().size(), 1U);
        EXPECT_EQ(enc->named_buffers().begin()->key(), "module.freqs");
        // The registered tensors are the module's own: a change shows in its output.
        const auto before = enc->forward(expectedPoints()).detach();
        {
            torch::NoGradGuard noGrad;
            params.at("module.head.bias").add_(1.0);
        }
        EXPECT_FALSE(torch::equal(enc->forward(expectedPoints()).detach(), before));
    }
}

TEST(TorchScriptEncoder, CheckpointRoundTripIsBitIdentical)
{
    geoinr::test::TempDir dir;
    auto model = geoinr::core::makeRangeModel(
        {{"input", "coords"},
         {"encoder", encoderConfig(fixture("sincos_linear.pt"), true)},
         {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 8}, {"num_blocks", 1}}},
         {"num_classes", 3}});
    // Fine-tuned weights (not the file's) must come back from the checkpoint.
    {
        torch::NoGradGuard noGrad;
        model->encoder()->named_parameters()["module.head.weight"].mul_(1.5);
    }
    model->eval();
    const auto points = expectedPoints();
    torch::NoGradGuard noGrad;
    const auto before = model->forward(points);
    EXPECT_EQ(before.sizes(), (std::vector<std::int64_t>{points.size(0), 3}));
    EXPECT_TRUE(torch::isfinite(before).all().item<bool>());
    geoinr::core::saveCheckpoint(dir.file("m.ckpt"), *model);

    const auto header = geoinr::core::readCheckpointFile(dir.file("m.ckpt"), true).header;
    EXPECT_EQ(header.at("model").at("encoder").at("sha256"), kSincosSha256);
    EXPECT_EQ(header.at("model").at("encoder").at("output_dim"), 5);
    auto loaded = geoinr::core::loadCheckpoint(dir.file("m.ckpt"));
    EXPECT_TRUE(torch::equal(loaded.model->forward(points), before));
}

TEST(TorchScriptEncoder, ChangedOrMissingModuleFileIsRefused)
{
    geoinr::test::TempDir dir;
    const auto modulePath = dir.file("enc.pt");
    writeFile(modulePath, geoinr::test::readFileBytes(fixture("sincos_linear.pt")));
    auto model = geoinr::core::makeRangeModel({{"encoder", encoderConfig(modulePath)},
                                               {"network", {{"name", "linear"}}},
                                               {"num_classes", 2}});
    geoinr::core::saveCheckpoint(dir.file("m.ckpt"), *model);

    writeFile(modulePath, geoinr::test::readFileBytes(fixture("scaled.pt")));
    const auto changed = errorMessage<geoinr::CheckpointError>(
        [&] { geoinr::core::loadCheckpoint(dir.file("m.ckpt")); });
    EXPECT_NE(changed.find(modulePath), std::string::npos) << changed;
    EXPECT_NE(changed.find(kSincosSha256), std::string::npos) << changed;
    EXPECT_NE(changed.find(kScaledSha256), std::string::npos) << changed;

    fs::remove(modulePath);
    const auto missing =
        errorMessage<geoinr::IoError>([&] { geoinr::core::loadCheckpoint(dir.file("m.ckpt")); });
    EXPECT_NE(missing.find(modulePath), std::string::npos) << missing;
}

TEST(TorchScriptEncoder, ChecksumIsSha256OfTheFile)
{
    // Reference digests: FIPS 180-2 "abc", and `printf 'a%.0s' $(seq 1000) | sha256sum` (a
    // message over several blocks). Neither file is a module: the checksum is checked first.
    geoinr::test::TempDir dir;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {std::string(1000, 'a'),
         "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"}};
    for (const auto& [content, digest] : cases)
    {
        writeFile(dir.file("x.pt"), content);
        auto config = encoderConfig(dir.file("x.pt"));
        config["sha256"] = std::string(64, '0');
        const auto message =
            geoinr::test::invalidArgumentMessage([&] { geoinr::core::makeEncoder(config); });
        EXPECT_NE(message.find(digest), std::string::npos) << message;
        EXPECT_NE(message.find(std::string(64, '0')), std::string::npos) << message;
    }
}

TEST(TorchScriptEncoder, BadFilesAndConfigurationsAreClearErrors)
{
    geoinr::test::TempDir dir;
    writeFile(dir.file("junk.pt"), "not a zip archive");
    const auto junk = geoinr::test::invalidArgumentMessage(
        [&] { geoinr::core::makeEncoder(encoderConfig(dir.file("junk.pt"))); });
    EXPECT_NE(junk.find("is not a TorchScript module"), std::string::npos) << junk;

    const auto shape = geoinr::test::invalidArgumentMessage(
        [&] { geoinr::core::makeEncoder(encoderConfig(fixture("wrong_shape.pt"))); });
    EXPECT_NE(shape.find("shape [2]"), std::string::npos) << shape;

    auto wrongDim = encoderConfig(fixture("scaled.pt"));
    wrongDim["output_dim"] = 4;
    const auto dim =
        geoinr::test::invalidArgumentMessage([&] { geoinr::core::makeEncoder(wrongDim); });
    EXPECT_NE(dim.find("gives 3 dimensions"), std::string::npos) << dim;

    const auto noPath = geoinr::test::invalidArgumentMessage(
        [] {
            geoinr::core::makeEncoder({{"name", "torchscript"}});
        });
    EXPECT_NE(noPath.find("encoder.path: missing required field"), std::string::npos) << noPath;

    const auto missing = errorMessage<geoinr::IoError>(
        [&] { geoinr::core::makeEncoder(encoderConfig(dir.file("absent.pt"))); });
    EXPECT_NE(missing.find("absent.pt"), std::string::npos) << missing;
}

/** Two species in opposite corners of the map (as tests/core/test_training.cpp). */
geoinr::core::TrainingSet twoSpecies()
{
    geoinr::core::TrainingSet d;
    d.speciesNames = {"north", "south"};
    std::mt19937 rng(5);
    std::normal_distribution<float> jitter(0.0f, 5.0f);
    for (int i = 0; i < 60; ++i)
    {
        for (int s = 0; s < 2; ++s)
        {
            d.classIds.push_back(s);
            d.lonLat.push_back((s == 0 ? 20.0f : -60.0f) + jitter(rng));
            d.lonLat.push_back((s == 0 ? 45.0f : -20.0f) + jitter(rng));
        }
    }
    return d;
}

/** Model tensors of a checkpoint (optimiser state excluded), by name. */
std::map<std::string, torch::Tensor> checkpointTensors(const std::string& path)
{
    std::map<std::string, torch::Tensor> out;
    auto loaded = geoinr::core::loadCheckpoint(path);
    for (const auto& p : loaded.model->named_parameters())
    {
        out[p.key()] = p.value().detach().clone();
    }
    return out;
}

/** Trains 3 epochs (with weight decay, which must not reach frozen weights). */
void trainWith(const json& encoder, const std::string& checkpoint)
{
    geoinr::core::TrainOptions o;
    o.model = {{"input", "coords"},
               {"encoder", encoder},
               {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 16}, {"num_blocks", 1}}}};
    o.epochs = 3;
    o.batchSize = 32;
    o.learningRate = 1e-2;
    o.weightDecay = 1e-2;
    o.positiveWeight = 16;
    o.threads = 1;
    o.checkpointPath = checkpoint;
    geoinr::core::trainRangeModel(twoSpecies(), o);
}

TEST(TorchScriptEncoder, FrozenWeightsStayAndTrainableWeightsMoveInTraining)
{
    geoinr::test::TempDir dir;
    const auto file = geoinr::core::makeEncoder(encoderConfig(fixture("sincos_linear.pt")));
    const auto fileWeight = file->named_parameters()["module.head.weight"].detach();
    for (const bool trainable : {false, true})
    {
        SCOPED_TRACE(trainable ? "trainable" : "frozen");
        const auto ckpt = dir.file(trainable ? "trainable.ckpt" : "frozen.ckpt");
        trainWith(encoderConfig(fixture("sincos_linear.pt"), trainable), ckpt);
        const auto trained = checkpointTensors(ckpt);
        // Initial weights: the same configuration (seed included) built afresh.
        auto initial = geoinr::core::makeRangeModel(
            geoinr::core::readCheckpointFile(ckpt, true).header.at("model"));
        const auto initialNetwork = initial->named_parameters()["network.head.weight"].detach();
        EXPECT_FALSE(torch::equal(trained.at("network.head.weight"), initialNetwork));
        EXPECT_EQ(torch::equal(trained.at("encoder.module.head.weight"), fileWeight), !trainable);
    }
}

} // namespace
