// SPDX-License-Identifier: MIT
// Location classification with early stopping: the training loop of [SH]'s train.py (Adam with
// L2 weight decay on the network, BCE with one logit for two classes, cross-entropy otherwise).
#include "device.h"

#include <geoinr/core/classifier_fit.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/range_model.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <set>
#include <unordered_set>

namespace geoinr::core
{
namespace
{

constexpr std::int64_t kEvalChunk = 16384;

void checkPoints(const LabelledPoints& p, const std::string& what, std::int64_t numClasses)
{
    if (p.lonLat.size() != 2 * p.labels.size())
    {
        throw InvalidArgument(fmt::format("{}: {} coordinates for {} labels (expected 2 per point)",
                                          what, p.lonLat.size(), p.labels.size()));
    }
    if (p.labels.empty())
    {
        throw InvalidArgument(fmt::format("{}: no points", what));
    }
    for (std::size_t i = 0; i < p.labels.size(); ++i)
    {
        if (p.labels[i] < 0 || p.labels[i] >= numClasses)
        {
            throw InvalidArgument(fmt::format("{}: point {} has label {}, expected 0..{}", what, i,
                                              p.labels[i], numClasses - 1));
        }
    }
}

struct DeviceSet
{
    torch::Tensor lonLat; ///< [N, 2] float32
    torch::Tensor labels; ///< [N] int64 (multi-class) or float32 (binary)
};

DeviceSet toDevice(const LabelledPoints& p, bool binary, const torch::Device& device,
                   torch::ScalarType dtype)
{
    const auto n = static_cast<std::int64_t>(p.size());
    DeviceSet d;
    d.lonLat = torch::tensor(p.lonLat, torch::kFloat64).reshape({n, 2}).to(device, dtype);
    auto y = torch::tensor(p.labels, torch::kLong);
    d.labels = (binary ? y.to(dtype) : y).to(device);
    return d;
}

torch::Tensor lossOf(const torch::Tensor& logits, const torch::Tensor& labels, bool binary)
{
    if (binary)
    {
        return torch::nn::functional::binary_cross_entropy_with_logits(logits.squeeze(1), labels);
    }
    return torch::nn::functional::cross_entropy(logits, labels);
}

/** Mean loss and predicted classes over a whole set, in eval mode. */
std::pair<double, std::vector<std::int64_t>> evaluate(RangeModelImpl& model, const DeviceSet& set,
                                                      bool binary)
{
    torch::NoGradGuard noGrad;
    model.eval();
    const auto n = set.lonLat.size(0);
    double lossSum = 0.0;
    std::vector<std::int64_t> predicted;
    predicted.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; i += kEvalChunk)
    {
        const auto m = std::min(kEvalChunk, n - i);
        const auto logits = model.forward(set.lonLat.narrow(0, i, m));
        lossSum += lossOf(logits, set.labels.narrow(0, i, m), binary).item<double>() *
                   static_cast<double>(m);
        const auto pred =
            (binary ? logits.squeeze(1).gt(0).to(torch::kLong) : logits.argmax(1)).to(torch::kCPU);
        predicted.insert(predicted.end(), pred.data_ptr<std::int64_t>(),
                         pred.data_ptr<std::int64_t>() + m);
    }
    return {lossSum / static_cast<double>(n), predicted};
}

double accuracyOf(const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& pred)
{
    std::size_t correct = 0;
    for (std::size_t i = 0; i < truth.size(); ++i)
    {
        correct += truth[i] == pred[i] ? 1U : 0U;
    }
    return static_cast<double>(correct) / static_cast<double>(truth.size());
}

} // namespace

double jaccardIndex(const std::vector<std::int64_t>& truth,
                    const std::vector<std::int64_t>& predicted, std::int64_t numClasses)
{
    if (truth.size() != predicted.size() || truth.empty())
    {
        throw InvalidArgument("jaccard index: truth and predictions must be non-empty and of "
                              "equal length");
    }
    const auto iou = [&](std::int64_t c)
    {
        std::size_t inter = 0;
        std::size_t uni = 0;
        for (std::size_t i = 0; i < truth.size(); ++i)
        {
            const bool t = truth[i] == c;
            const bool p = predicted[i] == c;
            inter += (t && p) ? 1U : 0U;
            uni += (t || p) ? 1U : 0U;
        }
        return uni == 0 ? 0.0 : static_cast<double>(inter) / static_cast<double>(uni);
    };
    if (numClasses == 2)
    {
        return iou(1);
    }
    std::set<std::int64_t> present(truth.begin(), truth.end());
    present.insert(predicted.begin(), predicted.end());
    double sum = 0.0;
    for (const auto c : present)
    {
        sum += iou(c);
    }
    return sum / static_cast<double>(present.size());
}

std::vector<double> accuracyByLatitude(const LabelledPoints& truth,
                                       const std::vector<std::int64_t>& predicted, double bandDeg)
{
    if (!(bandDeg > 0.0) || bandDeg > 180.0 || predicted.size() != truth.size())
    {
        throw InvalidArgument("accuracy by latitude: band must be in (0, 180] degrees and there "
                              "must be one prediction per point");
    }
    const auto bands = static_cast<std::size_t>(std::ceil(180.0 / bandDeg));
    std::vector<double> correct(bands, 0.0);
    std::vector<double> count(bands, 0.0);
    for (std::size_t i = 0; i < truth.size(); ++i)
    {
        const double lat = truth.lonLat[2 * i + 1];
        const auto b = std::min(
            bands - 1, static_cast<std::size_t>(std::max(0.0, std::floor((lat + 90.0) / bandDeg))));
        count[b] += 1.0;
        correct[b] += truth.labels[i] == predicted[i] ? 1.0 : 0.0;
    }
    std::vector<double> out(bands);
    for (std::size_t b = 0; b < bands; ++b)
    {
        out[b] = count[b] > 0 ? correct[b] / count[b] : std::numeric_limits<double>::quiet_NaN();
    }
    return out;
}

