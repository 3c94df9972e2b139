// SPDX-License-Identifier: MIT
// Encoders on the raw angles: SINR/TorchSpatial "wrap" (sin-cos), locationencoder "direct" and
// TorchSpatial "wrap_ffn" (science.md §2.2 (2), (3); §1.2 "direct").
#include "../networks/ts_ffn.h"
#include "encoder_spec.h"

#include <torch/torch.h>

namespace geoinr::core::encoders
{
namespace
{

/**
 * wrap, order "sinr" (SINR, TorchSpatial): [sin(pi x), sin(pi y), cos(pi x), cos(pi y)] with
 * x = lon/180, y = lat/90. Note pi*y = 2*phi: SINR's latitude terms are sin/cos of twice the
 * latitude (science.md's "i.e. [sin lambda, sin phi, ...]" gloss is wrong; the code and the golden
 * values use lat/90).
 * order "locationencoder": [cos lambda, sin lambda, cos phi, sin phi] (plain radians).
 */
torch::Tensor wrapFeatures(const torch::Tensor& lonLatDeg, bool sinrOrder)
{
    const auto lon = lonLatDeg.select(1, 0) * (M_PI / 180.0);
    if (sinrOrder)
    {
        const auto lat2 = lonLatDeg.select(1, 1) * (M_PI / 90.0);
        return torch::stack({lon.sin(), lat2.sin(), lon.cos(), lat2.cos()}, 1);
    }
    const auto lat = lonLatDeg.select(1, 1) * (M_PI / 180.0);
    return torch::stack({lon.cos(), lon.sin(), lat.cos(), lat.sin()}, 1);
}

/** Runs `module` in its parameters' dtype and returns the input's dtype (float32 or float64). */
template <typename Module>
torch::Tensor inModuleDtype(Module& module, const torch::Tensor& features, torch::ScalarType out)
{
    const auto dtype = module->parameters().front().scalar_type();
    return module->forward(features.to(dtype)).to(out);
}

class WrapEncoder : public EncoderImpl
{
  public:
    explicit WrapEncoder(const nlohmann::json& cfg)
        : EncoderImpl(cfg, 4), m_sinrOrder(cfg.at("order").get<std::string>() == "sinr")
    {
    }
    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        return wrapFeatures(lonLatDeg, m_sinrOrder);
    }

  private:
    bool m_sinrOrder;
};

/** locationencoder "direct": (lambda - pi, phi - pi) in radians, a baseline quirk kept as is. */
class DirectEncoder : public EncoderImpl
{
  public:
    explicit DirectEncoder(const nlohmann::json& cfg) : EncoderImpl(cfg, 2) {}
    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        return lonLatDeg * (M_PI / 180.0) - M_PI;
    }
};

/** TorchSpatial wrap_ffn: the 4-d SINR wrap followed by MultiLayerFeedForwardNN. */
class WrapFfnEncoder : public EncoderImpl
{
  public:
    explicit WrapFfnEncoder(const nlohmann::json& cfg)
        : EncoderImpl(cfg, cfg.at("output_dim").get<std::int64_t>())
    {
        m_ffn = register_module(
            "ffn", networks::TsFfn(4, outputDim(), networks::tsFfnOptionsFromConfig(cfg)));
    }
    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        return inModuleDtype(m_ffn, wrapFeatures(lonLatDeg, true), lonLatDeg.scalar_type());
    }

  private:
    networks::TsFfn m_ffn{nullptr};
};

} // namespace

std::vector<EncoderSpec> wrapSpecs()
{
    auto ffnParams = networks::tsFfnParams();
    ffnParams.insert(ffnParams.begin(),
                     ParamSpec{"output_dim", ParamType::Integer, 256,
                               "embedding size (TorchSpatial num_filts)", 1.0, 1e6});
    return {
        {{"wrap",
          "SINR sin-cos wrap: [sin(pi lon/180), sin(pi lat/90), cos(pi lon/180), cos(pi lat/90)]; "
          "4 dims",
          "Mac Aodha et al. 2019; SINR; TorchSpatial 'wrap'",
          {{"order",
            ParamType::String,
            "sinr",
            "feature order: sinr [sin l, sin p, cos l, cos p] or locationencoder [cos l, sin l, "
            "cos p, sin p]",
            {},
            {},
            {"sinr", "locationencoder"}}}},
         [](const nlohmann::json&) { return std::int64_t{4}; },
         [](const nlohmann::json& c)
         {
             return std::make_shared<WrapEncoder>(c);
         }},
        {{"direct",
          "locationencoder 'direct' baseline: (lon - pi, lat - pi) in radians; 2 dims",
          "Russwurm et al. 2024 (locationencoder)",
          {}},
         [](const nlohmann::json&) { return std::int64_t{2}; },
         [](const nlohmann::json& c)
         {
             return std::make_shared<DirectEncoder>(c);
         }},
        {{"wrap_ffn", "SINR wrap followed by TorchSpatial's feed-forward network; output_dim dims",
          "TorchSpatial 'wrap_ffn'", ffnParams},
         [](const nlohmann::json& c) { return c.at("output_dim").get<std::int64_t>(); },
         [](const nlohmann::json& c)
         {
             return std::make_shared<WrapFfnEncoder>(c);
         }},
    };
}

} // namespace geoinr::core::encoders
