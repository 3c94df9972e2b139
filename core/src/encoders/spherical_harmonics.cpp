// SPDX-License-Identifier: MIT
// Real spherical harmonics up to degree L-1 (Russwurm et al. 2024; science.md §2.4), evaluated
// with the stable recurrences of the fully normalised associated Legendre functions in float64.
// Closed-form polynomial tables (as in locationencoder) lose precision past l ~ 20 and give NaN
// past l ~ 50; the recurrence is stable far beyond L = 100.
#include "encoder_spec.h"

#include <torch/torch.h>

#include <cmath>
#include <vector>

namespace geoinr::core::encoders
{
namespace
{

/**
 * Output column l^2 + l + m for l = 0..L-1, m = -l..l (locationencoder convention):
 *   m > 0: sqrt2 * Pbar_l^m(cos t) * cos(m p)
 *   m = 0: m0_scale * Pbar_l^0(cos t)
 *   m < 0: sqrt2 * Pbar_l^|m|(cos t) * sin(|m| p)
 * with t = rad(lat + 90) (t = 0 is the south pole), p = rad(lon + 180), no Condon-Shortley phase,
 * Pbar = N_l^m P_l^m orthonormal on the unit sphere. closed_form_sign multiplies m != 0 terms by
 * (-1)^m (locationencoder's "closed-form" variant).
 */
class SphericalHarmonicsEncoder : public EncoderImpl
{
  public:
    explicit SphericalHarmonicsEncoder(const nlohmann::json& cfg)
        : EncoderImpl(cfg, cfg.at("L").get<std::int64_t>() * cfg.at("L").get<std::int64_t>()),
          m_degrees(cfg.at("L").get<int>()), m_m0Scale(cfg.at("m0_scale").get<double>()),
          m_closedFormSign(cfg.at("closed_form_sign").get<bool>())
    {
    }

    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        const auto n = lonLatDeg.size(0);
        const int L = m_degrees;
        if (L == 0)
        {
            return torch::zeros({n, 0}, lonLatDeg.options());
        }
        // Work in [order m, point] layout: every recurrence step then slices contiguous rows.
        const auto ll = lonLatDeg.to(torch::kFloat64);
        const auto lat = ll.select(1, 1) * (M_PI / 180.0);
        const auto phi = (ll.select(1, 0) + 180.0) * (M_PI / 180.0);
        // cos t = cos(lat + 90deg) = -sin(lat); sin t = cos(lat) >= 0. Written this way the
        // gradient stays finite at the poles (no sqrt(1 - x^2)).
        const auto x = (-lat.sin()).unsqueeze(0); // [1, N]
        const auto s = lat.cos();

        // Sectoral terms Pbar_m^m = sqrt((2m+1)/(2m)) s Pbar_{m-1}^{m-1}, Pbar_0^0 = 1/sqrt(4 pi).
        std::vector<torch::Tensor> diag;
        diag.reserve(static_cast<std::size_t>(L));
        diag.push_back(torch::full({1, n}, 1.0 / std::sqrt(4.0 * M_PI), ll.options()));
        for (int m = 1; m < L; ++m)
        {
            diag.push_back(diag.back() * s * std::sqrt((2.0 * m + 1.0) / (2.0 * m)));
        }
        const auto ms = torch::arange(1, std::max(L, 2), ll.options()); // m = 1..L-1
        const auto mPhi = ms.unsqueeze(1) * phi.unsqueeze(0);           // [L-1, N]
        const auto cosM = mPhi.cos() * std::sqrt(2.0);
        const auto sinM = mPhi.sin() * std::sqrt(2.0);
        torch::Tensor signs; // (-1)^m as a column, only for closed_form_sign
        if (m_closedFormSign)
        {
            signs = (1.0 - 2.0 * torch::remainder(ms, 2)).unsqueeze(1);
        }

