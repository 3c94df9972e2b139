// SPDX-License-Identifier: MIT
// GridPredictor and the range-raster writer on a small trained env+coords model: thresholds stored
// by training, window independence (the basis of "same pixels everywhere"), nodata outside the
// covariates and masks, byte and binary encodings, a projected grid against an independent
// PROJ transform, per-species files, and the errors users see.
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/range_raster.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace fs = std::filesystem;
using geoinr::rasters::GridPredictor;
using geoinr::rasters::GridPredictorOptions;
using geoinr::rasters::RangeOutput;
using geoinr::rasters::RasterGrid;

namespace
{

/** One trained model for the whole suite (training takes a second or two). */
class GridPredictorTest : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        s_dir = std::make_unique<geoinr::test::TempDir>();
        s_model = geoinr::test::trainTinyEnvModel(s_dir->path());
    }
    static void TearDownTestSuite() { s_dir.reset(); }

    static RasterGrid lonLatGrid(double west, double north, double res, int w, int h)
    {
        geoinr::rasters::GridSpec spec;
        spec.extent = {west, north - h * res, west + w * res, north};
        spec.resolution = res;
        return geoinr::rasters::resolveGrid(spec);
    }
    static std::vector<float> compute(const GridPredictor& p, const RasterGrid& g)
    {
        std::vector<float> out(static_cast<std::size_t>(g.width * g.height * p.bandCount()));
        p.computeWindow(g, 0, 0, g.width, g.height, out.data());
        return out;
    }

    static std::unique_ptr<geoinr::test::TempDir> s_dir;
    static geoinr::test::TinyEnvModel s_model;
};

std::unique_ptr<geoinr::test::TempDir> GridPredictorTest::s_dir;
geoinr::test::TinyEnvModel GridPredictorTest::s_model;

} // namespace

TEST_F(GridPredictorTest, TrainingStoresThresholdsThatMatchThePresences)
{
    const auto predictor = geoinr::core::Predictor::load(s_model.checkpoint);
    const auto& t = predictor->header().at("metadata").at("thresholds");
    EXPECT_EQ(t.at("pseudo_absences").get<int>(), 2000);
    for (const auto* rule : {"mtp", "presence_95", "presence_90", "max_tss"})
    {
        ASSERT_EQ(t.at(rule).size(), 2U) << rule;
    }
    // Independently: the model at each training presence (a one-pixel window centred on it);
    // the minimum is the MTP threshold, and 90 % of the 12 presences (ceil(10.8) = 11) keep the
    // 11th largest.
    GridPredictorOptions o;
    o.species = {"Alpha"};
    GridPredictor alpha(predictor, o);
    std::vector<double> scores;
    for (int i = 0; i < 12; ++i)
    {
        const double lon = -8.0 + i * 0.7, lat = 55.0 + (i % 4) * 1.1;
        const RasterGrid g = lonLatGrid(lon - 0.05, lat + 0.05, 0.1, 1, 1);
        float p = 0.0F;
        alpha.computeWindow(g, 0, 0, 1, 1, &p);
        scores.push_back(p);
    }
    std::sort(scores.begin(), scores.end(), std::greater<>());
    EXPECT_NEAR(t.at("mtp")[0].get<double>(), scores.back(), 1e-5);
    EXPECT_NEAR(t.at("presence_90")[0].get<double>(), scores[10], 1e-5);
    EXPECT_NEAR(t.at("presence_95")[0].get<double>(), scores[11], 1e-5); // ceil(11.4) = 12
    const double tss = t.at("max_tss")[0].get<double>();
    EXPECT_GT(tss, 0.0);
    EXPECT_LE(tss, 1.0);
}

TEST_F(GridPredictorTest, APixelDoesNotDependOnTheWindowThatComputesIt)
{
    GridPredictor p(s_model.checkpoint, {});
    const RasterGrid g = lonLatGrid(-12.0, 62.0, 1.0, 44, 34);
    const auto whole = compute(p, g);
    // The same grid in four uneven windows.
    std::vector<float> pieces(whole.size(), 0.0F);
    const int cutX = 17, cutY = 13;
    for (const auto& [x0, y0, w, h] :
         std::vector<std::array<int, 4>>{{0, 0, cutX, cutY},
                                         {cutX, 0, 44 - cutX, cutY},
                                         {0, cutY, cutX, 34 - cutY},
                                         {cutX, cutY, 44 - cutX, 34 - cutY}})
    {
        std::vector<float> part(static_cast<std::size_t>(w * h * 2));
        p.computeWindow(g, x0, y0, w, h, part.data());
        for (int b = 0; b < 2; ++b)
        {
            for (int r = 0; r < h; ++r)
            {
                for (int c = 0; c < w; ++c)
                {
                    pieces[static_cast<std::size_t>(b * 44 * 34 + (y0 + r) * 44 + x0 + c)] =
                        part[static_cast<std::size_t>(b * w * h + r * w + c)];
                }
            }
        }
    }
    EXPECT_EQ(std::memcmp(whole.data(), pieces.data(), whole.size() * sizeof(float)), 0);
}

