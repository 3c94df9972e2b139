// SPDX-License-Identifier: MIT
// The GEOINR driver in-process: pixels equal the writer's bit for bit (global lon/lat and
// projected grids, partial blocks, -projwin windows, overviews against coarse-grid predictions),
// nodata outside the covariates, open options, concurrent readers, and GDAL errors for bad files.
#include "driver_test_util.h"

#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal_utils.h>

#include <cmath>
#include <thread>

using geoinr::test::DriverTest;
using geoinr::test::readBands;
using geoinr::test::readFile;

namespace
{

GDALDatasetUniquePtr openRaster(const std::string& path,
                                const std::vector<std::string>& options = {})
{
    std::vector<const char*> o;
    for (const auto& s : options)
    {
        o.push_back(s.c_str());
    }
    o.push_back(nullptr);
    return GDALDatasetUniquePtr(GDALDataset::FromHandle(
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, o.data(), nullptr)));
}

} // namespace

TEST_F(DriverTest, AGlobalLonLatGridEqualsPredictBitForBit)
{
    // 360 x 180 in 64-pixel GDAL blocks: partial blocks on the right and bottom edges.
    const auto path = descriptor("global.geoinr", fmt::format(R"({{
        "geoinr_raster": 1, "checkpoint": "{}", "species": "all", "block_size": 64,
        "grid": {{"crs": "EPSG:4326", "extent": [-180, -90, 180, 90], "resolution": 1}}}})",
                                                              "coords.ckpt"));
    auto ds = openRaster(path);
    ASSERT_TRUE(ds) << CPLGetLastErrorMsg();
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "GEOINR");
    ASSERT_EQ(ds->GetRasterXSize(), 360);
    ASSERT_EQ(ds->GetRasterCount(), 2);
    int bx = 0, by = 0;
    ds->GetRasterBand(1)->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 64);
    EXPECT_STREQ(ds->GetRasterBand(2)->GetDescription(), "Beta");

    geoinr::rasters::GridSpec grid;
    grid.extent = {-180, -90, 180, 90};
    grid.resolution = 1.0;
    const auto file = readFile(predict(s_coords, grid, "global.tif"));
    const auto driver = readBands(*ds);
    ASSERT_EQ(driver.size(), file.size());
    EXPECT_EQ(driver, file);
    // A real map: Alpha's probability is higher in south-east Australia than in the Sahara.
    auto at = [&](double lon, double lat)
    {
        return driver[static_cast<std::size_t>((90.0 - lat) * 360 + (lon + 180.0))];
    };
    EXPECT_GT(at(146.5, -36.5), at(10.5, 25.5));
}

TEST_F(DriverTest, ProjectedGridsEqualPredictAndAreNodataOutsideTheCovariates)
{
    // Australian Albers (EPSG:3577) for the coordinate model.
    const auto albers = descriptor("albers.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "coords.ckpt",
        "grid": {"crs": "EPSG:3577", "extent": [-2000000, -5000000, 2200000, -1000000],
                 "resolution": 20000}})");
    auto ds = openRaster(albers);
    ASSERT_TRUE(ds) << CPLGetLastErrorMsg();
    EXPECT_EQ(ds->GetRasterXSize(), 210);
    EXPECT_EQ(ds->GetRasterYSize(), 200);
    geoinr::rasters::GridSpec grid;
    grid.crs = "EPSG:3577";
    grid.extent = {-2000000, -5000000, 2200000, -1000000};
    grid.resolution = 20000;
    EXPECT_EQ(readBands(*ds), readFile(predict(s_coords, grid, "albers.tif")));

    // LAEA Europe (EPSG:3035) for the covariate model: nodata beyond the covariate raster.
    const auto laea = descriptor("laea.geoinr", fmt::format(R"({{
        "geoinr_raster": 1, "checkpoint": "model.ckpt",
        "grid": {{"crs": "EPSG:3035", "extent": [2000000, 1000000, 7000000, 5000000],
                 "resolution": 25000}}}})"));
    auto europe = openRaster(laea);
    ASSERT_TRUE(europe) << CPLGetLastErrorMsg();
    grid.crs = "EPSG:3035";
    grid.extent = {2000000, 1000000, 7000000, 5000000};
    grid.resolution = 25000;
    const auto driver = readBands(*europe);
    EXPECT_EQ(driver, readFile(predict(s_env.checkpoint, grid, "laea.tif")));
    const auto nodata = std::count(driver.begin(), driver.end(), -1.0F);
    EXPECT_GT(nodata, 1000);
    EXPECT_LT(nodata, static_cast<long>(driver.size()) - 1000);
    EXPECT_EQ(europe->GetRasterBand(1)->GetNoDataValue(), -1.0);
}