        // Written block by block into the output: no [L^2, N] float64 intermediate (at L = 40 and
        // 65,536 points that would be 840 MB, and page faults then dominate the run time).
        auto out = torch::empty({n, static_cast<std::int64_t>(L) * L}, lonLatDeg.options());
        torch::Tensor prev2; // degree l-2: [l-1, N] (m = 0..l-2)
        torch::Tensor prev;  // degree l-1: [l, N]
        for (int l = 0; l < L; ++l)
        {
            torch::Tensor row; // degree l: [l+1, N], m = 0..l
            if (l == 0)
            {
                row = diag[0];
            }
            else
            {
                std::vector<torch::Tensor> parts;
                if (l >= 2)
                {
                    // Pbar_l^m = a (x Pbar_{l-1}^m - b Pbar_{l-2}^m) for m <= l-2.
                    const auto [a, b] = recurrenceCoefficients(l, ll.options());
                    parts.push_back(a * (x * prev.narrow(0, 0, l - 1) - b * prev2));
                }
                // Pbar_l^{l-1} = sqrt(2l+1) x Pbar_{l-1}^{l-1}; Pbar_l^l from the diagonal.
                parts.push_back(std::sqrt(2.0 * l + 1.0) * x *
                                diag[static_cast<std::size_t>(l - 1)]);
                parts.push_back(diag[static_cast<std::size_t>(l)]);
                row = torch::cat(parts, 0);
            }
            out.narrow(1, static_cast<std::int64_t>(l) * l, 2 * l + 1)
                .copy_(assembleDegree(row, l, cosM, sinM, signs).t());
            prev2 = prev;
            prev = row;
        }
        return out;
    }

  private:
    /** Columns a_lm, b_lm ([l-1, 1]) of the three-term recurrence for m = 0..l-2. */
    static std::pair<torch::Tensor, torch::Tensor>
    recurrenceCoefficients(int l, const torch::TensorOptions& options)
    {
        std::vector<double> a(static_cast<std::size_t>(l - 1));
        std::vector<double> b(static_cast<std::size_t>(l - 1));
        const double l2 = static_cast<double>(l) * l;
        const double lm1 = l - 1.0;
        for (int m = 0; m <= l - 2; ++m)
        {
            const double m2 = static_cast<double>(m) * m;
            a[static_cast<std::size_t>(m)] = std::sqrt((4.0 * l2 - 1.0) / (l2 - m2));
            b[static_cast<std::size_t>(m)] = std::sqrt((lm1 * lm1 - m2) / (4.0 * lm1 * lm1 - 1.0));
        }
        return {torch::tensor(a, options).unsqueeze(1), torch::tensor(b, options).unsqueeze(1)};
    }

    /** [2l+1, N] rows m = -l..l of degree l from Pbar_l^m, m = 0..l ([l+1, N]). */
    torch::Tensor assembleDegree(const torch::Tensor& row, int l, const torch::Tensor& cosM,
                                 const torch::Tensor& sinM, const torch::Tensor& signs) const
    {
        auto zonal = row.narrow(0, 0, 1) * m_m0Scale;
        if (l == 0)
        {
            return zonal;
        }
        auto tesseral = row.narrow(0, 1, l);
        if (signs.defined())
        {
            tesseral = tesseral * signs.narrow(0, 0, l);
        }
        const auto cosPart = tesseral * cosM.narrow(0, 0, l);
        const auto sinPart = (tesseral * sinM.narrow(0, 0, l)).flip({0});
        return torch::cat({sinPart, zonal, cosPart}, 0);
    }

    int m_degrees;
    double m_m0Scale;
    bool m_closedFormSign;
};

} // namespace

std::vector<EncoderSpec> sphericalHarmonicsSpecs()
{
    return {{{"spherical_harmonics",
              "real spherical harmonics of degree 0..L-1 (stable Legendre recursion); L^2 dims",
              "Russwurm et al. 2024 (locationencoder, SatCLIP)",
              {{"L", ParamType::Integer, 10, "number of degrees (legendre_polys); degrees 0..L-1",
                0.0, 1000.0},
               {"m0_scale",
                ParamType::Number,
                1.0,
                "factor on m = 0 terms (pi reproduces SatCLIP's pretrained checkpoints)",
                {},
                {}},
               {"closed_form_sign", ParamType::Boolean, false,
                "multiply m != 0 terms by (-1)^m (locationencoder closed-form variant)"}}},
             [](const nlohmann::json& c)
             {
                 const auto l = c.at("L").get<std::int64_t>();
                 return l * l;
             },
             [](const nlohmann::json& c)
             {
                 return std::make_shared<SphericalHarmonicsEncoder>(c);
             }}};
}

} // namespace geoinr::core::encoders
