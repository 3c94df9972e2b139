// SPDX-License-Identifier: MIT
#include "raster_layer.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>

#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace geoinr::rasters::detail
{
namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Pixel positions within this of a pixel edge/centre count as on it (absorbs transform rounding).
constexpr double kSnap = 1e-9;
// Bands up to this many pixels are cached in memory (float32: 512 MiB); larger ones are read
// pixel by pixel through GDAL's block cache.
constexpr std::int64_t kMaxCachedPixels = std::int64_t{1} << 27;

bool isNearlyMultiple(double span, double target, double pixel)
{
    return std::abs(std::abs(span) - target) <= 0.5 * std::abs(pixel);
}

/** West/east into [-180, 180]; a full circle becomes -180..180, a crossing keeps west > east. */
void normaliseLonRange(double& west, double& east)
{
    if (east - west >= 360.0 - kSnap)
    {
        west = -180.0;
        east = 180.0;
        return;
    }
    const double shift = std::floor((west + 180.0) / 360.0) * 360.0;
    west -= shift;
    east -= shift;
    if (east > 180.0)
    {
        east -= 360.0;
    }
}

} // namespace

DatasetHandle openRaster(const std::string& path)
{
    ensureGdalRegistered();
    requireFileLike(path, "covariate raster");
    QuietGdalErrors quiet;
    GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    if (ds == nullptr)
    {
        throw IoError("cannot open covariate raster '" + path + "': " + lastGdalError());
    }
    return {ds, [](GDALDataset* d)
            {
                GDALClose(GDALDataset::ToHandle(d));
            }};
}

int bandCount(const DatasetHandle& ds)
{
    return ds->GetRasterCount();
}

std::string bandDescription(const DatasetHandle& ds, int band)
{
    const char* d = ds->GetRasterBand(band)->GetDescription();
    return d != nullptr ? std::string(d) : std::string();
}

RasterLayer::RasterLayer(DatasetHandle ds, const std::string& path, int band, std::string label)
    : m_ds(std::move(ds)), m_label(std::move(label))
{
    if (band < 1 || band > m_ds->GetRasterCount())
    {
        throw IoError(fmt::format("{}: band {} does not exist ('{}' has {} bands)", m_label, band,
                                  path, m_ds->GetRasterCount()));
    }
    m_band = m_ds->GetRasterBand(band);
    m_width = m_ds->GetRasterXSize();
    m_height = m_ds->GetRasterYSize();
    int has = 0;
    m_nodata = m_band->GetNoDataValue(&has);
    m_hasNodata = has != 0;
    m_scale = m_band->GetScale();
    m_offset = m_band->GetOffset();
    const GDALDataType type = m_band->GetRasterDataType();
    m_asFloat32 =
        type == GDT_Byte || type == GDT_UInt16 || type == GDT_Int16 || type == GDT_Float32;
    m_cacheable = std::int64_t{m_width} * m_height <= kMaxCachedPixels;
    initGeoreferencing();
}

