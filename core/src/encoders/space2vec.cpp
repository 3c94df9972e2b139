// SPDX-License-Identifier: MIT
// Space2Vec grid and theory (Mai et al. 2020; science.md §2.2 (6), (7)) on raw degrees.
#include "encoder_spec.h"
#include "frequencies.h"

#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::encoders
{
namespace
{

/**
 * grid: for axis a (0 = lon, 1 = lat) and scale f,
 *   out[a*2F + 2f] = sin(w_f c_a), out[a*2F + 2f + 1] = cos(w_f c_a). 4F dims.
 * theory: projections p_j = <c, e_j> on e1 = (1, 0), e2 = (-1/2, sqrt3/2), e3 = (-1/2, -sqrt3/2),
 *   out[6f + 2j] = sin(w_f p_j), out[6f + 2j + 1] = cos(w_f p_j). 6F dims.
 */
class Space2VecEncoder : public EncoderImpl
{
  public:
    Space2VecEncoder(const nlohmann::json& cfg, bool theory)
        : EncoderImpl(cfg, (theory ? 6 : 4) * cfg.at("frequency_num").get<std::int64_t>()),
          m_theory(theory)
    {
        m_freqs =
            register_buffer("freqs", torch::tensor(frequenciesFromConfig(cfg), torch::kFloat64));
    }

    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        const auto n = lonLatDeg.size(0);
        const auto w = m_freqs.to(lonLatDeg.options());
        if (!m_theory)
        {
            // [N, 2 axes, F scales, 2 (sin, cos)] -> axis-major, then scale, then sin/cos.
            const auto ang = lonLatDeg.unsqueeze(2) * w.view({1, 1, -1});
            return torch::stack({ang.sin(), ang.cos()}, 3).reshape({n, outputDim()});
        }
        const double s3 = std::sqrt(3.0) / 2.0;
        const auto units =
            torch::tensor({1.0, -0.5, -0.5, 0.0, s3, -s3}, lonLatDeg.options()).view({2, 3});
        const auto proj = lonLatDeg.matmul(units);               // [N, 3]
        const auto ang = w.view({1, -1, 1}) * proj.unsqueeze(1); // [N, F, 3]
        return torch::stack({ang.sin(), ang.cos()}, 3).reshape({n, outputDim()});
    }

  private:
    bool m_theory;
    torch::Tensor m_freqs;
};

} // namespace

std::vector<EncoderSpec> space2vecSpecs()
{
    const auto params = frequencyParams(16, 1.0, 360.0, "geometric", "degrees");
    return {
        {{"space2vec_grid", "Space2Vec grid: sin/cos of each raw-degree axis at F scales; 4F dims",
          "Mai et al. 2020; TorchSpatial 'Space2Vec-grid'", params},
         [](const nlohmann::json& c) { return 4 * c.at("frequency_num").get<std::int64_t>(); },
         [](const nlohmann::json& c)
         {
             return std::make_shared<Space2VecEncoder>(c, false);
         }},
        {{"space2vec_theory",
          "Space2Vec theory: sin/cos of projections on three unit vectors 120 degrees apart; "
          "6F dims",
          "Mai et al. 2020; TorchSpatial 'Space2Vec-theory'", params},
         [](const nlohmann::json& c) { return 6 * c.at("frequency_num").get<std::int64_t>(); },
         [](const nlohmann::json& c)
         {
             return std::make_shared<Space2VecEncoder>(c, true);
         }},
    };
}

} // namespace geoinr::core::encoders
