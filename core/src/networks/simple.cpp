// SPDX-License-Identifier: MIT
// Linear ([SH] linear / SINR LinNet), SatCLIP's MLP and TorchSpatial's ffn as networks
// (science.md §3.2, §3.3, §3.5).
#include "fast_linear.h"
#include "network_spec.h"
#include "ts_ffn.h"

#include <torch/torch.h>

namespace geoinr::core::networks
{
namespace
{

/** logits = W x (+ b): the head alone on the encoded input. */
class Linear : public NetworkBase
{
  public:
    Linear(const nlohmann::json& cfg, std::int64_t in, std::int64_t out)
        : NetworkBase(cfg, in, in, out, cfg.at("bias").get<bool>())
    {
    }
    torch::Tensor features(const torch::Tensor& x) override { return x; }
};

/**
 * SatCLIP MLP: Linear(in -> H) + ReLU, num_layers x (Linear(H -> H) + ReLU), head with bias.
 * tied_hidden reuses one hidden Linear for all num_layers (SatCLIP's list-repetition quirk).
 */
class Mlp : public NetworkBase
{
  public:
    Mlp(const nlohmann::json& cfg, std::int64_t in, std::int64_t out)
        : NetworkBase(cfg, in, cfg.at("hidden_dim").get<std::int64_t>(), out, true),
          m_numLayers(cfg.at("num_layers").get<int>())
    {
        const auto h = featureDim();
        m_input = register_module("input", torch::nn::Linear(in, h));
        m_hidden = register_module("hidden", torch::nn::ModuleList());
        const int distinct =
            cfg.at("tied_hidden").get<bool>() ? std::min(m_numLayers, 1) : m_numLayers;
        for (int k = 0; k < distinct; ++k)
        {
            m_hidden->push_back(torch::nn::Linear(h, h));
        }
    }
    torch::Tensor features(const torch::Tensor& x) override
    {
        auto h = torch::relu(linear(x, m_input));
        for (int k = 0; k < m_numLayers; ++k)
        {
            const auto idx = static_cast<std::size_t>(k) % m_hidden->size();
            h = torch::relu(linear(h, *m_hidden[idx]->as<torch::nn::LinearImpl>()));
        }
        return h;
    }

  private:
    int m_numLayers;
    torch::nn::Linear m_input{nullptr};
    torch::nn::ModuleList m_hidden{nullptr};
};

/** TorchSpatial MultiLayerFeedForwardNN as trunk, then TS's bias-free class head. */
class Ffn : public NetworkBase
{
  public:
    Ffn(const nlohmann::json& cfg, std::int64_t in, std::int64_t out)
        : NetworkBase(cfg, in, cfg.at("output_dim").get<std::int64_t>(), out, false)
    {
        m_ffn = register_module("ffn", TsFfn(in, featureDim(), tsFfnOptionsFromConfig(cfg)));
    }
    torch::Tensor features(const torch::Tensor& x) override { return m_ffn->forward(x); }

  private:
    TsFfn m_ffn{nullptr};
};

template <typename T> NetworkFactory factory()
{
    return [](const nlohmann::json& c, std::int64_t in, std::int64_t out) -> NetworkPtr
    {
        return std::make_shared<T>(c, in, out);
    };
}

} // namespace

std::vector<NetworkSpec> simpleSpecs()
{
    auto ffnParams = tsFfnParams();
    ffnParams.insert(ffnParams.begin(),
                     ParamSpec{"output_dim", ParamType::Integer, 256,
                               "feature size before the head (num_filts)", 1.0, 1e6});
    return {
        {{"linear",
          "linear map from the encoding to the logits",
          "Russwurm et al. 2024 'linear' (bias); SINR LinNet (no bias)",
          {{"bias", ParamType::Boolean, true, "add a bias (SINR LinNet: false)"}}},
         factory<Linear>()},
        {{"mlp",
          "plain MLP with ReLU (SatCLIP's MLP)",
          "Klemmer et al. 2024 (SatCLIP)",
          {{"hidden_dim", ParamType::Integer, 256, "hidden width", 1.0, 1e6},
           {"num_layers", ParamType::Integer, 2, "hidden H -> H layers", 0.0, 1000.0},
           {"tied_hidden", ParamType::Boolean, false,
            "share one hidden layer's weights (reproduces SatCLIP)"}}},
         factory<Mlp>()},
        {{"ffn", "TorchSpatial MultiLayerFeedForwardNN with a bias-free class head",
          "Wu et al. 2024 (TorchSpatial)", ffnParams},
         factory<Ffn>()},
    };
}

} // namespace geoinr::core::networks
