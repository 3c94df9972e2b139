// SPDX-License-Identifier: MIT
// TorchSpatial "tile_ffn" (science.md §2.2 (1)): a learned embedding per grid cell, then the
// TorchSpatial feed-forward network. Cell size is its own parameter (TS reused min_radius).
#include "../networks/ts_ffn.h"
#include "encoder_spec.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::encoders
{
namespace
{

struct TileGrid
{
    double x0, x1, y0, y1, cell;
    std::int64_t ncol, nrow;
};

TileGrid tileGrid(const nlohmann::json& cfg)
{
    const auto ext = cfg.at("extent").get<std::vector<double>>();
    if (ext.size() != 4 || !(ext[0] < ext[1]) || !(ext[2] < ext[3]))
    {
        throw InvalidArgument(fmt::format(
            "encoder.extent: expected [lon_min, lon_max, lat_min, lat_max] with min < max, got {}",
            cfg.at("extent").dump()));
    }
    TileGrid g{ext[0], ext[1], ext[2], ext[3], cfg.at("cell_size_deg").get<double>(), 0, 0};
    g.ncol = static_cast<std::int64_t>(std::ceil((g.x1 - g.x0) / g.cell));
    g.nrow = static_cast<std::int64_t>(std::ceil((g.y1 - g.y0) / g.cell));
    if (g.ncol * g.nrow > 50'000'000)
    {
        throw InvalidArgument(
            fmt::format("encoder.cell_size_deg: {} gives {} x {} cells; expected at most 5e7 cells",
                        g.cell, g.ncol, g.nrow));
    }
    return g;
}

class TileEncoder : public EncoderImpl
{
  public:
    explicit TileEncoder(const nlohmann::json& cfg)
        : EncoderImpl(cfg, cfg.at("use_ffn").get<bool>() ? cfg.at("output_dim").get<std::int64_t>()
                                                         : cfg.at("embed_dim").get<std::int64_t>()),
          m_grid(tileGrid(cfg))
    {
        const auto d = cfg.at("embed_dim").get<std::int64_t>();
        m_table = register_parameter("table", torch::randn({m_grid.ncol * m_grid.nrow, d}) /
                                                  static_cast<double>(d));
        if (cfg.at("use_ffn").get<bool>())
        {
            m_ffn = register_module(
                "ffn", networks::TsFfn(d, outputDim(), networks::tsFfnOptionsFromConfig(cfg)));
        }
    }

    /** Flat cell id row * ncol + col, clipped into the grid: [N] int64. */
    torch::Tensor cellIndex(const torch::Tensor& lonLatDeg) const
    {
        const auto col = ((lonLatDeg.select(1, 0) - m_grid.x0) / m_grid.cell)
                             .floor()
                             .clamp(0, static_cast<double>(m_grid.ncol - 1));
        const auto row = ((lonLatDeg.select(1, 1) - m_grid.y0) / m_grid.cell)
                             .floor()
                             .clamp(0, static_cast<double>(m_grid.nrow - 1));
        return (row * static_cast<double>(m_grid.ncol) + col).to(torch::kLong);
    }

    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        auto e = m_table.index_select(0, cellIndex(lonLatDeg));
        // The ffn runs in its parameters' dtype; the output follows the input's dtype.
        return (m_ffn ? m_ffn->forward(e.to(m_table.scalar_type())) : e)
            .to(lonLatDeg.scalar_type());
    }

  private:
    TileGrid m_grid;
    torch::Tensor m_table;
    networks::TsFfn m_ffn{nullptr};
};

} // namespace

std::vector<EncoderSpec> tileSpecs()
{
    auto params = networks::tsFfnParams();
    const std::vector<ParamSpec> own = {
        {"cell_size_deg", ParamType::Number, 1.0, "grid cell size in degrees", 1e-6, 360.0},
        {"extent", ParamType::NumberList, nlohmann::json::array({-180.0, 180.0, -90.0, 90.0}),
         "[lon_min, lon_max, lat_min, lat_max] of the grid (TorchSpatial used a North America "
         "box)"},
        {"embed_dim", ParamType::Integer, 64, "learned embedding size per cell", 1.0, 1e5},
        {"use_ffn", ParamType::Boolean, true, "follow the table with TorchSpatial's ffn"},
        {"output_dim", ParamType::Integer, 256, "ffn output size", 1.0, 1e6},
    };
    params.insert(params.begin(), own.begin(), own.end());
    return {{{"tile",
              "learned embedding per lon/lat grid cell, then TorchSpatial's ffn "
              "(tile_ffn); output_dim dims (embed_dim without ffn)",
              "TorchSpatial 'tile_ffn'", params},
             [](const nlohmann::json& c)
             {
                 return c.at("use_ffn").get<bool>() ? c.at("output_dim").get<std::int64_t>()
                                                    : c.at("embed_dim").get<std::int64_t>();
             },
             [](const nlohmann::json& c)
             {
                 return std::make_shared<TileEncoder>(c);
             }}};
}

} // namespace geoinr::core::encoders

namespace geoinr::core
{

torch::Tensor tileCellIndex(const EncoderPtr& encoder, const torch::Tensor& lonLatDeg)
{
    const auto* tile = dynamic_cast<const encoders::TileEncoder*>(encoder.get());
    if (tile == nullptr)
    {
        throw InvalidArgument("tileCellIndex: encoder is not a tile encoder");
    }
    return tile->cellIndex(lonLatDeg);
}

} // namespace geoinr::core
