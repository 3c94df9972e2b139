// SPDX-License-Identifier: MIT
// TorchSpatial "rff", random Fourier features (science.md §2.2 (5)): coordinates min-max scaled
// to [-1, 1] over an extent, projected by frozen W ~ N(0, kernel_size * I) (variance, as TS), plus
// b ~ U(0, 2 pi): sqrt(2/F) cos(x W + b).
#include "encoder_spec.h"
#include "random_init.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::encoders
{
namespace
{

class RffEncoder : public EncoderImpl
{
  public:
    explicit RffEncoder(const nlohmann::json& cfg)
        : EncoderImpl(cfg, cfg.at("num_features").get<std::int64_t>())
    {
        const auto f = outputDim();
        const auto seed = cfg.at("seed").get<std::uint64_t>();
        m_extent = cfg.at("extent").get<std::vector<double>>();
        if (m_extent.size() != 4 || !(m_extent[0] < m_extent[1]) || !(m_extent[2] < m_extent[3]))
        {
            throw InvalidArgument(fmt::format("encoder.extent: expected [lon_min, lon_max, "
                                              "lat_min, lat_max] with min < max, got {}",
                                              cfg.at("extent").dump()));
        }
        std::vector<double> w;
        if (cfg.at("W").is_null())
        {
            w = seededNormal(static_cast<std::size_t>(2 * f), 0.0,
                             std::sqrt(cfg.at("kernel_size").get<double>()), seed);
        }
        else
        {
            const auto rows = cfg.at("W").get<std::vector<std::vector<double>>>();
            if (rows.size() != 2 || static_cast<std::int64_t>(rows[0].size()) != f)
            {
                throw InvalidArgument(fmt::format(
                    "encoder.W: expected 2 rows of {} values (num_features), got {} x {}", f,
                    rows.size(), rows[0].size()));
            }
            w = rows[0];
            w.insert(w.end(), rows[1].begin(), rows[1].end());
        }
        std::vector<double> b;
        if (cfg.at("b").is_null())
        {
            b = seededUniform(static_cast<std::size_t>(f), 0.0, 2.0 * M_PI, seed + 1);
        }
        else
        {
            b = cfg.at("b").get<std::vector<double>>();
            if (static_cast<std::int64_t>(b.size()) != f)
            {
                throw InvalidArgument(fmt::format(
                    "encoder.b: expected {} values (num_features), got {}", f, b.size()));
            }
        }
        m_w = register_buffer("W", torch::tensor(w, torch::kFloat64).reshape({2, f}));
        m_b = register_buffer("b", torch::tensor(b, torch::kFloat64));
    }

    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        const auto lo = torch::tensor({m_extent[0], m_extent[2]}, lonLatDeg.options());
        const auto hi = torch::tensor({m_extent[1], m_extent[3]}, lonLatDeg.options());
        const auto x = 2.0 * (lonLatDeg - lo) / (hi - lo) - 1.0;
        const auto proj = x.matmul(m_w.to(lonLatDeg.options())) + m_b.to(lonLatDeg.options());
        return std::sqrt(2.0 / static_cast<double>(outputDim())) * proj.cos();
    }

  private:
    std::vector<double> m_extent;
    torch::Tensor m_w;
    torch::Tensor m_b;
};

} // namespace

std::vector<EncoderSpec> rffSpecs()
{
    return {
        {{"rff",
          "random Fourier features sqrt(2/F) cos(xW + b) of min-max scaled lon/lat; "
          "num_features dims",
          "Rahimi & Recht 2007; TorchSpatial 'rff'",
          {{"num_features", ParamType::Integer, 64, "number of features F", 1.0, 1e6},
           {"kernel_size",
            ParamType::Number,
            1.0,
            "variance of W's entries (TorchSpatial: larger = higher frequencies)",
            1e-12,
            {}},
           {"extent", ParamType::NumberList, nlohmann::json::array({-180.0, 180.0, -90.0, 90.0}),
            "[lon_min, lon_max, lat_min, lat_max] mapped to [-1, 1]"},
           {"seed", ParamType::Integer, 0, "seed for W and b", 0.0, {}},
           {"W", ParamType::NumberMatrix, nullptr, "explicit 2 x F projection (optional)"},
           {"b", ParamType::NumberList, nullptr, "explicit F phases (optional)"}}},
         [](const nlohmann::json& c) { return c.at("num_features").get<std::int64_t>(); },
         [](const nlohmann::json& c)
         {
             return std::make_shared<RffEncoder>(c);
         }}};
}

} // namespace geoinr::core::encoders