void RasterLayer::initGeoreferencing()
{
    if (m_ds->GetGeoTransform(m_gt.data()) != CE_None)
    {
        throw IoError(m_label + " has no geotransform (it is not georeferenced)");
    }
    if (!GDALInvGeoTransform(m_gt.data(), m_inv.data()))
    {
        throw IoError(m_label + " has a geotransform that cannot be inverted");
    }
    const OGRSpatialReference* srs = m_ds->GetSpatialRef();
    if (isMissingCrs(srs))
    {
        const double x1 = m_gt[0] + m_width * m_gt[1];
        const double y1 = m_gt[3] + m_height * m_gt[5];
        const bool looksLonLat = std::min(m_gt[0], x1) >= -180.5 &&
                                 std::max(m_gt[0], x1) <= 360.5 && std::min(m_gt[3], y1) >= -90.5 &&
                                 std::max(m_gt[3], y1) <= 90.5;
        if (!looksLonLat)
        {
            throw IoError(m_label + " has no CRS and its extent is not lon/lat degrees");
        }
        m_srs = wgs84LonLat();
    }
    else
    {
        m_srs = *srs;
        m_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    m_geographic = m_srs.IsGeographic();
    if (!isWgs84(m_srs))
    {
        m_fromWgs84 = makeTransform(wgs84LonLat(), m_srs);
    }
    const bool northUp = m_gt[2] == 0.0 && m_gt[4] == 0.0 && m_gt[1] > 0.0;
    m_wrapLon = m_geographic && northUp && isNearlyMultiple(m_width * m_gt[1], 360.0, m_gt[1]);
    m_sinrCompatible = m_wrapLon && !m_fromWgs84 && m_gt[5] < 0.0 &&
                       isNearlyMultiple(m_height * m_gt[5], 180.0, m_gt[5]) &&
                       std::abs(m_gt[0] + 180.0) <= 0.5 * m_gt[1] &&
                       std::abs(m_gt[3] - 90.0) <= 0.5 * std::abs(m_gt[5]);
}

void RasterLayer::ensureLoaded() const
{
    if (m_loaded || !m_cacheable)
    {
        return;
    }
    const auto count = static_cast<std::size_t>(m_width) * static_cast<std::size_t>(m_height);
    QuietGdalErrors quiet;
    CPLErr err = CE_None;
    if (m_asFloat32)
    {
        m_f32.resize(count);
        err = m_band->RasterIO(GF_Read, 0, 0, m_width, m_height, m_f32.data(), m_width, m_height,
                               GDT_Float32, 0, 0, nullptr);
        const auto nodata = static_cast<float>(m_nodata);
        for (float& v : m_f32)
        {
            v = (m_hasNodata && v == nodata) ? std::numeric_limits<float>::quiet_NaN() : v;
        }
    }
    else
    {
        m_f64.resize(count);
        err = m_band->RasterIO(GF_Read, 0, 0, m_width, m_height, m_f64.data(), m_width, m_height,
                               GDT_Float64, 0, 0, nullptr);
        for (double& v : m_f64)
        {
            v = (m_hasNodata && v == m_nodata) ? kNaN : v;
        }
    }
    if (err != CE_None)
    {
        throw IoError("cannot read " + m_label + ": " + lastGdalError());
    }
    applyMask(count);
    m_loaded = true;
}

void RasterLayer::applyMask(std::size_t count) const
{
    const int flags = m_band->GetMaskFlags();
    if ((flags & (GMF_ALL_VALID | GMF_NODATA)) != 0)
    {
        return;
    }
    std::vector<GByte> mask(count);
    if (m_band->GetMaskBand()->RasterIO(GF_Read, 0, 0, m_width, m_height, mask.data(), m_width,
                                        m_height, GDT_Byte, 0, 0, nullptr) != CE_None)
    {
        throw IoError("cannot read the mask of " + m_label + ": " + lastGdalError());
    }
    for (std::size_t i = 0; i < count; ++i)
    {
        if (mask[i] == 0)
        {
            if (m_asFloat32)
            {
                m_f32[i] = std::numeric_limits<float>::quiet_NaN();
            }
            else
            {
                m_f64[i] = kNaN;
            }
        }
    }
}

double RasterLayer::raw(std::int64_t col, std::int64_t row) const
{
    if (col < 0 || row < 0 || col >= m_width || row >= m_height)
    {
        return kNaN;
    }
    if (m_cacheable)
    {
        const auto i = static_cast<std::size_t>(row) * static_cast<std::size_t>(m_width) +
                       static_cast<std::size_t>(col);
        return m_asFloat32 ? static_cast<double>(m_f32[i]) : m_f64[i];
    }
    double v = kNaN;
    QuietGdalErrors quiet;
    if (m_band->RasterIO(GF_Read, static_cast<int>(col), static_cast<int>(row), 1, 1, &v, 1, 1,
                         GDT_Float64, 0, 0, nullptr) != CE_None)
    {
        throw IoError("cannot read " + m_label + ": " + lastGdalError());
    }
    return (m_hasNodata && v == m_nodata) ? kNaN : v;
}

double RasterLayer::value(std::int64_t col, std::int64_t row) const
{
    if (m_wrapLon)
    {
        col = ((col % m_width) + m_width) % m_width;
    }
    return raw(col, row) * m_scale + m_offset;
}

void RasterLayer::toPixel(const std::vector<double>& lon, const std::vector<double>& lat,
                          std::vector<double>& px, std::vector<double>& py) const
{
    const std::size_t n = lon.size();
    std::vector<double> x(lon);
    std::vector<double> y(lat);
    if (m_fromWgs84 && n > 0)
    {
        std::vector<int> ok(n, FALSE);
        QuietGdalErrors quiet;
        m_fromWgs84->Transform(n, x.data(), y.data(), nullptr, ok.data());
        for (std::size_t i = 0; i < n; ++i)
        {
            if (!ok[i] || !std::isfinite(x[i]) || !std::isfinite(y[i]))
            {
                x[i] = y[i] = kNaN;
            }
        }
    }
    px.resize(n);
    py.resize(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        px[i] = m_inv[0] + m_inv[1] * x[i] + m_inv[2] * y[i];
        py[i] = m_inv[3] + m_inv[4] * x[i] + m_inv[5] * y[i];
        // A lon/lat raster may use 0..360 (or other) longitudes: try the same place +-360.
        for (const double shift : {360.0, -360.0})
        {
            if (!m_geographic || m_wrapLon || (px[i] >= 0.0 && px[i] <= m_width))
            {
                break;
            }
            const double sx = m_inv[0] + m_inv[1] * (x[i] + shift) + m_inv[2] * y[i];
            if (sx >= 0.0 && sx <= m_width)
            {
                px[i] = sx;
                py[i] = m_inv[3] + m_inv[4] * (x[i] + shift) + m_inv[5] * y[i];
            }
        }
    }
}

double RasterLayer::nearest(double px, double py) const
{
    if (!std::isfinite(px) || !std::isfinite(py))
    {
        return kNaN;
    }
    auto col = static_cast<std::int64_t>(std::floor(px));
    auto row = static_cast<std::int64_t>(std::floor(py));
    // Points exactly on the outer edge belong to the edge pixel.
    if (!m_wrapLon && col == m_width && px - m_width <= kSnap)
    {
        col = m_width - 1;
    }
    if (col == -1 && px >= -kSnap)
    {
        col = 0;
    }
    if (row == m_height && py - m_height <= kSnap)
    {
        row = m_height - 1;
    }
    if (row == -1 && py >= -kSnap)
    {
        row = 0;
    }
    return value(col, row);
}

double RasterLayer::bilinear(double px, double py) const
{
    if (!std::isfinite(px) || !std::isfinite(py))
    {
        return kNaN;
    }
    // Pixel centres sit at half-integer pixel coordinates.
    const double u = px - 0.5;
    const double v = py - 0.5;
    auto i = static_cast<std::int64_t>(std::floor(u));
    auto j = static_cast<std::int64_t>(std::floor(v));
    double du = u - std::floor(u);
    double dv = v - std::floor(v);
    const auto snap = [](double& d, std::int64_t& index)
    {
        if (d < kSnap)
        {
            d = 0.0;
        }
        else if (d > 1.0 - kSnap)
        {
            d = 0.0;
            ++index;
        }
    };
    snap(du, i);
    snap(dv, j);
    const std::array<double, 4> w{(1 - du) * (1 - dv), du * (1 - dv), (1 - du) * dv, du * dv};
    const std::array<std::int64_t, 4> cols{i, i + 1, i, i + 1};
    const std::array<std::int64_t, 4> rows{j, j, j + 1, j + 1};
    double sum = 0.0;
    for (std::size_t k = 0; k < 4; ++k)
    {
        if (w[k] == 0.0)
        {
            continue;
        }
        const double val = value(cols[k], rows[k]);
        if (std::isnan(val))
        {
            return nearest(px, py); // a neighbour is nodata or outside
        }
        sum += w[k] * val;
    }
    return sum;
}

void RasterLayer::sinrCorners(double lon, double lat, std::array<double, 4>& v,
                              std::array<double, 4>& w) const
{
    if (!(std::abs(lon) <= 180.0) || !(std::abs(lat) <= 90.0))
    {
        v.fill(kNaN);
        w = {1.0, 0.0, 0.0, 0.0};
        return;
    }
    // science.md §1.3: pixel-is-point over the full globe, row 0 = lat +90, no lon wrap.
    const double u = (lon / 180.0 + 1.0) / 2.0 * (m_width - 1);
    const double r = (1.0 - (lat / 90.0 + 1.0) / 2.0) * (m_height - 1);
    const auto i = static_cast<std::int64_t>(std::floor(u));
    const auto j = static_cast<std::int64_t>(std::floor(r));
    const std::int64_t ip = std::min<std::int64_t>(i + 1, m_width - 1);
    const std::int64_t jp = std::min<std::int64_t>(j + 1, m_height - 1);
    const double du = u - std::floor(u);
    const double dv = r - std::floor(r);
    v = {raw(i, j), raw(ip, j), raw(i, jp), raw(ip, jp)};
    for (double& x : v)
    {
        x = x * m_scale + m_offset;
    }
    w = {(1 - du) * (1 - dv), du * (1 - dv), (1 - du) * dv, du * dv};
}

void RasterLayer::sample(const std::vector<double>& lon, const std::vector<double>& lat,
                         Resampling r, double* out, std::size_t stride) const
{
    ensureLoaded();
    const std::size_t n = lon.size();
    if (r == Resampling::SinrCompat)
    {
        if (!m_sinrCompatible)
        {
            throw InvalidArgument(m_label + ": sinr_compat sampling needs a north-up lon/lat "
                                            "raster covering -180..180, -90..90");
        }
        std::array<double, 4> v{};
        std::array<double, 4> w{};
        for (std::size_t i = 0; i < n; ++i)
        {
            sinrCorners(lon[i], lat[i], v, w);
            double sum = 0.0;
            for (std::size_t k = 0; k < 4; ++k)
            {
                sum += w[k] == 0.0 ? 0.0 : w[k] * v[k]; // NaN corner with weight -> NaN
            }
            out[i * stride] = sum;
        }
        return;
    }
    std::vector<double> px;
    std::vector<double> py;
    toPixel(lon, lat, px, py);
    for (std::size_t i = 0; i < n; ++i)
    {
        out[i * stride] = r == Resampling::Nearest ? nearest(px[i], py[i]) : bilinear(px[i], py[i]);
    }
}

void RasterLayer::sampleSinrNormalised(const std::vector<double>& lon,
                                       const std::vector<double>& lat, double mean, double stddev,
                                       double* out, std::size_t stride) const
{
    if (!m_sinrCompatible)
    {
        throw InvalidArgument(m_label + ": sinr_compat sampling needs a north-up lon/lat raster "
                                        "covering -180..180, -90..90");
    }
    ensureLoaded();
    std::array<double, 4> v{};
    std::array<double, 4> w{};
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        sinrCorners(lon[i], lat[i], v, w);
        double sum = 0.0;
        for (std::size_t k = 0; k < 4; ++k)
        {
            sum += std::isnan(v[k]) ? 0.0 : w[k] * (v[k] - mean) / stddev;
        }
        out[i * stride] = sum;
    }
}

