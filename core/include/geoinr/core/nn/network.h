// SPDX-License-Identifier: MIT
// Network interface (LibTorch): a trunk that maps encoded inputs to features, and a linear head
// with one logit per species.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

namespace geoinr::core
{

/** Trunk + species head. forward() returns logits [N, numOutputs()]. */
class NetworkImpl : public torch::nn::Module
{
  public:
    ~NetworkImpl() override = default;

    /** Logits for every output: head(features(x)). */
    torch::Tensor forward(const torch::Tensor& x);

    /** Trunk output [N, featureDim()] (SINR's `return_feats` embedding). */
    virtual torch::Tensor features(const torch::Tensor& x) = 0;

    /** Logits for a subset of outputs: [N, K] for the int64 indices `outputs` [K]. */
    torch::Tensor logitsFor(const torch::Tensor& x, const torch::Tensor& outputs);

    std::int64_t inputDim() const { return m_inputDim; }
    std::int64_t featureDim() const { return m_featureDim; }
    std::int64_t numOutputs() const { return m_numOutputs; }
    const torch::nn::Linear& head() const { return m_head; }
    /** Resolved configuration including "name". */
    const nlohmann::json& config() const { return m_config; }

  protected:
    NetworkImpl(nlohmann::json resolvedConfig, std::int64_t inputDim, std::int64_t featureDim,
                std::int64_t numOutputs, bool headBias);
    torch::nn::Linear& mutableHead() { return m_head; }

  private:
    nlohmann::json m_config;
    std::int64_t m_inputDim;
    std::int64_t m_featureDim;
    std::int64_t m_numOutputs;
    torch::nn::Linear m_head{nullptr};
};

using NetworkPtr = std::shared_ptr<NetworkImpl>;

/** Builds a network from {"name": ..., hyperparameters...}; throws InvalidArgument. */
NetworkPtr makeNetwork(const nlohmann::json& config, std::int64_t inputDim,
                       std::int64_t numOutputs);

} // namespace geoinr::core
