// SPDX-License-Identifier: MIT
// The "embedding" output of the prediction engine: the model's learned location features
// (core::Predictor::embed) written as a multi-band raster through the range-raster path. Pixels
// against embed() at hand-computed pixel centres (coordinate and covariate models), band count,
// names and metadata, thread and part independence (bit for bit), the .geoinr descriptor field,
// and the errors for options that make no sense without species.
#include "raster_pixels.h"
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/range_raster.h>
#include <geoinr/rasters/virtual_raster.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

using geoinr::rasters::GridPredictor;
using geoinr::rasters::GridPredictorOptions;
using geoinr::rasters::PredictRasterOptions;
using geoinr::rasters::RangeOutput;

namespace
{

class EmbeddingRasterTest : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        s_dir = std::make_unique<geoinr::test::TempDir>();
        s_env = geoinr::test::trainTinyEnvModel(s_dir->path());
        s_coords = geoinr::test::trainTinyCoordsModel(s_dir->path());
    }
    static void TearDownTestSuite() { s_dir.reset(); }

    static GridPredictorOptions embedding()
    {
        GridPredictorOptions o;
        o.output = RangeOutput::Embedding;
        return o;
    }
    /** predictRangeRaster with the embedding output on a lon/lat grid; returns the file. */
    static std::string predictEmbedding(const std::string& checkpoint,
                                        const std::vector<double>& extent, double resolution,
                                        const std::string& name, int threads, int blockSize = 16)
    {
        PredictRasterOptions o;
        o.checkpoint = checkpoint;
        o.model = embedding();
        o.grid.extent = extent;
        o.grid.resolution = resolution;
        o.output = s_dir->file(name);
        o.threads = threads;
        o.blockSize = blockSize;
        geoinr::rasters::predictRangeRaster(o);
        return o.output;
    }
    static std::string errorOf(const GridPredictorOptions& o)
    {
        try
        {
            GridPredictor p(s_env.checkpoint, o);
        }
        catch (const geoinr::Error& e)
        {
            return e.what();
        }
        return "no error";
    }

    static std::unique_ptr<geoinr::test::TempDir> s_dir;
    static geoinr::test::TinyEnvModel s_env;
    static std::string s_coords;
};

std::unique_ptr<geoinr::test::TempDir> EmbeddingRasterTest::s_dir;
geoinr::test::TinyEnvModel EmbeddingRasterTest::s_env;
std::string EmbeddingRasterTest::s_coords;

/** |a - b| within 1e-5 relative (embed() on one point vs on a block: BLAS may round apart). */
void expectClose(float actual, float expected, const std::string& where)
{
    EXPECT_NEAR(actual, expected, 1e-5 * std::max(1.0, std::abs(static_cast<double>(expected))))
        << where;
}

} // namespace

TEST_F(EmbeddingRasterTest, ACoordinateModelsPixelsAreItsEmbeddingAtThePixelCentres)
{
    // South-east Australia at 1 degree: 30 x 20 pixels, 16-pixel tiles (partial tiles at edges).
    const auto file = predictEmbedding(s_coords, {120, -45, 150, -25}, 1.0, "coords_emb.tif", 2);
    const auto model = geoinr::core::Predictor::load(s_coords);
    const auto dim = static_cast<int>(model->embeddingDim());
    EXPECT_EQ(dim, 16); // the tiny model's residual network has width 16

    GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    ASSERT_EQ(ds->GetRasterCount(), dim);
    ASSERT_EQ(ds->GetRasterXSize(), 30);
    ASSERT_EQ(ds->GetRasterYSize(), 20);
    for (int b = 1; b <= dim; ++b)
    {
        auto* band = ds->GetRasterBand(b);
        EXPECT_EQ(band->GetRasterDataType(), GDT_Float32);
        EXPECT_EQ(std::string(band->GetDescription()), "embedding_" + std::to_string(b - 1));
        int hasNodata = 0;
        EXPECT_TRUE(std::isnan(band->GetNoDataValue(&hasNodata)));
        EXPECT_TRUE(hasNodata);
    }
    EXPECT_STREQ(ds->GetMetadataItem("GEOINR_OUTPUT"), "embedding");
    EXPECT_STREQ(ds->GetMetadataItem("GEOINR_EMBEDDING_DIM"), "16");
    EXPECT_EQ(ds->GetMetadataItem("GEOINR_SPECIES"), nullptr);

    const auto pixels = geoinr::test::readBands(*ds);
    ASSERT_EQ(pixels.size(), static_cast<std::size_t>(dim) * 600);
    std::vector<float> feats(static_cast<std::size_t>(dim));
    double spread = 0.0;
    for (int r = 0; r < 20; ++r)
    {
        for (int c = 0; c < 30; ++c)
        {
            // Pixel centre by hand: west edge 120, north edge -25, 1 degree pixels.
            const float ll[2] = {120.0F + static_cast<float>(c) + 0.5F,
                                 -25.0F - static_cast<float>(r) - 0.5F};
            model->embed(ll, nullptr, 1, feats.data());
            for (int b = 0; b < dim; ++b)
            {
                const auto v = pixels[static_cast<std::size_t>(b * 600 + r * 30 + c)];
                expectClose(v, feats[static_cast<std::size_t>(b)],
                            "band " + std::to_string(b) + " pixel " + std::to_string(c) + "," +
                                std::to_string(r));
                spread = std::max(spread, std::abs(static_cast<double>(
                                              v - pixels[static_cast<std::size_t>(b * 600)])));
            }
        }
    }
    EXPECT_GT(spread, 1e-3); // a real map: features change across the grid
}