std::vector<double> RasterLayer::distinctValues(std::size_t maxCount) const
{
    ensureLoaded();
    std::set<double> values;
    for (int r = 0; r < m_height; ++r)
    {
        for (int c = 0; c < m_width; ++c)
        {
            const double v = value(c, r);
            if (!std::isnan(v) && values.insert(v).second && values.size() > maxCount)
            {
                throw InvalidArgument(fmt::format("categorical {} has more than {} distinct "
                                                  "values; is it a continuous layer?",
                                                  m_label, maxCount));
            }
        }
    }
    return {values.begin(), values.end()};
}

std::array<double, 4> RasterLayer::lonLatBounds() const
{
    double minX = std::numeric_limits<double>::infinity();
    double maxX = -minX;
    double minY = minX;
    double maxY = -minX;
    for (const int c : {0, m_width})
    {
        for (const int r : {0, m_height})
        {
            const double x = m_gt[0] + c * m_gt[1] + r * m_gt[2];
            const double y = m_gt[3] + c * m_gt[4] + r * m_gt[5];
            minX = std::min(minX, x);
            maxX = std::max(maxX, x);
            minY = std::min(minY, y);
            maxY = std::max(maxY, y);
        }
    }
    double west = minX;
    double south = minY;
    double east = maxX;
    double north = maxY;
    if (m_fromWgs84)
    {
        const TransformPtr toWgs84 = makeTransform(m_srs, wgs84LonLat());
        QuietGdalErrors quiet;
        if (!toWgs84->TransformBounds(minX, minY, maxX, maxY, &west, &south, &east, &north, 21))
        {
            throw IoError("cannot compute the lon/lat bounds of " + m_label + ": " +
                          lastGdalError());
        }
    }
    if (west <= east)
    {
        normaliseLonRange(west, east);
    }
    return {west, std::max(south, -90.0), east, std::min(north, 90.0)};
}

} // namespace geoinr::rasters::detail