TEST_F(DriverTest, ProjwinWindowsAndOverviewsMatchPredictions)
{
    // 800 x 600 (0.05 degrees): overviews of 400 x 300 and 200 x 150.
    const auto path = descriptor("fine.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "model.ckpt",
        "grid": {"extent": [-10, 30, 30, 60], "resolution": 0.05}})");
    auto ds = openRaster(path);
    ASSERT_TRUE(ds) << CPLGetLastErrorMsg();
    geoinr::rasters::GridSpec grid;
    grid.extent = {-10, 30, 30, 60};
    grid.resolution = 0.05;
    const auto full = readFile(predict(s_env.checkpoint, grid, "fine.tif"));
    EXPECT_EQ(readBands(*ds), full);

    // gdal_translate -projwin 0 50 12.5 40: columns 200..449, rows 200..399.
    const char* args[] = {"-projwin", "0", "50", "12.5", "40", nullptr};
    auto* options = GDALTranslateOptionsNew(const_cast<char**>(args), nullptr);
    GDALDatasetUniquePtr window(GDALDataset::FromHandle(GDALTranslate(
        s_dir->file("window.tif").c_str(), GDALDataset::ToHandle(ds.get()), options, nullptr)));
    GDALTranslateOptionsFree(options);
    ASSERT_TRUE(window);
    ASSERT_EQ(window->GetRasterXSize(), 250);
    ASSERT_EQ(window->GetRasterYSize(), 200);
    const auto part = readBands(*window);
    for (int b = 0; b < 2; ++b)
    {
        for (int r = 0; r < 200; ++r)
        {
            for (int c = 0; c < 250; ++c)
            {
                ASSERT_EQ(part[static_cast<std::size_t>(b * 50000 + r * 250 + c)],
                          full[static_cast<std::size_t>(b * 480000 + (200 + r) * 800 + 200 + c)])
                    << b << " " << r << " " << c;
            }
        }
    }

    // Overviews are the model on the coarser grid, not averages of the fine one.
    ASSERT_EQ(ds->GetRasterBand(1)->GetOverviewCount(), 2);
    grid.resolution = 0.0;
    grid.size = {400, 300};
    EXPECT_EQ(readBands(*ds, 0), readFile(predict(s_env.checkpoint, grid, "half.tif")));
    grid.size = {200, 150};
    const auto quarter = readFile(predict(s_env.checkpoint, grid, "quarter.tif"));
    EXPECT_EQ(readBands(*ds, 1), quarter);
    // A reduced-resolution read (QGIS zoomed out, -outsize) is served by that overview.
    std::vector<float> reduced(200 * 150);
    ASSERT_EQ(ds->GetRasterBand(2)->RasterIO(GF_Read, 0, 0, 800, 600, reduced.data(), 200, 150,
                                             GDT_Float32, 0, 0, nullptr),
              CE_None);
    EXPECT_TRUE(std::equal(reduced.begin(), reduced.end(), quarter.begin() + 30000));
}

TEST_F(DriverTest, OpenOptionsOverrideSpeciesAndThreshold)
{
    const auto path = descriptor("options.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "model.ckpt", "species": ["Alpha", "Beta"],
        "grid": {"extent": [-10, 30, 30, 60], "resolution": 0.5}})");
    auto beta = openRaster(path, {"SPECIES=Beta", "THRESHOLD=max_tss"});
    ASSERT_TRUE(beta) << CPLGetLastErrorMsg();
    ASSERT_EQ(beta->GetRasterCount(), 1);
    EXPECT_STREQ(beta->GetRasterBand(1)->GetDescription(), "Beta");
    EXPECT_EQ(beta->GetRasterBand(1)->GetRasterDataType(), GDT_Byte);
    EXPECT_EQ(beta->GetRasterBand(1)->GetNoDataValue(), 255.0);
    EXPECT_NE(beta->GetRasterBand(1)->GetMetadataItem("GEOINR_THRESHOLD"), nullptr);
    geoinr::rasters::GridSpec grid;
    grid.extent = {-10, 30, 30, 60};
    grid.resolution = 0.5;
    geoinr::rasters::GridPredictorOptions model;
    model.species = {"Beta"};
    model.output = geoinr::rasters::RangeOutput::Binary;
    model.threshold = "max_tss";
    const auto binary = readBands(*beta);
    EXPECT_EQ(binary, readFile(predict(s_env.checkpoint, grid, "beta_binary.tif", model)));
    EXPECT_GT(std::count(binary.begin(), binary.end(), 1.0F), 0);
    EXPECT_GT(std::count(binary.begin(), binary.end(), 0.0F), 0);

    auto bytes = openRaster(path, {"VALUES=byte"});
    ASSERT_TRUE(bytes);
    EXPECT_DOUBLE_EQ(bytes->GetRasterBand(1)->GetScale(), 1.0 / 254.0);
}

