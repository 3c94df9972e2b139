// SPDX-License-Identifier: MIT
// Network base class, registry and factory.
#include "fast_linear.h"
#include "network_spec.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

namespace geoinr::core
{

NetworkImpl::NetworkImpl(nlohmann::json resolvedConfig, std::int64_t inputDim,
                         std::int64_t featureDim, std::int64_t numOutputs, bool headBias)
    : m_config(std::move(resolvedConfig)), m_inputDim(inputDim), m_featureDim(featureDim),
      m_numOutputs(numOutputs)
{
    m_head = register_module(
        "head", torch::nn::Linear(torch::nn::LinearOptions(featureDim, numOutputs).bias(headBias)));
}

torch::Tensor NetworkImpl::forward(const torch::Tensor& x)
{
    return networks::linear(features(x), m_head);
}

torch::Tensor NetworkImpl::logitsFor(const torch::Tensor& x, const torch::Tensor& outputs)
{
    const auto f = features(x);
    const auto w = m_head->weight.index_select(0, outputs);
    auto out = f.matmul(w.t());
    if (m_head->bias.defined())
    {
        out = out + m_head->bias.index_select(0, outputs);
    }
    return out;
}

namespace networks
{

const std::vector<NetworkSpec>& allNetworkSpecs()
{
    static const std::vector<NetworkSpec> specs = []
    {
        std::vector<NetworkSpec> all;
        for (auto&& group : {residualFcnetSpecs(), sirenSpecs(), simpleSpecs()})
        {
            all.insert(all.end(), group.begin(), group.end());
        }
        return all;
    }();
    return specs;
}

} // namespace networks

NetworkPtr makeNetwork(const nlohmann::json& config, std::int64_t inputDim, std::int64_t numOutputs)
{
    const auto name = requireString(config, "name", "network");
    const auto& specs = networks::allNetworkSpecs();
    const auto it =
        std::find_if(specs.begin(), specs.end(),
                     [&](const networks::NetworkSpec& s) { return s.info.name == name; });
    if (it == specs.end())
    {
        std::vector<std::string> names;
        names.reserve(specs.size());
        for (const auto& s : specs)
        {
            names.push_back(s.info.name);
        }
        throw InvalidArgument(fmt::format("network.name: unknown network '{}' (known: {})", name,
                                          fmt::join(names, ", ")));
    }
    if (inputDim < 1 || numOutputs < 1)
    {
        throw InvalidArgument(fmt::format(
            "network: expected input and output sizes >= 1, got {} -> {}", inputDim, numOutputs));
    }
    return it->create(resolveParams(it->info.params, config, "network"), inputDim, numOutputs);
}

const std::vector<ComponentInfo>& networkCatalog()
{
    static const std::vector<ComponentInfo> infos = []
    {
        std::vector<ComponentInfo> out;
        for (const auto& s : networks::allNetworkSpecs())
        {
            out.push_back(s.info);
        }
        return out;
    }();
    return infos;
}

} // namespace geoinr::core
