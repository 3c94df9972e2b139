// SPDX-License-Identifier: MIT
// SIREN (Sitzmann et al. 2020) as locationencoder's SirenNet (science.md §3.4).
#include "fast_dropout.h"
#include "fast_linear.h"
#include "network_spec.h"

#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::networks
{
namespace
{

/** Fills W and b ~ U(-bound, bound). */
void uniformInit(torch::nn::Linear& layer, double bound)
{
    torch::NoGradGuard noGrad;
    layer->weight.uniform_(-bound, bound);
    if (layer->bias.defined())
    {
        layer->bias.uniform_(-bound, bound);
    }
}

/**
 * num_layers hidden layers h <- sin(w0 (W h + b)), w0 = w0_initial for the first and w0 after;
 * the head is linear with bias (logits). Init with n = fan_in: first layer U(-1/n, 1/n), all
 * others, the head included, U(-sqrt(6/n)/w0, sqrt(6/n)/w0) with the head's w0 = 1.
 * Optional dropout(p) on each hidden pre-activation.
 */
class Siren : public NetworkBase
{
  public:
    Siren(const nlohmann::json& cfg, std::int64_t in, std::int64_t out)
        : NetworkBase(cfg, in, cfg.at("hidden_dim").get<std::int64_t>(), out, true),
          m_w0Initial(cfg.at("w0_initial").get<double>()), m_w0(cfg.at("w0").get<double>()),
          m_dropout(cfg.at("dropout").get<bool>() ? cfg.at("dropout_p").get<double>() : 0.0)
    {
        const auto h = featureDim();
        const int layers = cfg.at("num_layers").get<int>();
        m_layers = register_module("layers", torch::nn::ModuleList());
        for (int k = 0; k < layers; ++k)
        {
            const auto fanIn = k == 0 ? in : h;
            torch::nn::Linear layer(fanIn, h);
            const auto n = static_cast<double>(fanIn);
            uniformInit(layer, k == 0 ? 1.0 / n : std::sqrt(6.0 / n) / m_w0);
            m_layers->push_back(layer);
        }
        uniformInit(mutableHead(), std::sqrt(6.0 / static_cast<double>(h)));
    }

    torch::Tensor features(const torch::Tensor& x) override
    {
        auto h = x;
        for (std::size_t k = 0; k < m_layers->size(); ++k)
        {
            auto pre = linear(h, *m_layers[k]->as<torch::nn::LinearImpl>());
            if (m_dropout > 0.0)
            {
                pre = fastDropout(pre, m_dropout, is_training());
            }
            h = torch::sin((k == 0 ? m_w0Initial : m_w0) * pre);
        }
        return h;
    }

  private:
    double m_w0Initial;
    double m_w0;
    double m_dropout;
    torch::nn::ModuleList m_layers{nullptr};
};

} // namespace

std::vector<NetworkSpec> sirenSpecs()
{
    return {{{"siren",
              "SIREN: sine layers sin(w0 (W h + b)) with SIREN initialisation, linear head",
              "Sitzmann et al. 2020; Russwurm et al. 2024 (SirenNet)",
              {{"hidden_dim", ParamType::Integer, 128, "width of the sine layers", 1.0, 1e6},
               {"num_layers", ParamType::Integer, 2, "number of sine layers", 1.0, 1000.0},
               {"w0_initial", ParamType::Number, 30.0, "w0 of the first layer", 1e-9, {}},
               {"w0", ParamType::Number, 1.0, "w0 of the other layers", 1e-9, {}},
               {"dropout", ParamType::Boolean, false, "dropout on hidden pre-activations"},
               {"dropout_p", ParamType::Number, 0.5, "dropout probability", 0.0, 1.0}}},
             [](const nlohmann::json& c, std::int64_t in, std::int64_t out) -> NetworkPtr
             {
                 return std::make_shared<Siren>(c, in, out);
             }}};
}

} // namespace geoinr::core::networks