TEST_F(GridPredictorTest, PixelsWithoutCovariatesOrOutsideTheMaskAreNodata)
{
    GridPredictor p(s_model.checkpoint, {});
    EXPECT_EQ(p.nodata(), -1.0);
    const RasterGrid g = lonLatGrid(-12.0, 62.0, 1.0, 44, 34); // lon -12..32, lat 28..62
    const auto v = compute(p, g);
    int valid = 0;
    for (int r = 0; r < 34; ++r)
    {
        for (int c = 0; c < 44; ++c)
        {
            const double lon = -12.0 + c + 0.5, lat = 62.0 - r - 0.5;
            const bool inRaster = lon > -10 && lon < 30 && lat > 30 && lat < 60;
            const bool hasData = inRaster && !(lon > 25.5 && lat < 34.5);
            const float a = v[static_cast<std::size_t>(r * 44 + c)];
            if (!inRaster || (lon > 26 && lat < 34))
            {
                EXPECT_EQ(a, -1.0F) << lon << " " << lat;
            }
            if (hasData && lon > -9.5 && lon < 29.5 && lat > 30.5 && lat < 59.5 && lon < 25)
            {
                EXPECT_GE(a, 0.0F) << lon << " " << lat;
                EXPECT_LE(a, 1.0F);
                ++valid;
            }
        }
    }
    EXPECT_GT(valid, 800);

    // A mask of 0 west of lon 10 removes those pixels too.
    const std::string mask = s_dir->file("mask.tif");
    std::vector<float> m(40 * 30);
    for (int r = 0; r < 30; ++r)
    {
        for (int c = 0; c < 40; ++c)
        {
            m[static_cast<std::size_t>(r * 40 + c)] = c < 20 ? 0.0F : 1.0F;
        }
    }
    geoinr::test::writeRaster(mask, 4326, {-10, 1, 0, 60, 0, -1}, 40, 30, m);
    GridPredictorOptions o;
    o.mask = mask;
    GridPredictor masked(s_model.checkpoint, o);
    const auto mv = compute(masked, g);
    for (int r = 0; r < 34; ++r)
    {
        for (int c = 0; c < 44; ++c)
        {
            const auto i = static_cast<std::size_t>(r * 44 + c);
            const double lon = -12.0 + c + 0.5;
            // Masked pixels change the network's batch, so equal up to rounding.
            EXPECT_NEAR(mv[i], lon < 10.0 ? -1.0F : v[i], 1e-6) << lon;
        }
    }
}

TEST_F(GridPredictorTest, ByteAndBinaryEncodingsFollowTheProbabilities)
{
    GridPredictor prob(s_model.checkpoint, {});
    const RasterGrid g = lonLatGrid(-10.0, 60.0, 2.0, 20, 15);
    const auto p = compute(prob, g);

    GridPredictorOptions byteOptions;
    byteOptions.output = RangeOutput::ProbabilityByte;
    GridPredictor bytes(s_model.checkpoint, byteOptions);
    EXPECT_TRUE(bytes.byteBands());
    EXPECT_DOUBLE_EQ(bytes.scale(), 1.0 / 254.0);
    const auto b = compute(bytes, g);

    GridPredictorOptions binaryOptions;
    binaryOptions.output = RangeOutput::Binary;
    binaryOptions.threshold = "max_tss";
    GridPredictor binary(s_model.checkpoint, binaryOptions);
    const auto& stored = binary.predictor().header().at("metadata").at("thresholds").at("max_tss");
    ASSERT_EQ(binary.thresholds().size(), 2U);
    EXPECT_EQ(binary.thresholds()[1], stored[1].get<double>());
    const auto z = compute(binary, g);
    int ones = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
    {
        if (p[i] < 0.0F)
        {
            EXPECT_EQ(b[i], 255.0F);
            EXPECT_EQ(z[i], 255.0F);
            continue;
        }
        EXPECT_EQ(b[i], static_cast<float>(std::lround(p[i] * 254.0)));
        const double t = binary.thresholds()[i / (20 * 15)];
        EXPECT_EQ(z[i], p[i] >= t ? 1.0F : 0.0F);
        ones += z[i] == 1.0F ? 1 : 0;
    }
    EXPECT_GT(ones, 0);
}

