// SPDX-License-Identifier: MIT
// One-time GDAL driver registration, so that rasters/ works without any setup by the caller.
#pragma once

namespace geoinr::rasters
{

/** Calls GDALAllRegister() once per process (std::call_once); cheap after the first call. */
void ensureGdalRegistered();

} // namespace geoinr::rasters
