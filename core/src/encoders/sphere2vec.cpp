// SPDX-License-Identifier: MIT
// Sphere2Vec family (Mai et al. 2023; science.md §2.2 (10)-(14)): sphereC, sphereC+, sphereM,
// sphereM+ and dfs, on radians scaled by F frequencies.
#include "encoder_spec.h"
#include "frequencies.h"

#include <torch/torch.h>

namespace geoinr::core::encoders
{
namespace
{

enum class Variant
{
    SphereC,     // per f: [sin pf, cos pf cos lf, cos pf sin lf]                               3F
    SphereCPlus, // per f: [sin pf, cos pf, sin lf, cos lf, cos pf cos lf, cos pf sin lf]       6F
    SphereM,     // per f: [sin pf, cos pf cos l, cos p cos lf, cos pf sin l, cos p sin lf]     5F
    SphereMPlus, // per f: [sin pf, cos pf, sin lf, cos lf, cos pf cos l, cos p cos lf,
                 //         cos pf sin l, cos p sin lf]                                          8F
    Dfs          // 4F^2 products of [sin lf.., cos lf..] x [sin pf.., cos pf..], then per f
        // [sin pf, cos pf, sin lf, cos lf]                                           4F^2+4F
};

std::int64_t featuresPerScale(Variant v)
{
    switch (v)
    {
    case Variant::SphereC:
        return 3;
    case Variant::SphereCPlus:
        return 6;
    case Variant::SphereM:
        return 5;
    case Variant::SphereMPlus:
        return 8;
    case Variant::Dfs:
        return 4;
    }
    return 0;
}

std::int64_t sphereDim(Variant v, const nlohmann::json& cfg)
{
    const auto f = cfg.at("frequency_num").get<std::int64_t>();
    if (v == Variant::Dfs)
    {
        return 4 * f * f + 4 * f;
    }
    const bool legacy = cfg.value("legacy_locationencoder", false);
    return (legacy ? 2 : 1) * featuresPerScale(v) * f;
}

class Sphere2VecEncoder : public EncoderImpl
{
  public:
    Sphere2VecEncoder(const nlohmann::json& cfg, Variant v)
        : EncoderImpl(cfg, sphereDim(v, cfg)), m_variant(v),
          m_legacy(cfg.value("legacy_locationencoder", false))
    {
        m_freqs =
            register_buffer("freqs", torch::tensor(frequenciesFromConfig(cfg), torch::kFloat64));
    }

    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        const auto n = lonLatDeg.size(0);
        // locationencoder's grid_and_sphere.py skips the degree->radian conversion (legacy mode).
        const double toAngle = m_legacy ? 1.0 : M_PI / 180.0;
        const auto lon = (lonLatDeg.select(1, 0) * toAngle).unsqueeze(1); // [N, 1]
        const auto lat = (lonLatDeg.select(1, 1) * toAngle).unsqueeze(1);
        const auto w = m_freqs.to(lonLatDeg.options()).unsqueeze(0); // [1, F]
        const auto lf = lon * w;
        const auto pf = lat * w;
        const auto sinLf = lf.sin(), cosLf = lf.cos(), sinPf = pf.sin(), cosPf = pf.cos();
        const auto F = w.size(1);

        torch::Tensor out;
        switch (m_variant)
        {
        case Variant::SphereC:
            out = torch::stack({sinPf, cosPf * cosLf, cosPf * sinLf}, 2);
            break;
        case Variant::SphereCPlus:
            out = torch::stack({sinPf, cosPf, sinLf, cosLf, cosPf * cosLf, cosPf * sinLf}, 2);
            break;
        case Variant::SphereM:
            out = torch::stack({sinPf, cosPf * lon.cos().expand({n, F}), lat.cos() * cosLf,
                                cosPf * lon.sin().expand({n, F}), lat.cos() * sinLf},
                               2);
            break;
        case Variant::SphereMPlus:
            out = torch::stack({sinPf, cosPf, sinLf, cosLf, cosPf * lon.cos().expand({n, F}),
                                lat.cos() * cosLf, cosPf * lon.sin().expand({n, F}),
                                lat.cos() * sinLf},
                               2);
            break;
        case Variant::Dfs:
        {
            const auto l = torch::cat({sinLf, cosLf}, 1); // [N, 2F]
            const auto m = torch::cat({sinPf, cosPf}, 1);
            const auto products = (l.unsqueeze(2) * m.unsqueeze(1)).reshape({n, 4 * F * F});
            const auto single = torch::stack({sinPf, cosPf, sinLf, cosLf}, 2).reshape({n, 4 * F});
            return torch::cat({products, single}, 1);
        }
        }
        out = out.reshape({n, featuresPerScale(m_variant) * F}); // explicit: n may be 0
        // locationencoder repeats the coordinates along a trailing axis of 2: every feature twice.
        return m_legacy ? out.repeat_interleave(2, 1) : out;
    }

  private:
    Variant m_variant;
    bool m_legacy;
    torch::Tensor m_freqs;
};

EncoderSpec sphereSpec(const char* name, const char* description, Variant v, const char* rule)
{
    auto params = frequencyParams(v == Variant::Dfs ? 8 : 32, 0.001, 1.0, rule, "radians");
    if (v != Variant::Dfs)
    {
        params.push_back({"legacy_locationencoder", ParamType::Boolean, false,
                          "reproduce locationencoder: degree arguments, every feature twice"});
    }
    return {{name, description, "Mai et al. 2023 (Sphere2Vec); TorchSpatial", params},
            [v](const nlohmann::json& c) { return sphereDim(v, c); },
            [v](const nlohmann::json& c)
            {
                return std::make_shared<Sphere2VecEncoder>(c, v);
            }};
}

} // namespace

std::vector<EncoderSpec> sphere2vecSpecs()
{
    return {
        sphereSpec("sphere_c", "Sphere2Vec sphereC: multi-scale unit-sphere xyz; 3F dims",
                   Variant::SphereC, "geometric"),
        sphereSpec("sphere_c_plus", "Sphere2Vec sphereC+: sphereC plus sin/cos per angle; 6F dims",
                   Variant::SphereCPlus, "geometric"),
        sphereSpec("sphere_m",
                   "Sphere2Vec sphereM: multi-scale terms mixed with single-scale angles; 5F dims",
                   Variant::SphereM, "geometric"),
        sphereSpec("sphere_m_plus", "Sphere2Vec sphereM+: sphereM plus sin/cos per angle; 8F dims",
                   Variant::SphereMPlus, "geometric"),
        sphereSpec("dfs",
                   "double Fourier sphere: all products of lon and lat sinusoids; 4F^2+4F dims",
                   Variant::Dfs, "geometric"),
    };
}

} // namespace geoinr::core::encoders
