// SPDX-License-Identifier: MIT
// Private: one band of one raster, sampled at WGS84 lon/lat points (nearest, bilinear with lon
// wrap on global rasters, SINR's pixel-is-point bilinear). The band is cached in memory on first
// use (float32 when that holds its values exactly, float64 otherwise).
#pragma once

#include "gdal_util.h"

#include <geoinr/rasters/covariates.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class GDALDataset;
class GDALRasterBand;

namespace geoinr::rasters::detail
{

using DatasetHandle = std::shared_ptr<GDALDataset>;

/** Opens a raster read-only; throws IoError naming the path. */
DatasetHandle openRaster(const std::string& path);

/** Band count of an open raster. */
int bandCount(const DatasetHandle& ds);

/** Description of band `band` (1-based), "" when none. */
std::string bandDescription(const DatasetHandle& ds, int band);

class RasterLayer
{
  public:
    /** `label` names the layer in messages ("'bio1' (path band 1)"). Throws IoError. */
    RasterLayer(DatasetHandle ds, const std::string& path, int band, std::string label);

    /** Raw values at points into out[i * stride]; NaN for nodata/outside. */
    void sample(const std::vector<double>& lon, const std::vector<double>& lat, Resampling r,
                double* out, std::size_t stride) const;

    /** SINR exactly: corners z-scored with NaN -> 0, then bilinear weights. */
    void sampleSinrNormalised(const std::vector<double>& lon, const std::vector<double>& lat,
                              double mean, double stddev, double* out, std::size_t stride) const;

    /** Sorted distinct valid values; throws InvalidArgument when there are more than maxCount. */
    std::vector<double> distinctValues(std::size_t maxCount) const;

    /** {west, south, east, north} in degrees; west > east when the box crosses the antimeridian. */
    std::array<double, 4> lonLatBounds() const;

    /** True when SINR's sampler applies: a north-up lon/lat raster spanning -180..180, 90..-90. */
    bool sinrCompatible() const { return m_sinrCompatible; }
    const std::string& label() const { return m_label; }

  private:
    void initGeoreferencing();
    void toPixel(const std::vector<double>& lon, const std::vector<double>& lat,
                 std::vector<double>& px, std::vector<double>& py) const;
    void ensureLoaded() const;
    void applyMask(std::size_t count) const;
    double raw(std::int64_t col, std::int64_t row) const;
    double value(std::int64_t col, std::int64_t row) const;
    double nearest(double px, double py) const;
    double bilinear(double px, double py) const;
    void sinrCorners(double lon, double lat, std::array<double, 4>& v,
                     std::array<double, 4>& w) const;

    DatasetHandle m_ds;
    GDALRasterBand* m_band = nullptr;
    std::string m_label;
    int m_width = 0;
    int m_height = 0;
    std::array<double, 6> m_gt{};
    std::array<double, 6> m_inv{};
    OGRSpatialReference m_srs; ///< the raster's CRS (WGS84 when it has none and looks lon/lat)
    TransformPtr m_fromWgs84;  ///< null when the raster is WGS84 lon/lat already
    bool m_geographic = false; ///< lon/lat degrees: try lon +- 360 to find the raster
    bool m_wrapLon = false;    ///< global in longitude: columns wrap
    bool m_sinrCompatible = false;
    bool m_hasNodata = false;
    double m_nodata = 0.0;
    double m_scale = 1.0;
    double m_offset = 0.0;
    bool m_cacheable = true;
    bool m_asFloat32 = true;
    mutable bool m_loaded = false;
    mutable std::vector<float> m_f32;
    mutable std::vector<double> m_f64;
};

} // namespace geoinr::rasters::detail
