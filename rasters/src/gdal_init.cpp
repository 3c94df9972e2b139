// SPDX-License-Identifier: MIT
#include <geoinr/rasters/gdal_init.h>

#include <gdal.h>

#include <mutex>

namespace geoinr::rasters
{

void ensureGdalRegistered()
{
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

} // namespace geoinr::rasters