ClassifierFitResult fitClassifier(const ClassificationTask& task, const ClassifierFitOptions& o,
                                  const ProgressSink& progress)
{
    if (o.maxEpochs < 1 || o.batchSize < 1 || o.patience < 0)
    {
        throw InvalidArgument("classifier fit: epochs and batch size must be >= 1, patience >= 0");
    }
    if (task.numClasses < 2)
    {
        throw InvalidArgument("classifier fit: a task needs at least 2 classes");
    }
    const bool binary = task.numClasses == 2;
    checkPoints(task.train, task.name + " train", task.numClasses);
    checkPoints(task.test, task.name + " test", task.numClasses);
    const bool validate = o.patience > 0;
    if (validate)
    {
        checkPoints(task.validation, task.name + " validation", task.numClasses);
    }
    const auto device = parseDevice(o.device);
    const nlohmann::json config = {{"input", "coords"},
                                   {"encoder", o.encoder},
                                   {"network", o.network},
                                   {"num_classes", binary ? 1 : task.numClasses},
                                   {"seed", o.seed}};
    auto model = makeRangeModel(config);
    // [SH] trained in float64 (Lightning precision=64); float32 is the default here.
    const auto dtype = o.doublePrecision ? torch::kFloat64 : torch::kFloat32;
    if (o.doublePrecision)
    {
        model->to(torch::kFloat64);
    }
    const auto trainSet = toDevice(task.train, binary, torch::kCPU, dtype);
    model->encoder()->fitToLocations(trainSet.lonLat.to(torch::kFloat64));
    model->to(device, dtype);

    // Two groups as [SH]: weight decay on the network, none on learned encoder parameters.
    std::unordered_set<const void*> encoderParams;
    std::vector<torch::Tensor> encoderGroup;
    for (const auto& p : model->encoder()->parameters())
    {
        encoderParams.insert(p.unsafeGetTensorImpl());
        encoderGroup.push_back(p);
    }
    std::vector<torch::Tensor> networkGroup;
    for (const auto& p : model->parameters())
    {
        if (encoderParams.count(p.unsafeGetTensorImpl()) == 0)
        {
            networkGroup.push_back(p);
        }
    }
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(networkGroup,
                        std::make_unique<torch::optim::AdamOptions>(
                            torch::optim::AdamOptions(o.learningRate).weight_decay(o.weightDecay)));
    if (!encoderGroup.empty())
    {
        groups.emplace_back(encoderGroup,
                            std::make_unique<torch::optim::AdamOptions>(
                                torch::optim::AdamOptions(o.learningRate).weight_decay(0.0)));
    }
    torch::optim::Adam opt(groups, torch::optim::AdamOptions(o.learningRate));

    // fitToLocations wants the CPU copy; training and scoring use the device copy.
    const DeviceSet trainOnDevice{trainSet.lonLat.to(device), trainSet.labels.to(device)};
    const auto& x = trainOnDevice.lonLat;
    const auto& y = trainOnDevice.labels;
    const auto valSet = validate ? toDevice(task.validation, binary, device, dtype) : DeviceSet{};
    auto gen = at::detail::createCPUGenerator(o.seed);
    ClassifierFitResult result;
    result.bestValidationLoss = std::numeric_limits<double>::infinity();
    int epochsWithoutGain = 0;
    const auto n = x.size(0);
    for (int epoch = 0; epoch < o.maxEpochs; ++epoch)
    {
        model->train();
        const auto perm = torch::randperm(n, gen, torch::kLong).to(device);
        double lossSum = 0.0;
        int batches = 0;
        for (std::int64_t i = 0; i < n; i += o.batchSize)
        {
            const auto idx = perm.narrow(0, i, std::min(o.batchSize, n - i));
            const auto loss =
                lossOf(model->forward(x.index_select(0, idx)), y.index_select(0, idx), binary);
            opt.zero_grad();
            loss.backward();
            opt.step();
            lossSum += loss.item<double>();
            ++batches;
        }
        result.finalTrainLoss = lossSum / batches;
        result.epochs = epoch + 1;
        std::string message =
            fmt::format("epoch {}/{} loss {:.4f}", epoch + 1, o.maxEpochs, result.finalTrainLoss);
        if (validate)
        {
            const double valLoss = evaluate(*model, valSet, binary).first;
            // Lightning's EarlyStopping (min_delta 0): a strict decrease resets the count.
            if (valLoss < result.bestValidationLoss)
            {
                result.bestValidationLoss = valLoss;
                epochsWithoutGain = 0;
            }
            else
            {
                ++epochsWithoutGain;
            }
            message += fmt::format(" val {:.4f}", valLoss);
        }
        const bool stop = validate && epochsWithoutGain >= o.patience;
        reportProgress(progress, stop ? 1.0 : static_cast<double>(epoch + 1) / o.maxEpochs,
                       message);
        if (stop)
        {
            break;
        }
    }
    result.trainAccuracy =
        accuracyOf(task.train.labels, evaluate(*model, trainOnDevice, binary).second);
    result.testPredictions =
        evaluate(*model, toDevice(task.test, binary, device, dtype), binary).second;
    result.testAccuracy = accuracyOf(task.test.labels, result.testPredictions);
    result.testIoU = jaccardIndex(task.test.labels, result.testPredictions, task.numClasses);
    result.encoderDim = model->encoder()->outputDim();
    for (const auto& p : model->parameters())
    {
        result.numParameters += p.numel();
    }
    result.modelConfig = model->config();
    return result;
}

} // namespace geoinr::core
