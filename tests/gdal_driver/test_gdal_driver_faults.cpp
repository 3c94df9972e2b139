// SPDX-License-Identifier: MIT
// A .geoinr dataset whose covariate raster is truncated or whose checkpoint is replaced while it is
// open reports GDAL errors on the reads that need them, never crashes the host, and a later open
// names the damaged checkpoint.
#include "driver_test_util.h"

#include <cpl_error.h>

#include <filesystem>
#include <fstream>

namespace
{

/** Collects CPLError messages of the calling thread while alive. */
struct ErrorCollector
{
    ErrorCollector() { CPLPushErrorHandlerEx(&handler, this); }
    ~ErrorCollector() { CPLPopErrorHandler(); }
    static void CPL_STDCALL handler(CPLErr, CPLErrorNum, const char* msg)
    {
        static_cast<ErrorCollector*>(CPLGetErrorHandlerUserData())->messages +=
            std::string(msg) + "\n";
    }
    std::string messages;
};

} // namespace

TEST(DriverFaults, FilesDamagedWhileOpenGiveGdalErrorsNotCrashes)
{
    geoinr::rasters::ensureGdalRegistered();
    GDALRegister_GEOINR();
    geoinr::test::TempDir dir;
    const auto model = geoinr::test::trainTinyEnvModel(dir.path());
    const auto path = geoinr::test::writeText(
        dir.file("range.geoinr"),
        R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", "grid": {"resolution": 0.05},
            "block_size": 64})");
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);

    // After opening, before any pixel is read: the covariate raster is truncated in place (open
    // handles see it shrink) and the checkpoint replaced with garbage. (Once read, a covariate
    // band is held in memory, so later damage no longer matters.)
    std::filesystem::resize_file(model.covariate, 0);
    geoinr::test::writeText(model.checkpoint, "not a checkpoint any more");

    ErrorCollector errors;
    std::vector<float> block(64 * 64);
    const auto err = ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 64, 64, block.data(), 64, 64,
                                                    GDT_Float32, 0, 0, nullptr);
    EXPECT_EQ(err, CE_Failure);
    EXPECT_NE(errors.messages.find("GEOINR"), std::string::npos) << errors.messages;
    EXPECT_NE(errors.messages.find("temp.tif"), std::string::npos) << errors.messages;
    ds.reset();

    errors.messages.clear();
    GDALDatasetUniquePtr again(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    EXPECT_FALSE(again);
    EXPECT_NE(errors.messages.find("model.ckpt"), std::string::npos) << errors.messages;
}
