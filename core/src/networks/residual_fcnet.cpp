// SPDX-License-Identifier: MIT
// SINR's ResidualFCNet (= Mac Aodha et al. 2019 FCNet; science.md §3.1, §3.3).
#include "fast_dropout.h"
#include "fast_linear.h"
#include "network_spec.h"
#include "residual_block.h"

#include <torch/torch.h>

namespace geoinr::core::networks
{
namespace
{

/** y = ReLU(W2 Dropout(ReLU(W1 x + b1)) + b2); returns x + y (second ReLU before the add). */
class ResLayerImpl : public torch::nn::Module
{
  public:
    ResLayerImpl(std::int64_t width, double dropout) : m_dropout(dropout)
    {
        m_w1 = register_module("w1", torch::nn::Linear(width, width));
        m_w2 = register_module("w2", torch::nn::Linear(width, width));
    }
    torch::Tensor forward(const torch::Tensor& x)
    {
        if (fusedResidualBlockApplies(x, *m_w1, *m_w2))
        {
            return fusedResidualBlock(x, *m_w1, *m_w2, is_training() ? m_dropout : 0.0);
        }
        auto y = torch::relu(linear(x, m_w1));
        y = fastDropout(y, m_dropout, is_training());
        y = torch::relu(linear(y, m_w2));
        return x + y;
    }

  private:
    double m_dropout;
    torch::nn::Linear m_w1{nullptr};
    torch::nn::Linear m_w2{nullptr};
};
TORCH_MODULE(ResLayer);

/** Linear(d_in -> H) -> ReLU -> K x ResLayer(H); head W_c e (no bias by default). */
class ResidualFcnet : public NetworkBase
{
  public:
    ResidualFcnet(const nlohmann::json& cfg, std::int64_t in, std::int64_t out)
        : NetworkBase(cfg, in, cfg.at("hidden_dim").get<std::int64_t>(), out,
                      cfg.at("head_bias").get<bool>())
    {
        const auto h = featureDim();
        m_input = register_module("input", torch::nn::Linear(in, h));
        m_blocks = register_module("blocks", torch::nn::Sequential());
        for (int k = 0; k < cfg.at("num_blocks").get<int>(); ++k)
        {
            m_blocks->push_back(ResLayer(h, cfg.at("dropout").get<double>()));
        }
    }
    torch::Tensor features(const torch::Tensor& x) override
    {
        auto h = torch::relu(linear(x, m_input));
        return m_blocks->is_empty() ? h : m_blocks->forward(h);
    }

  private:
    torch::nn::Linear m_input{nullptr};
    torch::nn::Sequential m_blocks{nullptr};
};

std::vector<ParamSpec> params(std::int64_t hidden)
{
    return {
        {"hidden_dim", ParamType::Integer, hidden, "width H (SINR num_filts)", 1.0, 1e6},
        {"num_blocks", ParamType::Integer, 4, "residual blocks K (SINR depth)", 0.0, 1000.0},
        {"dropout", ParamType::Number, 0.5, "dropout inside each block (training only)", 0.0, 1.0},
        {"head_bias", ParamType::Boolean, false, "bias on the species head (SINR: none)"}};
}

NetworkPtr create(const nlohmann::json& c, std::int64_t in, std::int64_t out)
{
    return std::make_shared<ResidualFcnet>(c, in, out);
}

} // namespace

std::vector<NetworkSpec> residualFcnetSpecs()
{
    return {{{"residual_fcnet",
              "SINR ResidualFCNet: Linear+ReLU, K residual blocks with dropout, bias-free head",
              "Cole et al. 2023 (SINR); Mac Aodha et al. 2019", params(256)},
             create},
            {{"fcnet", "locationencoder FCNet: the same residual network, returning logits",
              "Russwurm et al. 2024 (locationencoder)", params(256)},
             create}};
}

} // namespace geoinr::core::networks
