// SPDX-License-Identifier: MIT
// The plugin as users meet it: gdalinfo and gdal_translate (GTiff, COG, -projwin) load
// gdal_GEOINR.so from GDAL_DRIVER_PATH, and their pixels equal `geoinr predict`'s.
#include "driver_test_util.h"
#include "run_cli.h"

#include <fmt/format.h>

using geoinr::test::DriverTest;
using geoinr::test::readFile;
using geoinr::test::runCommand;

namespace
{

std::string gdal(const std::string& tool)
{
    return fmt::format("GDAL_DRIVER_PATH='{}' GDAL_PAM_ENABLED=NO {}", GEOINR_GDAL_PLUGIN_DIR,
                       tool);
}

} // namespace

TEST_F(DriverTest, GdalToolsReadTheDescriptorLikeAnyRaster)
{
    const auto path = descriptor("tools.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "model.ckpt", "species": "all",
        "grid": {"extent": [-10, 30, 30, 60], "resolution": 0.1}})");
    const auto info = runCommand(gdal("gdalinfo '" + path + "'"));
    ASSERT_EQ(info.exitCode, 0) << info.output;
    for (const auto* expected :
         {"Driver: GEOINR/", "Size is 400, 300", "Description = Alpha", "Description = Beta",
          "GEOINR_SPECIES=[\"Alpha\",\"Beta\"]", "NoData Value=-1", "Overviews: 200x150"})
    {
        EXPECT_NE(info.output.find(expected), std::string::npos) << expected << "\n" << info.output;
    }

    const auto cog = s_dir->file("tools_cog.tif");
    const auto translate =
        runCommand(gdal(fmt::format("gdal_translate -q -of COG '{}' '{}'", path, cog)));
    ASSERT_EQ(translate.exitCode, 0) << translate.output;
    const auto predicted = s_dir->file("tools_predict.tif");
    const auto cli = runCommand(fmt::format("'{}' predict '{}' -q --extent -10 30 30 60 "
                                            "--resolution 0.1 -o '{}'",
                                            GEOINR_EXE, s_env.checkpoint, predicted));
    ASSERT_EQ(cli.exitCode, 0) << cli.output;
    EXPECT_EQ(readFile(cog), readFile(predicted));
    GDALDatasetUniquePtr c(GDALDataset::Open(cog.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(c);
    EXPECT_GE(c->GetRasterBand(1)->GetOverviewCount(), 1);

    // -projwin through the plugin: the same pixels as the window of the predicted file.
    const auto window = s_dir->file("tools_window.tif");
    const auto win = runCommand(
        gdal(fmt::format("gdal_translate -q -projwin 5 45 15 35 '{}' '{}'", path, window)));
    ASSERT_EQ(win.exitCode, 0) << win.output;
    const auto part = readFile(window);
    const auto full = readFile(predicted);
    ASSERT_EQ(part.size(), 2U * 100 * 100);
    for (int r = 0; r < 100; ++r)
    {
        for (int c2 = 0; c2 < 100; ++c2)
        {
            ASSERT_EQ(part[static_cast<std::size_t>(r * 100 + c2)],
                      full[static_cast<std::size_t>((150 + r) * 400 + 150 + c2)]);
        }
    }
}

TEST_F(DriverTest, GdalinfoReportsABadDescriptorAndExitsCleanly)
{
    const auto path =
        descriptor("tools_bad.geoinr", R"({"geoinr_raster": 1, "checkpoint": "nowhere.ckpt"})");
    const auto info = runCommand(gdal("gdalinfo '" + path + "'"));
    EXPECT_EQ(info.exitCode, 1) << info.output; // an error exit, not a signal
    EXPECT_NE(info.output.find("GEOINR: "), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("nowhere.ckpt"), std::string::npos) << info.output;
}
