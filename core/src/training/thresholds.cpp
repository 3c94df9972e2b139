// SPDX-License-Identifier: MIT
#include "thresholds.h"

#include <geoinr/core/sdm_metrics.h>
#include <geoinr/core/training.h>

#include <torch/torch.h>

#include <cmath>

namespace geoinr::core
{

const std::vector<std::string>& storedThresholdRules()
{
    // The keys fitThresholds writes, below.
    static const std::vector<std::string> rules = {"mtp", "presence_95", "presence_90", "max_tss"};
    return rules;
}

} // namespace geoinr::core

namespace geoinr::core::training
{
namespace
{

/** Sigmoid of the network over `batch` in chunks: [N, S] float64 on the CPU. */
torch::Tensor probabilities(RangeModelImpl& model, const LocationBatch& batch, bool usesEnv)
{
    const std::int64_t chunk = 8192;
    std::vector<torch::Tensor> parts;
    const auto n = batch.lonLat.size(0);
    for (std::int64_t start = 0; start < n; start += chunk)
    {
        const auto m = std::min(chunk, n - start);
        const auto env = usesEnv ? batch.env.narrow(0, start, m) : torch::Tensor();
        parts.push_back(torch::sigmoid(model.forward(batch.lonLat.narrow(0, start, m), env))
                            .to(torch::kCPU, torch::kFloat64));
    }
    return parts.empty() ? torch::empty({0, model.numClasses()}, torch::kFloat64)
                         : torch::cat(parts, 0);
}

nlohmann::json valueOrNull(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

} // namespace

torch::Tensor ownSpeciesProbabilities(RangeModelImpl& model, const LocationBatch& presences,
                                      const torch::Tensor& classIds, bool usesEnv)
{
    c10::InferenceMode inference;
    const bool wasTraining = model.is_training();
    model.eval();
    const auto ids = classIds.to(torch::kCPU, torch::kLong).contiguous();
    const auto n = presences.lonLat.size(0);
    auto out = torch::empty({n}, torch::kFloat64);
    const std::int64_t chunk = 8192;
    for (std::int64_t start = 0; start < n; start += chunk)
    {
        const auto m = std::min(chunk, n - start);
        LocationBatch part{presences.lonLat.narrow(0, start, m),
                           usesEnv ? presences.env.narrow(0, start, m) : torch::Tensor()};
        const auto p = probabilities(model, part, usesEnv);
        out.narrow(0, start, m).copy_(p.gather(1, ids.narrow(0, start, m).unsqueeze(1)).squeeze(1));
    }
    model.train(wasTraining);
    return out;
}

nlohmann::json fitThresholds(RangeModelImpl& model, const LocationBatch& presences,
                             const torch::Tensor& classIds, const LocationBatch& pseudoAbsences,
                             bool usesEnv)
{
    return fitThresholdsFromPresenceScores(
        model, ownSpeciesProbabilities(model, presences, classIds, usesEnv), classIds,
        pseudoAbsences, usesEnv);
}

nlohmann::json fitThresholdsFromPresenceScores(RangeModelImpl& model,
                                               const torch::Tensor& presenceProbabilities,
                                               const torch::Tensor& classIds,
                                               const LocationBatch& pseudoAbsences, bool usesEnv)
{
    c10::InferenceMode inference;
    const bool wasTraining = model.is_training();
    model.eval();
    const auto species = model.numClasses();
    // Presence scores grouped by species, in record order.
    std::vector<std::vector<double>> present(static_cast<std::size_t>(species));
    const auto ids = classIds.to(torch::kCPU, torch::kLong).contiguous();
    const auto scores0 = presenceProbabilities.to(torch::kCPU, torch::kFloat64).contiguous();
    for (std::int64_t i = 0; i < ids.size(0); ++i)
    {
        present[static_cast<std::size_t>(ids.data_ptr<std::int64_t>()[i])].push_back(
            scores0.data_ptr<double>()[i]);
    }
    const auto absent = probabilities(model, pseudoAbsences, usesEnv).contiguous();
    const auto numAbsent = absent.size(0);
    nlohmann::json mtp = nlohmann::json::array(), p95 = nlohmann::json::array(),
                   p90 = nlohmann::json::array(), tss = nlohmann::json::array();
    std::vector<double> scores;
    std::vector<std::uint8_t> labels;
    for (std::int64_t s = 0; s < species; ++s)
    {
        const auto& pres = present[static_cast<std::size_t>(s)];
        if (pres.empty())
        {
            for (auto* list : {&mtp, &p95, &p90, &tss})
            {
                list->push_back(nullptr);
            }
            continue;
        }
        mtp.push_back(valueOrNull(minimumTrainingPresenceThreshold(pres)));
        p95.push_back(valueOrNull(presenceQuantileThreshold(pres, 0.95)));
        p90.push_back(valueOrNull(presenceQuantileThreshold(pres, 0.90)));
        scores.assign(pres.begin(), pres.end());
        labels.assign(pres.size(), 1);
        const auto column = absent.select(1, s).contiguous();
        scores.insert(scores.end(), column.data_ptr<double>(),
                      column.data_ptr<double>() + numAbsent);
        labels.resize(scores.size(), 0);
        tss.push_back(valueOrNull(maxTssThreshold(labels, scores).threshold));
    }
    model.train(wasTraining);
    return {{"mtp", mtp},
            {"presence_95", p95},
            {"presence_90", p90},
            {"max_tss", tss},
            {"pseudo_absences", numAbsent}};
}

} // namespace geoinr::core::training