TEST_F(EmbeddingRasterTest, ACovariateModelEmbedsTheSampledCovariatesAndIsNodataWithout)
{
    // The covariate raster's extent at 0.5 degrees: 80 x 60; temp is nodata for lon > 25 and
    // lat < 35 (10 x 10 pixels).
    const auto model = geoinr::core::Predictor::load(s_env.checkpoint);
    GridPredictor p(model, embedding());
    const auto dim = static_cast<std::size_t>(model->embeddingDim());
    ASSERT_EQ(p.bandCount(), static_cast<int>(dim));
    EXPECT_FALSE(p.byteBands());
    geoinr::rasters::GridSpec spec;
    spec.extent = {-10, 30, 30, 60};
    spec.resolution = 0.5;
    const auto grid = geoinr::rasters::resolveGrid(spec);
    ASSERT_EQ(grid.width, 80);
    ASSERT_EQ(grid.height, 60);
    const std::size_t n = 80 * 60;
    std::vector<float> v(n * dim);
    p.computeWindow(grid, 0, 0, 80, 60, v.data());

    std::vector<double> lon, lat;
    for (int r = 0; r < 60; ++r)
    {
        for (int c = 0; c < 80; ++c)
        {
            lon.push_back(-10.0 + 0.5 * c + 0.25);
            lat.push_back(60.0 - 0.5 * r - 0.25);
        }
    }
    const auto env = geoinr::rasters::CovariateStack::fromDescription(
                         model->header().at("metadata").at("covariates"))
                         .sampleNormalised(lon, lat);
    ASSERT_EQ(env.size(), n);
    std::vector<float> feats(dim);
    std::size_t nodata = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        if (!std::isfinite(env[i]))
        {
            ++nodata;
            for (std::size_t b = 0; b < dim; ++b)
            {
                EXPECT_TRUE(std::isnan(v[b * n + i])) << i;
            }
            continue;
        }
        const float ll[2] = {static_cast<float>(lon[i]), static_cast<float>(lat[i])};
        const float e = static_cast<float>(env[i]);
        model->embed(ll, &e, 1, feats.data());
        for (std::size_t b = 0; b < dim; ++b)
        {
            expectClose(v[b * n + i], feats[b], "pixel " + std::to_string(i));
        }
    }
    EXPECT_EQ(nodata, 100U);
    // The covariate matters: the same location with another temperature embeds differently.
    const float ll[2] = {0.25F, 45.25F};
    const float warm = 1.0F, cold = -1.0F;
    std::vector<float> a(dim), b(dim);
    model->embed(ll, &warm, 1, a.data());
    model->embed(ll, &cold, 1, b.data());
    EXPECT_NE(a, b);
}

