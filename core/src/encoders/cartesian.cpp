// SPDX-License-Identifier: MIT
// Unit-sphere ECEF encoders: xyz and NeRF (science.md §2.2 (8), (9)). Latitude is geocentric on
// a unit sphere; no ellipsoid.
#include "encoder_spec.h"
#include "frequencies.h"

#include <torch/torch.h>

namespace geoinr::core::encoders
{
namespace
{

/** [cos(lat) cos(lon), cos(lat) sin(lon), sin(lat)], [N, 3]. */
torch::Tensor unitXyz(const torch::Tensor& lonLatDeg)
{
    const auto lon = lonLatDeg.select(1, 0) * (M_PI / 180.0);
    const auto lat = lonLatDeg.select(1, 1) * (M_PI / 180.0);
    const auto c = lat.cos();
    return torch::stack({c * lon.cos(), c * lon.sin(), lat.sin()}, 1);
}

class XyzEncoder : public EncoderImpl
{
  public:
    explicit XyzEncoder(const nlohmann::json& cfg) : EncoderImpl(cfg, 3) {}
    torch::Tensor encode(const torch::Tensor& lonLatDeg) override { return unitXyz(lonLatDeg); }
};

/** NeRF: out[k*F + f] = s_k(w_f v_{k mod 3}), k = sin x, sin y, sin z, cos x, cos y, cos z. */
class NerfEncoder : public EncoderImpl
{
  public:
    explicit NerfEncoder(const nlohmann::json& cfg)
        : EncoderImpl(cfg, 6 * cfg.at("frequency_num").get<std::int64_t>())
    {
        m_freqs = register_buffer(
            "freqs",
            torch::tensor(nerfFrequencies(cfg.at("frequency_num").get<int>()), torch::kFloat64));
    }
    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        const auto n = lonLatDeg.size(0);
        const auto ang =
            unitXyz(lonLatDeg).unsqueeze(2) * m_freqs.to(lonLatDeg.options()).view({1, 1, -1});
        const auto half = outputDim() / 2; // explicit sizes: reshape cannot infer -1 when n = 0
        return torch::cat({ang.sin().reshape({n, half}), ang.cos().reshape({n, half})}, 1);
    }

  private:
    torch::Tensor m_freqs;
};

} // namespace

std::vector<EncoderSpec> cartesianSpecs()
{
    return {
        {{"xyz",
          "unit-sphere cartesian coordinates [x, y, z]; 3 dims",
          "TorchSpatial 'xyz'; locationencoder 'cartesian3d'",
          {}},
         [](const nlohmann::json&) { return std::int64_t{3}; },
         [](const nlohmann::json& c)
         {
             return std::make_shared<XyzEncoder>(c);
         }},
        {{"nerf",
          "NeRF positional encoding of unit-sphere xyz at frequencies pi 2^f; 6F dims",
          "Mildenhall et al. 2020; TorchSpatial 'NeRF' (F hard-wired to 16 there)",
          {{"frequency_num", ParamType::Integer, 16, "number of frequencies F", 1.0, 60.0}}},
         [](const nlohmann::json& c) { return 6 * c.at("frequency_num").get<std::int64_t>(); },
         [](const nlohmann::json& c)
         {
             return std::make_shared<NerfEncoder>(c);
         }},
    };
}

} // namespace geoinr::core::encoders
