// SPDX-License-Identifier: MIT
#include "pseudo_absences.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::training
{

PseudoAbsenceSampler::PseudoAbsenceSampler(const TrainOptions& options, bool needsEnv,
                                           const LocationBatch& observations,
                                           const BackgroundSet* background, const EnvGrid* envGrid,
                                           torch::Device device)
    : m_kind(options.pseudoAbsences), m_extent(options.pseudoAbsenceExtent), m_needsEnv(needsEnv),
      m_envGrid(envGrid), m_device(device)
{
    if (!m_extent.empty() &&
        (m_extent.size() != 4 || !(m_extent[0] < m_extent[1]) || !(m_extent[2] < m_extent[3]) ||
         m_extent[2] < -90.0 || m_extent[3] > 90.0))
    {
        throw InvalidArgument("pseudo-absence extent: expected lon_min < lon_max, "
                              "-90 <= lat_min < lat_max <= 90");
    }
    const auto kindName = pseudoAbsenceKindName(m_kind);
    switch (m_kind)
    {
    case PseudoAbsenceKind::Sphere:
    case PseudoAbsenceKind::ValidArea:
        if ((needsEnv || m_kind == PseudoAbsenceKind::ValidArea) && envGrid == nullptr)
        {
            throw InvalidArgument(fmt::format(
                "pseudo-absences '{}': {} covariate rasters; with table covariates use "
                "'background' or 'target_group'",
                kindName, m_kind == PseudoAbsenceKind::ValidArea ? "needs" : "env input needs"));
        }
        break;
    case PseudoAbsenceKind::TargetGroup:
        m_pool = observations;
        break;
    case PseudoAbsenceKind::Background:
    {
        if (background == nullptr || background->size() == 0)
        {
            throw InvalidArgument("pseudo-absences 'background': no background points given");
        }
        const auto m = static_cast<std::int64_t>(background->size());
        m_pool.lonLat =
            torch::from_blob(const_cast<float*>(background->lonLat.data()), {m, 2}, torch::kFloat32)
                .clone()
                .to(device);
        if (needsEnv)
        {
            const auto c = static_cast<std::int64_t>(background->env.size()) / m;
            if (c * m != static_cast<std::int64_t>(background->env.size()) || c == 0)
            {
                throw InvalidArgument("pseudo-absences 'background': the background points have "
                                      "no covariates but the model takes env input");
            }
            m_pool.env = torch::from_blob(const_cast<float*>(background->env.data()), {m, c},
                                          torch::kFloat32)
                             .clone()
                             .to(device);
        }
        break;
    }
    }
}

torch::Tensor PseudoAbsenceSampler::drawSphere(std::int64_t n, torch::Generator& gen) const
{
    const auto u = torch::rand({n, 2}, gen, torch::kFloat64);
    double lonLo = -180.0, lonHi = 180.0, zLo = -1.0, zHi = 1.0;
    if (m_extent.size() == 4)
    {
        lonLo = m_extent[0];
        lonHi = m_extent[1];
        zLo = std::sin(m_extent[2] * M_PI / 180.0);
        zHi = std::sin(m_extent[3] * M_PI / 180.0);
    }
    // Uniform by area: lon uniform, sin(lat) uniform (SINR's rand_samples, spherical).
    const auto lon = lonLo + (lonHi - lonLo) * u.select(1, 0);
    const auto lat =
        torch::asin((zLo + (zHi - zLo) * u.select(1, 1)).clamp(-1.0, 1.0)) * (180.0 / M_PI);
    return torch::stack({lon, lat}, 1).to(torch::kFloat32);
}

LocationBatch PseudoAbsenceSampler::sample(std::int64_t n, torch::Generator& gen) const
{
    LocationBatch out;
    switch (m_kind)
    {
    case PseudoAbsenceKind::Sphere:
        out.lonLat = drawSphere(n, gen).to(m_device);
        break;
    case PseudoAbsenceKind::ValidArea:
        out.lonLat = m_envGrid->drawValidArea(n, gen, m_extent).to(m_device);
        break;
    case PseudoAbsenceKind::TargetGroup:
    case PseudoAbsenceKind::Background:
    {
        const auto idx = torch::randint(m_pool.lonLat.size(0), {n}, gen, torch::kLong).to(m_device);
        out.lonLat = m_pool.lonLat.index_select(0, idx);
        if (m_needsEnv)
        {
            out.env = m_pool.env.index_select(0, idx);
        }
        return out;
    }
    }
    if (m_needsEnv)
    {
        out.env = m_envGrid->sample(out.lonLat);
    }
    return out;
}

} // namespace geoinr::core::training

namespace geoinr::core
{

PseudoAbsenceKind parsePseudoAbsenceKind(const std::string& name)
{
    if (name == "sphere")
    {
        return PseudoAbsenceKind::Sphere;
    }
    if (name == "valid_area")
    {
        return PseudoAbsenceKind::ValidArea;
    }
    if (name == "target_group")
    {
        return PseudoAbsenceKind::TargetGroup;
    }
    if (name == "background")
    {
        return PseudoAbsenceKind::Background;
    }
    throw InvalidArgument(fmt::format(
        "pseudo-absences: expected sphere, valid_area, target_group or background, got '{}'",
        name));
}

std::string pseudoAbsenceKindName(PseudoAbsenceKind kind)
{
    switch (kind)
    {
    case PseudoAbsenceKind::Sphere:
        return "sphere";
    case PseudoAbsenceKind::ValidArea:
        return "valid_area";
    case PseudoAbsenceKind::TargetGroup:
        return "target_group";
    case PseudoAbsenceKind::Background:
        return "background";
    }
    return "sphere";
}

} // namespace geoinr::core
