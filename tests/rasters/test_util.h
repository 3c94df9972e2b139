// SPDX-License-Identifier: MIT
// Helpers for rasters_tests: a temporary folder, text files, and direct GDAL/OGR access used as
// the independent reference for what the library reads.
#pragma once

#include "temp_dir.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/occurrences.h>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <ogrsf_frmts.h>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace geoinr::test
{

inline std::string writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

/** One pixel of a raster read straight through GDAL (nodata is returned as is). */
inline double readPixel(const std::string& path, int col, int row, int band = 1)
{
    geoinr::rasters::ensureGdalRegistered();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    double v = std::nan("");
    if (ds && ds->GetRasterBand(band)->RasterIO(GF_Read, col, row, 1, 1, &v, 1, 1, GDT_Float64, 0,
                                                0, nullptr) == CE_None)
    {
        return v;
    }
    return std::nan("");
}

/** The nodata value of band 1. */
inline double readNodata(const std::string& path)
{
    geoinr::rasters::ensureGdalRegistered();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    return ds ? ds->GetRasterBand(1)->GetNoDataValue() : std::nan("");
}

/** Writes a one-band Float32 GeoTIFF ([height x width] row-major values). */
inline void writeRaster(const std::string& path, int epsg,
                        const std::array<double, 6>& geoTransform, int width, int height,
                        const std::vector<float>& values, double nodata = -9999.0)
{
    geoinr::rasters::ensureGdalRegistered();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), width, height, 1, GDT_Float32, nullptr));
    if (!ds)
    {
        throw std::runtime_error("cannot create " + path);
    }
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    ds->SetSpatialRef(&srs);
    std::array<double, 6> gt = geoTransform;
    ds->SetGeoTransform(gt.data());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(nodata);
    if (band->RasterIO(GF_Write, 0, 0, width, height, const_cast<float*>(values.data()), width,
                       height, GDT_Float32, 0, 0, nullptr) != CE_None)
    {
        throw std::runtime_error("cannot write " + path);
    }
}

inline OGRSpatialReference srsFromEpsg(int epsg)
{
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/** Web Mercator (EPSG:3857) of lon/lat, by its formula (independent of PROJ). */
inline void mercator(double lon, double lat, double& x, double& y)
{
    constexpr double kR = 6378137.0;
    constexpr double kPi = 3.14159265358979323846;
    x = kR * lon * kPi / 180.0;
    y = kR * std::log(std::tan(kPi / 4.0 + lat * kPi / 360.0));
}

/** The message of the IoError that reading `path` throws ("" when nothing is thrown). */
inline std::string readError(const std::string& path,
                             const geoinr::rasters::OccurrenceOptions& options = {})
{
    try
    {
        geoinr::rasters::readOccurrences(path, options);
    }
    catch (const geoinr::IoError& e)
    {
        return e.what();
    }
    return "";
}

} // namespace geoinr::test
