// SPDX-License-Identifier: MIT
// The embedding output through the GEOINR driver: a `.geoinr` with "values": "embedding" opens
// with one Float32 band per learned feature, whose pixels equal the embedding raster geoinr
// predict writes (bit for bit, in-process and through gdal_translate) and Predictor::embed at the
// pixel centres; VALUES=embedding as an open option; species with the embedding fail via CPLError.
#include "driver_test_util.h"
#include "run_cli.h"

#include <geoinr/core/predictor.h>
#include <geoinr/rasters/covariates.h>

#include <cpl_error.h>
#include <fmt/format.h>

#include <cmath>
#include <cstring>

using geoinr::test::DriverTest;
using geoinr::test::readBands;
using geoinr::test::readFile;

namespace
{

GDALDatasetUniquePtr openRaster(const std::string& path, const char* openOption = nullptr)
{
    const char* options[] = {openOption, nullptr};
    return GDALDatasetUniquePtr(GDALDataset::FromHandle(
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, options, nullptr)));
}

/** Same bits (NaN nodata compares equal, unlike ==). */
bool sameBits(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

TEST_F(DriverTest, TheEmbeddingOutputEqualsPredictAndEmbed)
{
    // 80 x 60 in 32-pixel blocks (partial blocks right and bottom) over the covariate raster.
    const auto path = descriptor("embedding.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "model.ckpt", "values": "embedding", "block_size": 32,
        "grid": {"extent": [-10, 30, 30, 60], "resolution": 0.5}})");
    auto ds = openRaster(path);
    ASSERT_TRUE(ds) << CPLGetLastErrorMsg();
    const auto model = geoinr::core::Predictor::load(s_env.checkpoint);
    const auto dim = static_cast<int>(model->embeddingDim());
    ASSERT_EQ(ds->GetRasterCount(), dim);
    EXPECT_EQ(dim, 16);
    EXPECT_EQ(ds->GetRasterBand(1)->GetRasterDataType(), GDT_Float32);
    EXPECT_STREQ(ds->GetRasterBand(1)->GetDescription(), "embedding_0");
    EXPECT_STREQ(ds->GetRasterBand(dim)->GetDescription(), "embedding_15");
    EXPECT_TRUE(std::isnan(ds->GetRasterBand(3)->GetNoDataValue()));
    EXPECT_STREQ(ds->GetMetadataItem("GEOINR_OUTPUT"), "embedding");

    geoinr::rasters::GridSpec grid;
    grid.extent = {-10, 30, 30, 60};
    grid.resolution = 0.5;
    geoinr::rasters::GridPredictorOptions embedding;
    embedding.output = geoinr::rasters::RangeOutput::Embedding;
    const auto file = readFile(predict(s_env.checkpoint, grid, "embedding.tif", embedding));
    const auto driver = readBands(*ds);
    ASSERT_EQ(driver.size(), static_cast<std::size_t>(dim) * 80 * 60);
    EXPECT_TRUE(sameBits(driver, file));

    // Independently: embed() at a few pixel centres with the covariate sampled there.
    const auto description = model->header().at("metadata").at("covariates");
    for (const auto& [c, r] : std::vector<std::pair<int, int>>{{0, 0}, {37, 21}, {79, 40}})
    {
        const double lon = -10.0 + 0.5 * c + 0.25, lat = 60.0 - 0.5 * r - 0.25;
        const auto env = geoinr::rasters::CovariateStack::fromDescription(description)
                             .sampleNormalised({lon}, {lat});
        ASSERT_TRUE(std::isfinite(env[0]));
        const float ll[2] = {static_cast<float>(lon), static_cast<float>(lat)};
        const float e = static_cast<float>(env[0]);
        std::vector<float> feats(static_cast<std::size_t>(dim));
        model->embed(ll, &e, 1, feats.data());
        for (int b = 0; b < dim; ++b)
        {
            EXPECT_NEAR(driver[static_cast<std::size_t>(b * 4800 + r * 80 + c)],
                        feats[static_cast<std::size_t>(b)], 1e-5)
                << "band " << b << " pixel " << c << "," << r;
        }
    }
    // Nodata where the covariate is missing (lon > 25, lat < 35): pixel (79, 59).
    EXPECT_TRUE(std::isnan(driver[static_cast<std::size_t>(5 * 4800 + 59 * 80 + 79)]));

    // gdal_translate through the plugin writes the same pixels.
    const auto translated = s_dir->file("embedding_translated.tif");
    const auto run = geoinr::test::runCommand(
        fmt::format("GDAL_DRIVER_PATH='{}' GDAL_PAM_ENABLED=NO gdal_translate -q '{}' '{}'",
                    GEOINR_GDAL_PLUGIN_DIR, path, translated));
    ASSERT_EQ(run.exitCode, 0) << run.output;
    EXPECT_TRUE(sameBits(readFile(translated), file));
}

TEST_F(DriverTest, EmbeddingAsAnOpenOptionAndItsErrors)
{
    // A range descriptor naming one species opened with VALUES=embedding: the features of every
    // species' shared trunk (the file's species no longer apply).
    const auto range = descriptor("range_alpha.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "coords.ckpt", "species": "Alpha",
        "grid": {"extent": [120, -45, 150, -25], "resolution": 1}})");
    auto ds = openRaster(range, "VALUES=embedding");
    ASSERT_TRUE(ds) << CPLGetLastErrorMsg();
    EXPECT_EQ(ds->GetRasterCount(), 16);
    const auto pixels = readBands(*ds);
    const auto model = geoinr::core::Predictor::load(s_coords);
    const float ll[2] = {120.5F + 7.0F, -25.5F - 4.0F}; // pixel (7, 4)
    std::vector<float> feats(16);
    model->embed(ll, nullptr, 1, feats.data());
    for (std::size_t b = 0; b < 16; ++b)
    {
        EXPECT_NEAR(pixels[b * 600 + 4 * 30 + 7], feats[b], 1e-5) << b;
    }

    // Species with the embedding: the descriptor is refused, through CPLError.
    const auto bad = descriptor("embedding_species.geoinr", R"({
        "geoinr_raster": 1, "checkpoint": "coords.ckpt", "values": "embedding",
        "species": ["Alpha"]})");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    EXPECT_FALSE(openRaster(bad));
    const std::string message = CPLGetLastErrorMsg();
    EXPECT_NE(message.find("GEOINR: "), std::string::npos) << message;
    EXPECT_NE(message.find("species: expected nothing or \"all\" with \"values\": \"embedding\""),
              std::string::npos)
        << message;
    CPLErrorReset();
    // SPECIES given explicitly with VALUES=embedding: the predictor refuses it by name.
    const char* options[] = {"VALUES=embedding", "SPECIES=Alpha", nullptr};
    GDALDatasetUniquePtr both(GDALDataset::FromHandle(
        GDALOpenEx(range.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, options, nullptr)));
    EXPECT_FALSE(both);
    EXPECT_NE(std::string(CPLGetLastErrorMsg()).find("species: the embedding output"),
              std::string::npos)
        << CPLGetLastErrorMsg();
    CPLPopErrorHandler();
}
