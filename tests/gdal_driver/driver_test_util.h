// SPDX-License-Identifier: MIT
// Shared by the driver tests: trained tiny models, descriptors, and reading rasters whole.
#pragma once

#include "raster_pixels.h"
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/gdal_driver/register.h>
#include <geoinr/rasters/range_raster.h>

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace geoinr::test
{

/** Two trained models in one folder, shared by a test suite. */
class DriverTest : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        rasters::ensureGdalRegistered();
        GDALRegister_GEOINR();
        s_dir = std::make_unique<TempDir>();
        s_env = trainTinyEnvModel(s_dir->path());
        s_coords = trainTinyCoordsModel(s_dir->path());
    }
    static void TearDownTestSuite() { s_dir.reset(); }

    /** Writes `json` to <dir>/<name> and returns the path. */
    static std::string descriptor(const std::string& name, const std::string& json)
    {
        return writeText(s_dir->file(name), json);
    }
    /** geoinr predict's library call on the same grid; returns the file. */
    static std::string predict(const std::string& checkpoint, const rasters::GridSpec& grid,
                               const std::string& name,
                               const rasters::GridPredictorOptions& model = {})
    {
        rasters::PredictRasterOptions o;
        o.checkpoint = checkpoint;
        o.grid = grid;
        o.model = model;
        o.output = s_dir->file(name);
        o.threads = 2;
        rasters::predictRangeRaster(o);
        return o.output;
    }

    static std::unique_ptr<TempDir> s_dir;
    static TinyEnvModel s_env;
    static std::string s_coords;
};

inline std::unique_ptr<TempDir> DriverTest::s_dir;
inline TinyEnvModel DriverTest::s_env;
inline std::string DriverTest::s_coords;

} // namespace geoinr::test
