// SPDX-License-Identifier: MIT
// TorchSpatial's MultiLayerFeedForwardNN (science.md §3.5), used by the "ffn" network and by the
// wrap_ffn and tile encoders.
#pragma once

#include <geoinr/core/config.h>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <string>
#include <vector>

namespace geoinr::core::networks
{

struct TsFfnOptions
{
    std::int64_t hiddenDim = 512;
    int numHiddenLayers = 1;
    double dropout = 0.5;
    std::string activation = "leakyrelu"; ///< leakyrelu (slope 0.2), relu, sigmoid, tanh
    bool layerNorm = true;
    bool skip = true;
};

/** Reads hidden_dim, num_hidden_layers, dropout, activation, layernorm, skip. */
TsFfnOptions tsFfnOptionsFromConfig(const nlohmann::json& resolved);
/** Param specs for the keys above (defaults: TorchSpatial's). */
std::vector<ParamSpec> tsFfnParams();

/** One TorchSpatial SingleFeedForwardNN block: act(Linear) -> dropout -> [+x] -> [LayerNorm]. */
class TsFfnBlockImpl : public torch::nn::Module
{
  public:
    TsFfnBlockImpl(std::int64_t in, std::int64_t out, const TsFfnOptions& opts, bool layerNorm,
                   bool skip);
    torch::Tensor forward(const torch::Tensor& x);

  private:
    torch::nn::Linear m_linear{nullptr};
    torch::nn::LayerNorm m_norm{nullptr};
    std::string m_activation;
    double m_dropout;
    bool m_skip;
};
TORCH_MODULE(TsFfnBlock);

/** MultiLayerFeedForwardNN: in -> [hidden blocks with LN + skip] -> out (act + dropout). */
class TsFfnImpl : public torch::nn::Module
{
  public:
    TsFfnImpl(std::int64_t in, std::int64_t out, const TsFfnOptions& opts);
    torch::Tensor forward(torch::Tensor x);

  private:
    torch::nn::ModuleList m_blocks;
};
TORCH_MODULE(TsFfn);

} // namespace geoinr::core::networks