TEST_F(GridPredictorTest, AProjectedGridAgreesWithAnIndependentTransformAndSampling)
{
    // LAEA Europe (EPSG:3035), 50 km pixels over central Europe.
    geoinr::rasters::GridSpec spec;
    spec.crs = "EPSG:3035";
    spec.extent = {3.5e6, 2.0e6, 5.0e6, 3.5e6};
    spec.resolution = 50000.0;
    const RasterGrid g = geoinr::rasters::resolveGrid(spec);
    ASSERT_EQ(g.width, 30);
    ASSERT_EQ(g.height, 30);
    const auto predictor = geoinr::core::Predictor::load(s_model.checkpoint);
    GridPredictor p(predictor, {});
    const auto v = compute(p, g);

    auto laea = geoinr::test::srsFromEpsg(3035);
    auto wgs84 = geoinr::test::srsFromEpsg(4326);
    std::unique_ptr<OGRCoordinateTransformation> t(
        OGRCreateCoordinateTransformation(&laea, &wgs84));
    std::vector<double> lon, lat;
    for (int r = 0; r < 30; ++r)
    {
        for (int c = 0; c < 30; ++c)
        {
            double x = 3.5e6 + (c + 0.5) * 50000.0, y = 3.5e6 - (r + 0.5) * 50000.0;
            ASSERT_TRUE(t->Transform(1, &x, &y));
            lon.push_back(x);
            lat.push_back(y);
        }
    }
    const auto cov = predictor->header().at("metadata").at("covariates");
    const auto env =
        geoinr::rasters::CovariateStack::fromDescription(cov).sampleNormalised(lon, lat);
    int compared = 0;
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        if (!std::isfinite(env[i]))
        {
            EXPECT_EQ(v[i], -1.0F);
            continue;
        }
        const float ll[2] = {static_cast<float>(lon[i]), static_cast<float>(lat[i])};
        const float e = static_cast<float>(env[i]);
        float out[2];
        predictor->predict(ll, &e, 1, {}, out);
        EXPECT_NEAR(v[i], out[0], 1e-6);
        EXPECT_NEAR(v[900 + i], out[1], 1e-6);
        ++compared;
    }
    EXPECT_GT(compared, 300);
}

TEST_F(GridPredictorTest, WritersAgreeAcrossThreadsAndFileLayouts)
{
    geoinr::rasters::PredictRasterOptions o;
    o.checkpoint = s_model.checkpoint;
    o.grid.extent = {-10, 30, 30, 60};
    o.grid.resolution = 0.5;
    o.blockSize = 16;
    o.threads = 1;
    o.output = s_dir->file("one_thread.tif");
    geoinr::rasters::predictRangeRaster(o);
    o.threads = 3;
    o.output = s_dir->file("three_threads.tif");
    geoinr::rasters::predictRangeRaster(o);
    o.output = s_dir->file("per_species");
    o.perSpeciesFiles = true;
    const auto files = geoinr::rasters::predictRangeRaster(o);
    ASSERT_EQ(files.size(), 2U);
    EXPECT_EQ(fs::path(files[1]).filename(), "Beta.tif");

    auto read = [](const std::string& path, int band)
    {
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
        std::vector<float> v(80 * 60);
        EXPECT_TRUE(ds);
        EXPECT_EQ(ds->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, 80, 60, v.data(), 80, 60,
                                                    GDT_Float32, 0, 0, nullptr),
                  CE_None);
        return v;
    };
    for (int b = 1; b <= 2; ++b)
    {
        const auto ref = read(s_dir->file("one_thread.tif"), b);
        EXPECT_EQ(read(s_dir->file("three_threads.tif"), b), ref);
        EXPECT_EQ(read(files[static_cast<std::size_t>(b - 1)], 1), ref);
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(files[0].c_str(), GDAL_OF_RASTER));
    EXPECT_STREQ(ds->GetRasterBand(1)->GetDescription(), "Alpha");
    EXPECT_STREQ(ds->GetMetadataItem("GEOINR_OUTPUT"), "probability");
}

TEST_F(GridPredictorTest, BadOptionsNameWhatIsWrong)
{
    auto message = [](const GridPredictorOptions& o)
    {
        try
        {
            GridPredictor p(s_model.checkpoint, o);
        }
        catch (const geoinr::Error& e)
        {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    GridPredictorOptions o;
    o.species = {"Gamma"};
    EXPECT_NE(message(o).find("species 'Gamma' is not in the model"), std::string::npos);
    o = {};
    o.output = RangeOutput::Binary;
    EXPECT_NE(message(o).find("binary output needs a probability"), std::string::npos);
    o.threshold = "1.5";
    EXPECT_NE(message(o).find("expected a probability in [0, 1], got 1.5"), std::string::npos);
    o.threshold = "median";
    EXPECT_NE(message(o).find("'median' is neither a probability nor a rule (mtp, presence_95"),
              std::string::npos);
    o = {};
    o.threshold = "0.5";
    EXPECT_NE(message(o).find("only used with binary output"), std::string::npos);
    o = {};
    o.covariatePaths = {{"rain", "x.tif"}};
    EXPECT_NE(message(o).find("'rain' is not a covariate layer of the model (its layers: temp)"),
              std::string::npos);
    o.covariatePaths = {{"temp", s_dir->file("missing.tif")}};
    EXPECT_NE(message(o).find("missing.tif"), std::string::npos);
    EXPECT_THROW(geoinr::rasters::parseRangeOutput("percent"), geoinr::InvalidArgument);
}
