// SPDX-License-Identifier: MIT
// Covariates on a regular lon/lat grid, held as a tensor for fast sampling at random locations
// during training, and area-weighted draws of locations with data.
#pragma once

#include <geoinr/core/training.h>

#include <torch/types.h>

namespace geoinr::core::training
{

class EnvGrid
{
  public:
    EnvGrid(const EnvGridData& data, torch::Device device);

    std::int64_t channels() const { return m_channels; }

    /** Bilinear between pixel centres (longitude wraps on a global grid, rows clamp); NaN -> 0,
     *  the normalised mean, as SINR does. lonLat [B, 2] float -> [B, C] float. */
    torch::Tensor sample(const torch::Tensor& lonLat) const;

    /** n locations uniform by area over cells with data (all channels finite) inside `extent`
     *  ([lon_min, lon_max, lat_min, lat_max] or empty): [n, 2] float on the CPU. */
    torch::Tensor drawValidArea(std::int64_t n, torch::Generator& gen,
                                const std::vector<double>& extent) const;

  private:
    std::int64_t m_width, m_height, m_channels;
    double m_west, m_north, m_res;
    bool m_global;
    torch::Tensor m_values;      ///< [C, H*W] on the device, NaN replaced by 0
    torch::Tensor m_validCells;  ///< int64 flat ids of cells with data (CPU)
    torch::Tensor m_cellWeights; ///< cos(lat) of those cells (CPU)
};

} // namespace geoinr::core::training