TEST_F(EmbeddingRasterTest, ThreadsAndPartsGiveTheSameFileBitForBit)
{
    // 400 x 300 pixels (0.1 degree): two bands of 256 rows for --part.
    const std::vector<double> extent = {-10, 30, 30, 60};
    const auto one = geoinr::test::readFile(
        predictEmbedding(s_env.checkpoint, extent, 0.1, "one_thread.tif", 1, 256));
    const auto three = geoinr::test::readFile(
        predictEmbedding(s_env.checkpoint, extent, 0.1, "three_threads.tif", 3, 256));
    ASSERT_EQ(one.size(), 16U * 400 * 300);
    ASSERT_EQ(three.size(), one.size());
    EXPECT_EQ(std::memcmp(one.data(), three.data(), one.size() * sizeof(float)), 0);

    PredictRasterOptions o;
    o.checkpoint = s_env.checkpoint;
    o.model = embedding();
    o.grid.extent = extent;
    o.grid.resolution = 0.1;
    o.threads = 2;
    geoinr::rasters::MosaicOptions m;
    for (int i = 0; i < 2; ++i)
    {
        o.part = i;
        o.parts = 2;
        o.output = s_dir->file("emb_part" + std::to_string(i) + ".tif");
        geoinr::rasters::predictRangeRaster(o);
        m.parts.push_back(o.output);
    }
    m.vrt = s_dir->file("emb_mosaic.vrt");
    m.merged = s_dir->file("emb_merged.tif");
    geoinr::rasters::mosaicParts(m);
    for (const auto& path : {m.vrt, m.merged})
    {
        const auto joined = geoinr::test::readFile(path);
        ASSERT_EQ(joined.size(), one.size()) << path;
        EXPECT_EQ(std::memcmp(joined.data(), one.data(), one.size() * sizeof(float)), 0) << path;
    }
    GDALDatasetUniquePtr merged(GDALDataset::Open(m.merged.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(merged);
    EXPECT_STREQ(merged->GetRasterBand(16)->GetDescription(), "embedding_15");
}

TEST_F(EmbeddingRasterTest, SpeciesThresholdsAndPerSpeciesFilesAreRefused)
{
    EXPECT_EQ(geoinr::rasters::parseRangeOutput("embedding"), RangeOutput::Embedding);
    EXPECT_EQ(geoinr::rasters::rangeOutputName(RangeOutput::Embedding), "embedding");
    auto o = embedding();
    o.species = {"Alpha"};
    EXPECT_NE(errorOf(o).find("species: the embedding output has one band per learned feature"),
              std::string::npos)
        << errorOf(o);
    o = embedding();
    o.threshold = "0.5";
    EXPECT_NE(errorOf(o).find("threshold: only used with binary output, not embedding"),
              std::string::npos)
        << errorOf(o);

    PredictRasterOptions p;
    p.checkpoint = s_env.checkpoint;
    p.model = embedding();
    p.output = s_dir->file("per_species_embedding");
    p.perSpeciesFiles = true;
    try
    {
        geoinr::rasters::predictRangeRaster(p);
        ADD_FAILURE() << "no error";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("--per-species: not with the embedding output"),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(EmbeddingRasterTest, DescriptorsCarryTheEmbeddingOutput)
{
    geoinr::rasters::VirtualRasterSpec spec;
    spec.checkpoint = "model.ckpt";
    spec.grid.extent = {-10, 30, 30, 60};
    spec.grid.resolution = 0.5;
    spec.model.output = RangeOutput::Embedding;
    const auto text = geoinr::rasters::formatVirtualRaster(spec);
    EXPECT_NE(text.find("\"values\": \"embedding\""), std::string::npos) << text;
    EXPECT_EQ(text.find("species"), std::string::npos) << text; // no species for features
    const auto path = s_dir->file("emb.geoinr");
    geoinr::rasters::writeVirtualRaster(spec, path);
    const auto back = geoinr::rasters::readVirtualRaster(path);
    EXPECT_EQ(back.model.output, RangeOutput::Embedding);
    EXPECT_TRUE(back.model.species.empty());
    EXPECT_EQ(back.grid.extent, spec.grid.extent);

    // Species or a threshold with the embedding: refused when writing and when parsing.
    spec.model.species = {"Alpha"};
    EXPECT_THROW(geoinr::rasters::writeVirtualRaster(spec, s_dir->file("bad.geoinr")),
                 geoinr::InvalidArgument);
    EXPECT_FALSE(std::filesystem::exists(s_dir->file("bad.geoinr")));
    auto parseError = [](const std::string& json)
    {
        try
        {
            geoinr::rasters::parseVirtualRaster(json, "x.geoinr");
        }
        catch (const geoinr::InvalidArgument& e)
        {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(parseError(R"({"geoinr_raster": 1, "checkpoint": "m.ckpt", "values": "embedding",
                             "species": ["Alpha"]})"),
              "x.geoinr: species: expected nothing or \"all\" with \"values\": \"embedding\", got "
              "[\"Alpha\"]");
    EXPECT_EQ(parseError(R"({"geoinr_raster": 1, "checkpoint": "m.ckpt", "values": "embedding",
                             "threshold": 0.5})"),
              "x.geoinr: threshold: expected nothing with \"values\": \"embedding\", got 0.5");
    EXPECT_EQ(parseError(R"({"geoinr_raster": 1, "checkpoint": "m.ckpt", "values": "features"})"),
              "x.geoinr: values: expected probability, logit, byte, binary or embedding, got "
              "\"features\"");
    EXPECT_EQ(parseError(R"({"geoinr_raster": 1, "checkpoint": "m.ckpt", "values": "embedding",
                             "species": "all"})"),
              "no error");
}
