// SPDX-License-Identifier: MIT
// Registers the GEOINR GDAL driver. GDAL calls this itself when it loads gdal_GEOINR.so from
// GDAL_DRIVER_PATH; programs that link the driver library call it after GDALAllRegister().
#pragma once

extern "C" __attribute__((visibility("default"))) void GDALRegister_GEOINR();