TEST_F(DriverTest, ConcurrentReadersGetTheSamePixels)
{
    const auto path = descriptor("threads.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "model.ckpt", "block_size": 32,
        "grid": {"extent": [-10, 30, 30, 60], "resolution": 0.25}})");
    auto ds = openRaster(path);
    ASSERT_TRUE(ds);
    const auto reference = readBands(*ds);
    std::vector<std::vector<float>> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
    {
        threads.emplace_back(
            [&, t]
            {
                auto own = openRaster(path); // one dataset per thread, as QGIS does
                if (own)
                {
                    results[t] = readBands(*own);
                }
            });
    }
    for (auto& t : threads)
    {
        t.join();
    }
    for (const auto& r : results)
    {
        EXPECT_EQ(r, reference);
    }
}

TEST_F(DriverTest, BadDescriptorsGiveGdalErrorsNotCrashes)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", )", "not valid JSON"},
        {R"({"geoinr_raster": 2, "checkpoint": "model.ckpt"})",
         "geoinr_raster: expected 1 (the format version), got 2"},
        {R"({"geoinr_raster": 1})", "checkpoint: expected the path of a checkpoint"},
        {R"({"geoinr_raster": 1, "checkpoint": "missing.ckpt"})", "missing.ckpt"},
        {R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", "species": ["Gamma"]})",
         "species 'Gamma' is not in the model"},
        {R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", "grid": {"resolution": -1}})",
         "grid.resolution: expected a positive number, got -1"},
        {R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", "grid": {"crs": "EPSG:999999"}})",
         "EPSG:999999"},
        {R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", "values": "percent"})",
         "values: expected probability, logit, byte, binary or embedding"},
        {R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", "covariates": {"temp": "gone.tif"}})",
         "gone.tif"},
        {R"({"geoinr_raster": 1, "checkpoint": "model.ckpt", "colour": "red"})",
         "colour: expected a known field"},
    };
    int i = 0;
    for (const auto& [json, expected] : cases)
    {
        const auto path = descriptor(fmt::format("bad{}.geoinr", i++), json);
        CPLPushErrorHandler(CPLQuietErrorHandler);
        CPLErrorReset();
        auto ds = openRaster(path);
        const std::string message = CPLGetLastErrorMsg();
        CPLPopErrorHandler();
        EXPECT_FALSE(ds) << json;
        EXPECT_NE(message.find(expected), std::string::npos) << message;
        EXPECT_EQ(message.rfind("GEOINR: ", 0), 0U) << message;
    }
    // Update access is refused: the pixels come from a model.
    const auto good =
        descriptor("good.geoinr", R"({"geoinr_raster": 1, "checkpoint": "model.ckpt"})");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetUniquePtr update(GDALDataset::Open(good.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    const std::string message = CPLGetLastErrorMsg();
    CPLPopErrorHandler();
    EXPECT_FALSE(update);
    EXPECT_NE(message.find("read-only"), std::string::npos) << message;
}

TEST_F(DriverTest, IdentifyNeverClaimsOtherFiles)
{
    const auto geojson = descriptor("points.geojson", R"({"type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"geoinr_raster": 1},
                      "geometry": {"type": "Point", "coordinates": [1, 2]}}]})");
    auto* driver = GDALGetDriverByName("GEOINR");
    ASSERT_NE(driver, nullptr);
    // GeoJSON whose properties happen to use the key is still not a descriptor for GDAL's
    // vector drivers; GEOINR only looks for rasters, and a FeatureCollection is not one.
    GDALDatasetUniquePtr vector(GDALDataset::Open(geojson.c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(vector);
    EXPECT_STREQ(vector->GetDriver()->GetDescription(), "GeoJSON");
    const auto text = descriptor("notes.txt", "see \"geoinr_raster\" in the manual\n");
    const auto tif = predict(s_coords, {}, "plain.tif");
    for (const auto& path : {text, tif})
    {
        const char* only[] = {"GEOINR", nullptr};
        CPLPushErrorHandler(CPLQuietErrorHandler);
        GDALDatasetH h = GDALOpenEx(path.c_str(), GDAL_OF_RASTER, only, nullptr, nullptr);
        CPLPopErrorHandler();
        EXPECT_EQ(h, nullptr) << path;
        if (h != nullptr)
        {
            GDALClose(h);
        }
    }
}
