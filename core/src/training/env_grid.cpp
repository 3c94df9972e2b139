// SPDX-License-Identifier: MIT
#include "env_grid.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::training
{

EnvGrid::EnvGrid(const EnvGridData& data, torch::Device device)
    : m_width(data.width), m_height(data.height), m_channels(data.channels), m_west(data.west),
      m_north(data.north), m_res(data.resolution)
{
    const auto cells = m_width * m_height;
    if (cells <= 0 || m_channels <= 0 ||
        static_cast<std::int64_t>(data.values.size()) != cells * m_channels || !(m_res > 0.0))
    {
        throw InvalidArgument(fmt::format(
            "covariate grid: expected {} x {} x {} values and a positive resolution, got {}",
            m_channels, m_height, m_width, data.values.size()));
    }
    m_global = std::abs(m_width * m_res - 360.0) < 1e-6 * 360.0;
    const auto raw = torch::from_blob(const_cast<float*>(data.values.data()), {m_channels, cells},
                                      torch::kFloat32)
                         .clone();
    auto valid = torch::isfinite(raw).all(0); // [H*W]
    if (!data.drawMask.empty())
    {
        if (static_cast<std::int64_t>(data.drawMask.size()) != cells)
        {
            throw InvalidArgument(fmt::format("covariate grid: mask has {} cells, the grid {}",
                                              data.drawMask.size(), cells));
        }
        valid = valid.logical_and(torch::from_blob(const_cast<std::uint8_t*>(data.drawMask.data()),
                                                   {cells}, torch::kUInt8)
                                      .to(torch::kBool));
    }
    m_validCells = valid.nonzero().select(1, 0).to(torch::kLong);
    if (m_validCells.numel() == 0)
    {
        throw InvalidArgument("covariate grid: no cell has data in every covariate (and lies "
                              "inside the mask, if one is given)");
    }
    const auto rows = torch::div(m_validCells, m_width, "floor").to(torch::kFloat64);
    m_cellWeights = torch::cos((m_north - (rows + 0.5) * m_res) * (M_PI / 180.0)).clamp_min(1e-12);
    m_values = torch::nan_to_num(raw, 0.0, 0.0, 0.0).to(device);
}

torch::Tensor EnvGrid::sample(const torch::Tensor& lonLat) const
{
    const auto ll = lonLat.to(m_values.device(), torch::kFloat64);
    const auto u = (ll.select(1, 0) - m_west) / m_res - 0.5; // column of pixel centres
    const auto v = (m_north - ll.select(1, 1)) / m_res - 0.5;
    auto c0 = u.floor();
    auto r0 = v.floor();
    const auto du = (u - c0).to(torch::kFloat32).unsqueeze(0);
    const auto dv = (v - r0).to(torch::kFloat32).unsqueeze(0);
    auto c1 = c0 + 1;
    if (m_global)
    {
        c0 = torch::remainder(c0, static_cast<double>(m_width));
        c1 = torch::remainder(c1, static_cast<double>(m_width));
    }
    const auto clampCol = [&](const torch::Tensor& c)
    {
        return c.clamp(0, static_cast<double>(m_width - 1)).to(torch::kLong);
    };
    const auto clampRow = [&](const torch::Tensor& r)
    {
        return r.clamp(0, static_cast<double>(m_height - 1)).to(torch::kLong);
    };
    const auto ic0 = clampCol(c0), ic1 = clampCol(c1);
    const auto ir0 = clampRow(r0), ir1 = clampRow(r0 + 1);
    const auto at = [&](const torch::Tensor& r, const torch::Tensor& c)
    {
        return m_values.index_select(1, r * m_width + c);
    }; // [C, B]
    const auto out = at(ir0, ic0) * (1 - du) * (1 - dv) + at(ir0, ic1) * du * (1 - dv) +
                     at(ir1, ic0) * (1 - du) * dv + at(ir1, ic1) * du * dv;
    return out.t().contiguous();
}

torch::Tensor EnvGrid::drawValidArea(std::int64_t n, torch::Generator& gen,
                                     const std::vector<double>& extent) const
{
    auto cells = m_validCells;
    auto weights = m_cellWeights;
    if (extent.size() == 4)
    {
        const auto cols = torch::remainder(cells, m_width).to(torch::kFloat64);
        const auto rows = torch::div(cells, m_width, "floor").to(torch::kFloat64);
        const auto lon = m_west + (cols + 0.5) * m_res;
        const auto lat = m_north - (rows + 0.5) * m_res;
        const auto inside =
            (lon >= extent[0]) & (lon <= extent[1]) & (lat >= extent[2]) & (lat <= extent[3]);
        cells = cells.masked_select(inside);
        weights = weights.masked_select(inside);
        if (cells.numel() == 0)
        {
            throw InvalidArgument("pseudo-absence extent: no covariate cell with data inside it");
        }
    }
    const auto pick = cells.index_select(0, torch::multinomial(weights, n, true, gen));
    const auto cols = torch::remainder(pick, m_width).to(torch::kFloat64);
    const auto rows = torch::div(pick, m_width, "floor").to(torch::kFloat64);
    const auto jitter = torch::rand({n, 2}, gen, torch::kFloat64);
    auto lon = m_west + (cols + jitter.select(1, 0)) * m_res;
    lon = torch::remainder(lon + 180.0, 360.0) - 180.0;
    const auto lat = (m_north - (rows + jitter.select(1, 1)) * m_res).clamp(-90.0, 90.0);
    return torch::stack({lon, lat}, 1).to(torch::kFloat32);
}

} // namespace geoinr::core::training
