// SPDX-License-Identifier: MIT
// `geoinr evaluate geo-feature` through the real executable: a tiny model trained by the CLI, two
// synthetic lon/lat targets (one log1p-transformed), the JSON report's fields, and usage errors.
#include "run_cli.h"
#include "temp_dir.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

#include <array>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace
{

using geoinr::test::q;
using geoinr::test::run;
using geoinr::test::TempDir;

/** A 60 x 30 lon/lat raster at 1 degree over lon -20..40, lat 30..60 with values f(lon, lat). */
template <typename F> std::string writeTarget(const std::string& path, F&& f)
{
    GDALAllRegister();
    const int w = 60, h = 30;
    std::vector<float> v;
    for (int r = 0; r < h; ++r)
    {
        for (int c = 0; c < w; ++c)
        {
            v.push_back(static_cast<float>(f(-20.0 + c + 0.5, 60.0 - r - 0.5)));
        }
    }
    auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), w, h, 1, GDT_Float32, nullptr));
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
    std::array<double, 6> gt = {-20.0, 1.0, 0.0, 60.0, 0.0, -1.0};
    ds->SetGeoTransform(gt.data());
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0,
                                             0, nullptr),
              CE_None);
    return path;
}

std::string trainTiny(const TempDir& dir)
{
    return geoinr::test::trainTinyModel(dir.path(), 32);
}

TEST(CliGeoFeature, ReportsR2PerTargetAndTheMean)
{
    TempDir dir;
    const auto ckpt = trainTiny(dir);
    const auto smooth = writeTarget(dir.file("smooth.tif"), [](double lon, double lat)
                                    { return std::sin(lon / 15.0) + 0.03 * lat; });
    const auto skewed = writeTarget(dir.file("skewed.tif"), [](double lon, double lat)
                                    { return std::exp(0.1 * lat + 0.02 * lon); });
    const auto report = dir.file("report.json");
    const auto r =
        run("evaluate geo-feature " + q(ckpt) + " --target " + q(smooth) + " --log1p-target " +
            q(skewed) + " --block-size 5 --alphas 0.1,1 --folds 5 -q -o " + q(report));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("smooth.tif: R² test"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("mean R² test"), std::string::npos) << r.output;
    std::ifstream in(report);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j.at("checkpoint").get<std::string>(), ckpt);
    EXPECT_EQ(j.at("embedding_dim").get<int>(), 32);
    EXPECT_EQ(j.at("alphas"), nlohmann::json({0.1, 1.0}));
    EXPECT_EQ(j.at("folds").get<int>(), 5);
    EXPECT_EQ(j.at("block_size").get<int>(), 5);
    EXPECT_EQ(j.at("stride").get<int>(), 1);
    EXPECT_EQ(j.at("locations").get<std::string>(), "pixel_centres");
    ASSERT_EQ(j.at("targets").size(), 2U);
    const auto& a = j.at("targets").at(0);
    const auto& b = j.at("targets").at(1);
    EXPECT_EQ(a.at("target").get<std::string>(), smooth);
    EXPECT_FALSE(a.at("log1p").get<bool>());
    EXPECT_TRUE(b.at("log1p").get<bool>());
    // 60 x 30 pixels in 5 x 5 blocks: 12 x 6 blocks, half of them test.
    EXPECT_EQ(a.at("pixels_train").get<long>(), 900);
    EXPECT_EQ(a.at("pixels_test").get<long>(), 900);
    EXPECT_EQ(a.at("fold_r2").size(), 2U);
    EXPECT_EQ(a.at("fold_r2").at(1).size(), 5U);
    EXPECT_EQ(a.at("mean_fold_r2").size(), 2U);
    for (const auto* t : {&a, &b})
    {
        EXPECT_GT(t->at("r2_test").get<double>(), 0.8); // 0.986 and 0.998 measured
        EXPECT_LE(t->at("r2_test").get<double>(), 1.0);
        const double alpha = t->at("alpha").get<double>();
        EXPECT_TRUE(alpha == 0.1 || alpha == 1.0) << alpha;
    }
    EXPECT_NEAR(j.at("mean_r2_test").get<double>(),
                (a.at("r2_test").get<double>() + b.at("r2_test").get<double>()) / 2.0, 1e-12);
    // The raw range before the log1p transform: exp(0.1 lat + 0.02 lon) at the extreme centres.
    EXPECT_NEAR(b.at("target_min").get<double>(), std::exp(0.1 * 30.5 + 0.02 * -19.5), 1e-4);
    EXPECT_NEAR(b.at("target_max").get<double>(), std::exp(0.1 * 59.5 + 0.02 * 39.5), 1e-1);
}

TEST(CliGeoFeature, UsageErrors)
{
    TempDir dir;
    const auto ckpt = trainTiny(dir);
    const auto target =
        writeTarget(dir.file("t.tif"), [](double lon, double lat) { return lon + lat; });
    auto r = run("evaluate geo-feature " + q(ckpt) + " -q");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--target"), std::string::npos) << r.output;
    r = run("evaluate geo-feature " + q(ckpt) + " --target " + q(target) +
            " --locations middle -q");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--locations"), std::string::npos) << r.output;
    r = run("evaluate geo-feature " + q(ckpt) + " --target " + q(target) + " --alphas 0 -q");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--alphas"), std::string::npos) << r.output;
    r = run("evaluate geo-feature " + q(ckpt) + " --target " + q(dir.file("none.tif")) + " -q");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("none.tif"), std::string::npos) << r.output;
}

} // namespace
