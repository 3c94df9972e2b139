// SPDX-License-Identifier: MIT
#include "device.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/runtime_info.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <utility>

namespace geoinr::core
{
namespace
{

/** Rows [start, start + m) of the caller's lon/lat and covariate buffers as tensors on `device`
 *  (no copy on the CPU); the covariate tensor is undefined when the model takes none (c = 0). */
std::pair<torch::Tensor, torch::Tensor> inputBatch(const float* lonLat, const float* env,
                                                   std::int64_t start, std::int64_t m,
                                                   std::int64_t c, const torch::Device& device)
{
    auto ll = torch::from_blob(const_cast<float*>(lonLat + 2 * start), {m, 2}, torch::kFloat32);
    torch::Tensor e;
    if (c > 0)
    {
        e = torch::from_blob(const_cast<float*>(env + c * start), {m, c}, torch::kFloat32);
    }
    if (device != torch::kCPU)
    {
        ll = ll.to(device);
        e = e.defined() ? e.to(device) : e;
    }
    return {ll, e};
}

} // namespace

struct Predictor::Impl
{
    RangeModelPtr model;
    torch::Device device = torch::kCPU;
    nlohmann::json header;
    std::vector<std::string> species;
};

Predictor::Predictor(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Predictor::~Predictor() = default;

std::shared_ptr<const Predictor> Predictor::load(const std::string& checkpointPath,
                                                 const std::string& device)
{
    auto impl = std::make_unique<Impl>();
    impl->device = parseDevice(device);
    auto loaded = loadCheckpoint(checkpointPath);
    impl->model = loaded.model;
    impl->model->eval();
    impl->model->to(impl->device);
    impl->header = loaded.header;
    const auto& meta = loaded.header.value("metadata", nlohmann::json::object());
    if (meta.contains("species"))
    {
        impl->species = meta.at("species").get<std::vector<std::string>>();
    }
    else
    {
        for (std::int64_t i = 0; i < impl->model->numClasses(); ++i)
        {
            impl->species.push_back(fmt::format("class_{}", i));
        }
    }
    if (static_cast<std::int64_t>(impl->species.size()) != impl->model->numClasses())
    {
        throw CheckpointError(fmt::format("{}: {} species names for {} model outputs",
                                          checkpointPath, impl->species.size(),
                                          impl->model->numClasses()));
    }
    return std::shared_ptr<const Predictor>(new Predictor(std::move(impl)));
}

const nlohmann::json& Predictor::header() const
{
    return m_impl->header;
}

const std::vector<std::string>& Predictor::speciesNames() const
{
    return m_impl->species;
}

std::int64_t Predictor::speciesIndex(const std::string& name) const
{
    const auto& s = m_impl->species;
    const auto it = std::find(s.begin(), s.end(), name);
    if (it != s.end())
    {
        return it - s.begin();
    }
    std::vector<std::string> hints;
    for (const auto& candidate : s)
    {
        if (hints.size() < 5 && !name.empty() &&
            candidate.find(name.substr(0, std::min<std::size_t>(4, name.size()))) !=
                std::string::npos)
        {
            hints.push_back(candidate);
        }
    }
    throw InvalidArgument(fmt::format("species '{}' is not in the model ({} species{}{})", name,
                                      s.size(),
                                      hints.empty() ? "" : "; similar: ", fmt::join(hints, ", ")));
}

std::int64_t Predictor::numEnvFeatures() const
{
    return m_impl->model->inputMode() == InputMode::Coords ? 0 : m_impl->model->numEnvFeatures();
}

bool Predictor::usesCoordinates() const
{
    return m_impl->model->inputMode() != InputMode::Env;
}

std::int64_t Predictor::embeddingDim() const
{
    return m_impl->model->network()->featureDim();
}

void Predictor::embed(const float* lonLat, const float* env, std::int64_t n, float* out) const
{
    if (n <= 0)
    {
        return;
    }
    pinCallingThreadIfSingleThreaded();
    c10::InferenceMode inference;
    auto& model = *m_impl->model;
    const auto h = embeddingDim();
    const auto c = numEnvFeatures();
    // Same batch size as predict(): features are [batch, H] like logits are [batch, S].
    const std::int64_t batch = 8192;
    for (std::int64_t start = 0; start < n; start += batch)
    {
        const auto m = std::min(batch, n - start);
        auto [ll, e] = inputBatch(lonLat, env, start, m, c, m_impl->device);
        auto dst = torch::from_blob(out + h * start, {m, h}, torch::kFloat32);
        dst.copy_(model.features(ll, e).to(torch::kCPU, torch::kFloat32));
    }
}

void Predictor::predict(const float* lonLat, const float* env, std::int64_t n,
                        const std::vector<std::int64_t>& species, float* out, OutputKind kind) const
{
    if (n <= 0)
    {
        return;
    }
    pinCallingThreadIfSingleThreaded();
    c10::InferenceMode inference;
    auto& model = *m_impl->model;
    std::vector<std::int64_t> ids = species;
    if (ids.empty())
    {
        ids.resize(static_cast<std::size_t>(model.numClasses()));
        std::iota(ids.begin(), ids.end(), 0);
    }
    for (auto id : ids)
    {
        if (id < 0 || id >= model.numClasses())
        {
            throw InvalidArgument(
                fmt::format("species index {} outside [0, {})", id, model.numClasses()));
        }
    }
    // The whole head in model order is one GEMM; any other list (a subset, or every species in
    // another order) goes through logitsFor so that column j is species ids[j].
    bool allInOrder = static_cast<std::int64_t>(ids.size()) == model.numClasses();
    for (std::size_t j = 0; allInOrder && j < ids.size(); ++j)
    {
        allInOrder = ids[j] == static_cast<std::int64_t>(j);
    }
    const auto idTensor = torch::tensor(ids, torch::kLong);
    const auto k = static_cast<std::int64_t>(ids.size());
    const auto c = numEnvFeatures();
    // 8,192 rows keep every intermediate (<= 8 MiB) in glibc's reused heap: at 65,536 rows each
    // was a fresh mmap and page faults took 45 % of the time (benchmarks/prediction_benchmarks).
    const std::int64_t batch = 8192;
    for (std::int64_t start = 0; start < n; start += batch)
    {
        const auto m = std::min(batch, n - start);
        auto [ll, e] = inputBatch(lonLat, env, start, m, c, m_impl->device);
        auto logits =
            allInOrder ? model.forward(ll, e) : model.logitsFor(ll, e, idTensor.to(m_impl->device));
        if (kind == OutputKind::Probability)
        {
            logits = torch::sigmoid(logits);
        }
        auto dst = torch::from_blob(out + k * start, {m, k}, torch::kFloat32);
        dst.copy_(logits.to(torch::kCPU, torch::kFloat32));
    }
}

} // namespace geoinr::core
