// SPDX-License-Identifier: MIT
// TorchSpatial "rbf" (science.md §2.2 (4)): Gaussian kernels around M anchor locations in
// lon/lat degree space. Anchors are drawn from the training locations (fitToLocations) and saved
// as a buffer; explicit anchors can be given in the configuration.
#include "encoder_spec.h"
#include "random_init.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <numeric>
#include <random>

namespace geoinr::core::encoders
{
namespace
{

class RbfEncoder : public EncoderImpl
{
  public:
    explicit RbfEncoder(const nlohmann::json& cfg)
        : EncoderImpl(cfg, cfg.at("num_anchors").get<std::int64_t>()),
          m_sigma(cfg.at("sigma_deg").get<double>()), m_seed(cfg.at("seed").get<std::uint64_t>())
    {
        const auto m = outputDim();
        std::vector<double> anchors;
        if (!cfg.at("anchors").is_null())
        {
            const auto rows = cfg.at("anchors").get<std::vector<std::vector<double>>>();
            if (static_cast<std::int64_t>(rows.size()) != m || rows.front().size() != 2)
            {
                throw InvalidArgument(fmt::format(
                    "encoder.anchors: expected {} rows of [lon, lat] (num_anchors), got {} rows "
                    "of {}",
                    m, rows.size(), rows.front().size()));
            }
            for (const auto& r : rows)
            {
                anchors.insert(anchors.end(), r.begin(), r.end());
            }
        }
        else
        {
            // Until fitToLocations() sees training data, anchors are spherical-uniform.
            anchors = seededSphereLonLat(static_cast<std::size_t>(m), m_seed);
        }
        m_anchors =
            register_buffer("anchors", torch::tensor(anchors, torch::kFloat64).reshape({m, 2}));
    }

    void fitToLocations(const torch::Tensor& lonLatDeg) override
    {
        if (!config().at("anchors").is_null())
        {
            return; // explicit anchors win
        }
        const auto n = lonLatDeg.size(0);
        const auto m = outputDim();
        if (n == 0)
        {
            throw InvalidArgument("rbf: cannot draw anchors from an empty set of locations");
        }
        std::mt19937_64 rng(m_seed);
        std::vector<std::int64_t> ids;
        if (m <= n) // without replacement, as TorchSpatial
        {
            std::vector<std::int64_t> all(static_cast<std::size_t>(n));
            std::iota(all.begin(), all.end(), 0);
            std::shuffle(all.begin(), all.end(), rng);
            ids.assign(all.begin(), all.begin() + m);
        }
        else
        {
            std::uniform_int_distribution<std::int64_t> pick(0, n - 1);
            for (std::int64_t i = 0; i < m; ++i)
            {
                ids.push_back(pick(rng));
            }
        }
        const auto idx = torch::tensor(ids, torch::kLong).to(lonLatDeg.device());
        m_anchors.copy_(lonLatDeg.index_select(0, idx).to(m_anchors.options()));
    }

    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        const auto a = m_anchors.to(lonLatDeg.options());
        // ||c - a||^2 expanded, one [N, M] matrix product instead of an [N, M, 2] temporary.
        const auto d2 = (lonLatDeg * lonLatDeg).sum(1, true) - 2.0 * lonLatDeg.matmul(a.t()) +
                        (a * a).sum(1).unsqueeze(0);
        return torch::exp(-d2.clamp_min(0.0) / (2.0 * m_sigma * m_sigma));
    }

  private:
    double m_sigma;
    std::uint64_t m_seed;
    torch::Tensor m_anchors;
};

} // namespace

std::vector<EncoderSpec> rbfSpecs()
{
    return {{{"rbf",
              "Gaussian radial basis functions around anchor locations (degree space); "
              "num_anchors dims",
              "TorchSpatial 'rbf'",
              {{"num_anchors", ParamType::Integer, 200, "number of anchors M", 1.0, 1e6},
               {"sigma_deg", ParamType::Number, 1.0, "kernel width sigma in degrees", 1e-9, {}},
               {"seed", ParamType::Integer, 0, "seed for drawing anchors", 0.0, {}},
               {"anchors", ParamType::NumberMatrix, nullptr,
                "explicit anchors [[lon, lat], ...] (default: drawn from training locations)"}}},
             [](const nlohmann::json& c) { return c.at("num_anchors").get<std::int64_t>(); },
             [](const nlohmann::json& c)
             {
                 return std::make_shared<RbfEncoder>(c);
             }}};
}

} // namespace geoinr::core::encoders
