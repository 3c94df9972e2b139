// SPDX-License-Identifier: MIT
// Checkerboard fitting: Adam + cross-entropy on spherical-uniform samples, accuracy on a lattice.
#include "device.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/nn/toy_tasks.h>
#include <geoinr/core/sphere_fit.h>

#include <fmt/format.h>
#include <torch/torch.h>

namespace geoinr::core
{
namespace
{

double accuracy(RangeModelImpl& model, const torch::Tensor& x, const torch::Tensor& y)
{
    torch::NoGradGuard noGrad;
    model.eval();
    std::int64_t correct = 0;
    const std::int64_t chunk = 16384;
    for (std::int64_t i = 0; i < x.size(0); i += chunk)
    {
        const auto n = std::min(chunk, x.size(0) - i);
        const auto pred = model.forward(x.narrow(0, i, n)).argmax(1);
        correct += pred.eq(y.narrow(0, i, n)).sum().item<std::int64_t>();
    }
    return static_cast<double>(correct) / static_cast<double>(x.size(0));
}

} // namespace

SphereFitResult runSphereFit(const SphereFitOptions& o, const ProgressSink& progress)
{
    if (o.epochs < 1 || o.batchSize < 1)
    {
        throw InvalidArgument("sphere-fit: epochs and batch size must be >= 1");
    }
    const auto device = parseDevice(o.device);
    const auto task = makeCheckerboard(o.numSupport, o.numClasses, o.numSamples, o.numTest);
    const nlohmann::json config = {{"input", "coords"},
                                   {"encoder", o.encoder},
                                   {"network", o.network},
                                   {"num_classes", task.numClasses},
                                   {"seed", o.seed}};
    auto model = makeRangeModel(config);
    model->encoder()->fitToLocations(task.trainLonLat);
    model->to(device);

    const auto x = task.trainLonLat.to(device, torch::kFloat32);
    const auto y = task.trainLabels.to(device);
    torch::optim::Adam opt(model->parameters(),
                           torch::optim::AdamOptions(o.learningRate).weight_decay(o.weightDecay));
    auto gen = at::detail::createCPUGenerator(o.seed);
    SphereFitResult result;
    const auto n = x.size(0);
    for (int epoch = 0; epoch < o.epochs; ++epoch)
    {
        model->train();
        const auto perm = torch::randperm(n, gen, torch::kLong).to(device);
        double lossSum = 0.0;
        int batches = 0;
        for (std::int64_t i = 0; i < n; i += o.batchSize)
        {
            const auto idx = perm.narrow(0, i, std::min(o.batchSize, n - i));
            const auto logits = model->forward(x.index_select(0, idx));
            const auto loss = torch::nn::functional::cross_entropy(logits, y.index_select(0, idx));
            opt.zero_grad();
            loss.backward();
            opt.step();
            lossSum += loss.item<double>();
            ++batches;
        }
        result.finalLoss = lossSum / batches;
        reportProgress(
            progress, static_cast<double>(epoch + 1) / o.epochs,
            fmt::format("epoch {}/{} loss {:.4f}", epoch + 1, o.epochs, result.finalLoss));
    }
    result.trainAccuracy = accuracy(*model, x, y);
    result.testAccuracy =
        accuracy(*model, task.testLonLat.to(device, torch::kFloat32), task.testLabels.to(device));
    result.encoderDim = model->encoder()->outputDim();
    for (const auto& p : model->parameters())
    {
        result.numParameters += p.numel();
    }
    result.modelConfig = model->config();
    return result;
}

} // namespace geoinr::core
