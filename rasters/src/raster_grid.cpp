// SPDX-License-Identifier: MIT
#include "gdal_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/raster_grid.h>

#include <fmt/format.h>
#include <gdal_priv.h>

#include <cmath>
#include <memory>

namespace geoinr::rasters
{
namespace
{

std::string toWkt(const OGRSpatialReference& srs)
{
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&wkt, options);
    std::string out = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    return out;
}

RasterGrid gridLike(const std::string& path)
{
    detail::requireFileLike(path, "--like");
    detail::QuietGdalErrors quiet;
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds)
    {
        throw IoError(
            fmt::format("--like {}: cannot open as a raster ({})", path, detail::lastGdalError()));
    }
    RasterGrid g;
    if (ds->GetGeoTransform(g.geoTransform.data()) != CE_None)
    {
        throw InvalidArgument(fmt::format("--like {}: the raster has no geotransform", path));
    }
    g.width = ds->GetRasterXSize();
    g.height = ds->GetRasterYSize();
    const auto* srs = ds->GetSpatialRef();
    g.crsWkt = toWkt(srs != nullptr && !detail::isMissingCrs(srs) ? *srs : detail::wgs84LonLat());
    return g;
}

} // namespace

RasterGrid RasterGrid::coarsened(int factor) const
{
    if (factor < 1)
    {
        throw InvalidArgument(fmt::format("overview factor: expected >= 1, got {}", factor));
    }
    RasterGrid g = *this;
    g.width = (width + factor - 1) / factor;
    g.height = (height + factor - 1) / factor;
    for (int i : {1, 2, 4, 5})
    {
        g.geoTransform[static_cast<std::size_t>(i)] *= factor;
    }
    return g;
}

std::array<double, 2> RasterGrid::pixelCentre(double col, double row) const
{
    const auto& t = geoTransform;
    const double px = col + 0.5, py = row + 0.5;
    return {t[0] + px * t[1] + py * t[2], t[3] + px * t[4] + py * t[5]};
}

RasterGrid resolveGrid(const GridSpec& spec, const nlohmann::json& covariates)
{
    ensureGdalRegistered();
    if (!spec.likeRaster.empty())
    {
        return gridLike(spec.likeRaster);
    }
    const auto srs = detail::parseCrs(spec.crs, "--crs");
    std::vector<double> extent = spec.extent;
    double res = spec.resolution;
    if (res < 0.0 || !std::isfinite(res))
    {
        throw InvalidArgument(
            fmt::format("--resolution: expected a positive pixel size, got {}", res));
    }
    if (!spec.size.empty() && (spec.size.size() != 2 || spec.size[0] < 1 || spec.size[1] < 1))
    {
        throw InvalidArgument("--size: expected two positive pixel counts: width height");
    }
    if (!spec.size.empty() && res > 0.0)
    {
        throw InvalidArgument("--size and --resolution: give one of them, not both");
    }
    if (extent.empty())
    {
        const bool rasters = covariates.is_object() && covariates.value("kind", "") == "rasters";
        if (rasters && detail::isWgs84(srs))
        {
            const auto b = CovariateStack::fromDescription(covariates).lonLatBounds(0);
            extent = {b[0], b[1], b[2], b[3]};
            if (res <= 0.0 && spec.size.empty())
            {
                res = covariates.value("grid_resolution_deg", 0.5);
            }
        }
        else if (srs.IsGeographic())
        {
            extent = {-180.0, -90.0, 180.0, 90.0};
        }
        else
        {
            throw InvalidArgument("--extent: required for a projected --crs");
        }
    }
    if (extent.size() != 4 || !(extent[0] < extent[2]) || !(extent[1] < extent[3]))
    {
        throw InvalidArgument("--extent: expected xmin ymin xmax ymax with min < max");
    }
    RasterGrid g;
    g.crsWkt = toWkt(srs);
    double resX = res, resY = res;
    if (!spec.size.empty())
    {
        g.width = spec.size[0];
        g.height = spec.size[1];
        if (static_cast<double>(g.width) * g.height > kMaxGridPixels)
        {
            throw InvalidArgument(fmt::format("--size {} {}: more than {:g} pixels", g.width,
                                              g.height, kMaxGridPixels));
        }
        resX = (extent[2] - extent[0]) / g.width;
        resY = (extent[3] - extent[1]) / g.height;
    }
    else
    {
        if (res <= 0.0)
        {
            res = srs.IsGeographic() ? 0.5 : (extent[2] - extent[0]) / 1000.0;
        }
        resX = resY = res;
        const double w = std::ceil((extent[2] - extent[0]) / res - 1e-9);
        const double h = std::ceil((extent[3] - extent[1]) / res - 1e-9);
        if (w * h > kMaxGridPixels || w > 2e9 || h > 2e9)
        {
            throw InvalidArgument(fmt::format("--resolution {}: gives a {} x {} grid (more than "
                                              "{:g} pixels)",
                                              res, w, h, kMaxGridPixels));
        }
        g.width = static_cast<int>(w);
        g.height = static_cast<int>(h);
    }
    g.geoTransform = {extent[0], resX, 0.0, extent[3], 0.0, -resY};
    return g;
}

} // namespace geoinr::rasters
