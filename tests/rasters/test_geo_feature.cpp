// SPDX-License-Identifier: MIT
// Geo Feature evaluation (science.md §5.6): SINR's checkerboard split, the whole pipeline against
// an independent re-computation (pixels, order, scaling and split done here by hand, features from
// Predictor::embed), R² ranges on smooth and noise targets, and bad input.
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/ridge_probe.h>
#include <geoinr/rasters/geo_feature_evaluation.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace
{

using geoinr::rasters::evaluateGeoFeature;
using geoinr::rasters::FeatureLocations;
using geoinr::rasters::GeoFeatureOptions;
using geoinr::test::TempDir;
using geoinr::test::writeRaster;

constexpr double kNodata = -9999.0;

/** A lon/lat test raster: north-up, `res` degrees, origin (west, north). */
struct Grid
{
    double west = 110.0, north = -10.0, res = 0.5;
    int width = 90, height = 70; // lon 110..155, lat -45..-10: the tiny model's Australia
    std::array<double, 6> gt() const { return {west, res, 0.0, north, 0.0, -res}; }
    double lon(int c) const { return west + (c + 0.5) * res; }
    double lat(int r) const { return north - (r + 0.5) * res; }
};

/** Values f(lon, lat) over the grid, nodata in the north-east corner (lon > 150, lat > -20). */
template <typename F> std::vector<float> field(const Grid& g, F&& f)
{
    std::vector<float> v;
    for (int r = 0; r < g.height; ++r)
    {
        for (int c = 0; c < g.width; ++c)
        {
            const double lon = g.lon(c), lat = g.lat(r);
            v.push_back(lon > 150.0 && lat > -20.0 ? static_cast<float>(kNodata)
                                                   : static_cast<float>(f(lon, lat)));
        }
    }
    return v;
}

double smooth(double lon, double lat)
{
    return 3.0 + std::sin(lon / 9.0) * std::cos(lat / 12.0) + 0.05 * lat;
}

/** A deterministic noise field with no spatial structure (integer hash of the position). */
double noise(double lon, double lat)
{
    auto h = static_cast<std::uint32_t>(std::lround(lon * 2.0) * 73856093 ^
                                        std::lround(lat * 2.0) * 19349663);
    h ^= h >> 13;
    h *= 0x5bd1e995U;
    h ^= h >> 15;
    return static_cast<double>(h % 10000U) / 10000.0;
}

/** SINR's create_spatial_split, transcribed loop for loop (utils.py): the independent side. */
std::vector<int> sinrSplit(int width, int height, int cell)
{
    std::vector<int> ids(static_cast<std::size_t>(width * height), 1);
    int start = cell;
    for (int ii = 0; ii < height; ii += cell)
    {
        start = start == 0 ? cell : 0;
        for (int jj = start; jj < width; jj += 2 * cell)
        {
            for (int r = ii; r < std::min(height, ii + cell); ++r)
            {
                for (int c = jj; c < std::min(width, jj + cell); ++c)
                {
                    ids[static_cast<std::size_t>(r * width + c)] = 2;
                }
            }
        }
    }
    return ids;
}

/** The protocol by hand: valid pixels, log1p, min-max, split, embeddings, probe. */
geoinr::core::RidgeProbeResult byHand(const std::string& checkpoint, const Grid& g,
                                      const std::vector<float>& values, int cell, bool log1p,
                                      bool sinrGrid)
{
    const auto predictor = geoinr::core::Predictor::load(checkpoint);
    const auto split = sinrSplit(g.width, g.height, cell);
    std::vector<float> lonLat[3];
    std::vector<double> y[3];
    double lo = INFINITY;
    for (float v : values)
    {
        if (v != static_cast<float>(kNodata))
        {
            lo = std::min(lo, static_cast<double>(v));
        }
    }
    const auto transform = [&](float v)
    {
        return log1p ? std::log1p(static_cast<double>(v) - lo) : static_cast<double>(v);
    };
    double tlo = INFINITY, thi = -INFINITY;
    for (float v : values)
    {
        if (v != static_cast<float>(kNodata))
        {
            tlo = std::min(tlo, transform(v));
            thi = std::max(thi, transform(v));
        }
    }
    for (int r = 0; r < g.height; ++r)
    {
        for (int c = 0; c < g.width; ++c)
        {
            const auto i = static_cast<std::size_t>(r * g.width + c);
            if (values[i] == static_cast<float>(kNodata))
            {
                continue;
            }
            const auto s = static_cast<std::size_t>(split[i]);
            // np.linspace(-180, 180, W), np.linspace(90, -90, H) for SINR's coord_grid.
            lonLat[s].push_back(
                static_cast<float>(sinrGrid ? -180.0 + 360.0 * c / (g.width - 1) : g.lon(c)));
            lonLat[s].push_back(
                static_cast<float>(sinrGrid ? 90.0 - 180.0 * r / (g.height - 1) : g.lat(r)));
            y[s].push_back((transform(values[i]) - tlo) / (thi - tlo));
        }
    }
    const auto h = predictor->embeddingDim();
    geoinr::core::RidgeProbe probe(h, static_cast<std::int64_t>(y[1].size()));
    for (std::size_t s : {1U, 2U})
    {
        const auto n = static_cast<std::int64_t>(y[s].size());
        std::vector<float> emb(static_cast<std::size_t>(n * h));
        predictor->embed(lonLat[s].data(), nullptr, n, emb.data());
        (s == 1 ? probe.addTrainRows(emb.data(), y[s].data(), n)
                : probe.addTestRows(emb.data(), y[s].data(), n));
    }
    return probe.solve();
}

class GeoFeatureTest : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir();
        s_checkpoint = geoinr::test::trainTinyCoordsModel(s_dir->path());
    }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }
    static std::string raster(const std::string& name, const Grid& g,
                              const std::vector<float>& values, int epsg = 4326)
    {
        const auto path = s_dir->file(name);
        writeRaster(path, epsg, g.gt(), g.width, g.height, values, kNodata);
        return path;
    }
    template <typename F> static std::string errorOf(F&& f)
    {
        try
        {
            f();
        }
        catch (const geoinr::Error& e)
        {
            return e.what();
        }
        return "no error";
    }

    static TempDir* s_dir;
    static std::string s_checkpoint;
};

TempDir* GeoFeatureTest::s_dir = nullptr;
std::string GeoFeatureTest::s_checkpoint;

TEST(GeoFeatureSplit, MatchesSinrCheckerboard)
{
    // Drawn from SINR's create_spatial_split(cell_size=2) on a 7 x 5 grid, two invalid pixels.
    std::vector<std::uint8_t> valid(35, 1);
    valid[1 * 7 + 3] = 0;
    valid[4 * 7 + 0] = 0;
    const std::vector<std::uint8_t> expected = {2, 2, 1, 1, 2, 2, 1, //
                                                2, 2, 1, 0, 2, 2, 1, //
                                                1, 1, 2, 2, 1, 1, 2, //
                                                1, 1, 2, 2, 1, 1, 2, //
                                                0, 2, 1, 1, 2, 2, 1};
    EXPECT_EQ(geoinr::rasters::spatialSplit(7, 5, valid, 2), expected);
    const std::vector<std::uint8_t> ones(12, 1);
    EXPECT_EQ(geoinr::rasters::spatialSplit(4, 3, ones, 1),
              (std::vector<std::uint8_t>{2, 1, 2, 1, 1, 2, 1, 2, 2, 1, 2, 1}));
    EXPECT_THROW(geoinr::rasters::spatialSplit(4, 3, ones, 0), geoinr::InvalidArgument);
    EXPECT_THROW(geoinr::rasters::spatialSplit(4, 4, ones, 1), geoinr::InvalidArgument);
}

TEST_F(GeoFeatureTest, SmoothTargetMatchesHandComputation)
{
    const Grid g;
    const auto values = field(g, smooth);
    const auto target = raster("smooth.tif", g, values);
    GeoFeatureOptions o;
    o.targets = {{target, false}, {target, true}};
    o.blockSize = 10;
    const auto report = evaluateGeoFeature(s_checkpoint, o);
    ASSERT_EQ(report.at("targets").size(), 2U);
    double sum = 0.0;
    for (int k = 0; k < 2; ++k)
    {
        SCOPED_TRACE(k);
        const auto& t = report.at("targets").at(static_cast<std::size_t>(k));
        const auto expected = byHand(s_checkpoint, g, values, 10, k == 1, false);
        EXPECT_EQ(t.at("pixels_train").get<std::int64_t>(), expected.trainRows);
        EXPECT_EQ(t.at("pixels_test").get<std::int64_t>(), expected.testRows);
        EXPECT_NEAR(t.at("r2_test").get<double>(), expected.testR2, 1e-9);
        EXPECT_NEAR(t.at("r2_train").get<double>(), expected.trainR2, 1e-9);
        EXPECT_EQ(t.at("alpha").get<double>(), expected.alpha);
        EXPECT_EQ(t.at("fold_r2").size(), 3U);
        EXPECT_EQ(t.at("fold_r2").at(0).size(), 10U);
        // A linear probe of 16 features of a smooth field: 0.85 and 0.82 measured (2 epochs).
        EXPECT_GT(t.at("r2_test").get<double>(), 0.7);
        EXPECT_LT(t.at("r2_test").get<double>(), 0.95);
        sum += t.at("r2_test").get<double>();
    }
    EXPECT_NEAR(report.at("mean_r2_test").get<double>(), sum / 2.0, 1e-12);
    // 90 x 70 pixels, 10 x 20 nodata in the north-east corner.
    const auto& t0 = report.at("targets").at(0);
    EXPECT_EQ(t0.at("pixels_valid").get<std::int64_t>(), 90 * 70 - 10 * 20);
    EXPECT_EQ(t0.at("pixels_train").get<std::int64_t>() + t0.at("pixels_test").get<std::int64_t>(),
              90 * 70 - 10 * 20);
    EXPECT_EQ(report.at("embedding_dim").get<int>(), 16);
}

TEST_F(GeoFeatureTest, NoiseTargetIsNotPredictable)
{
    const Grid g;
    GeoFeatureOptions o;
    o.targets = {{raster("noise.tif", g, field(g, noise)), false}};
    o.blockSize = 10;
    const auto t = evaluateGeoFeature(s_checkpoint, o).at("targets").at(0);
    // Measured -0.0006 (test) and 0.002 (train): nothing to learn, nothing overfitted.
    EXPECT_LT(t.at("r2_test").get<double>(), 0.05);
    EXPECT_GT(t.at("r2_test").get<double>(), -0.1);
    EXPECT_LT(t.at("r2_train").get<double>(), 0.05);
}

TEST_F(GeoFeatureTest, SinrGridOnAGlobalRaster)
{
    Grid g;
    g.west = -180.0;
    g.north = 90.0;
    g.res = 5.0;
    g.width = 72;
    g.height = 36;
    const auto values = field(g, smooth);
    GeoFeatureOptions o;
    o.targets = {{raster("global.tif", g, values), false}};
    o.blockSize = 4;
    o.locations = FeatureLocations::SinrGrid;
    const auto t = evaluateGeoFeature(s_checkpoint, o).at("targets").at(0);
    const auto expected = byHand(s_checkpoint, g, values, 4, false, true);
    EXPECT_NEAR(t.at("r2_test").get<double>(), expected.testR2, 1e-9);
    // Pixel centres give other features, hence another R².
    o.locations = FeatureLocations::PixelCentres;
    const auto centres = evaluateGeoFeature(s_checkpoint, o).at("targets").at(0);
    EXPECT_GT(std::abs(centres.at("r2_test").get<double>() - expected.testR2), 1e-6);
}

TEST_F(GeoFeatureTest, MaskAndStrideSelectPixels)
{
    const Grid g;
    const auto target = raster("smooth_m.tif", g, field(g, smooth));
    // Mask: 1 in the west half (lon < 132.5), 0 in the east; nodata in the first row.
    std::vector<float> mask;
    for (int r = 0; r < g.height; ++r)
    {
        for (int c = 0; c < g.width; ++c)
        {
            mask.push_back(r == 0 ? static_cast<float>(kNodata) : (c < 45 ? 1.0f : 0.0f));
        }
    }
    GeoFeatureOptions o;
    o.targets = {{target, false}};
    o.mask = raster("mask.tif", g, mask);
    o.blockSize = 10;
    auto t = evaluateGeoFeature(s_checkpoint, o).at("targets").at(0);
    EXPECT_EQ(t.at("pixels_valid").get<std::int64_t>(), 45 * 69); // nodata corner is east
    o.mask.clear();
    o.stride = 3; // rows 0, 3, ..., 69 (24) x columns 0, 3, ..., 87 (30)
    t = evaluateGeoFeature(s_checkpoint, o).at("targets").at(0);
    EXPECT_EQ(t.at("pixels_sampled").get<std::int64_t>(), 24 * 30);
    // Nodata: columns 80..89 with c % 3 == 0 (81, 84, 87) x rows 0..19 with r % 3 == 0 (7).
    EXPECT_EQ(t.at("pixels_valid").get<std::int64_t>(), 24 * 30 - 3 * 7);
}

TEST_F(GeoFeatureTest, CovariateModelReadsItsRasters)
{
    TempDir dir;
    const auto env = geoinr::test::trainTinyEnvModel(dir.path());
    Grid g; // over the covariate raster: lon -10..30, lat 30..60
    g.west = -10.0;
    g.north = 60.0;
    g.width = 80;
    g.height = 60;
    GeoFeatureOptions o;
    o.targets = {{raster("europe.tif", g, field(g, smooth)), false}};
    o.blockSize = 10;
    const auto t = evaluateGeoFeature(env.checkpoint, o).at("targets").at(0);
    // The covariate is nodata where lon > 25 and lat < 35: 10 x 10 pixels.
    EXPECT_EQ(t.at("pixels_without_covariates").get<std::int64_t>(), 100);
    EXPECT_EQ(t.at("pixels_valid").get<std::int64_t>(), 80 * 60 - 100);
    EXPECT_GT(t.at("r2_test").get<double>(), 0.5); // 0.75 measured
    EXPECT_LT(t.at("r2_test").get<double>(), 1.0);
}

TEST_F(GeoFeatureTest, BadInputIsRefused)
{
    const Grid g;
    const auto target = raster("t.tif", g, field(g, smooth));
    GeoFeatureOptions o;
    o.targets = {{s_dir->file("missing.tif"), false}};
    EXPECT_NE(errorOf([&] { evaluateGeoFeature(s_checkpoint, o); }).find("missing.tif"),
              std::string::npos);
    // A mask on another grid.
    Grid other = g;
    other.width = 89;
    o.targets = {{target, false}};
    o.mask = raster("m.tif", other, std::vector<float>(89 * 70, 1.0f));
    const auto maskError = errorOf([&] { evaluateGeoFeature(s_checkpoint, o); });
    EXPECT_NE(maskError.find("--mask"), std::string::npos) << maskError;
    EXPECT_NE(maskError.find("differs"), std::string::npos) << maskError;
    o.mask.clear();
    // Projected raster.
    Grid merc;
    merc.west = 1.2e7;
    merc.north = -1e6;
    merc.res = 5e4;
    o.targets = {{raster("merc.tif", merc, std::vector<float>(90 * 70, 1.0f), 3857), false}};
    EXPECT_NE(errorOf([&] { evaluateGeoFeature(s_checkpoint, o); }).find("expected a lon/lat"),
              std::string::npos);
    // Constant target.
    o.targets = {{raster("const.tif", g, std::vector<float>(90 * 70, 2.0f)), false}};
    EXPECT_NE(errorOf([&] { evaluateGeoFeature(s_checkpoint, o); }).find("constant value 2"),
              std::string::npos);
    // Too few train pixels for the folds: a 3 x 3 raster has 4 train pixels at block size 1.
    Grid tiny = g;
    tiny.width = 3;
    tiny.height = 3;
    o.targets = {{raster("tiny.tif", tiny, {1, 2, 3, 4, 5, 6, 7, 8, 9}), false}};
    o.blockSize = 1;
    EXPECT_NE(errorOf([&] { evaluateGeoFeature(s_checkpoint, o); })
                  .find("4 train and 5 test pixels; 10 folds"),
              std::string::npos);
    // SINR's coord_grid on a regional raster.
    o.targets = {{target, false}};
    o.blockSize = 25;
    o.locations = FeatureLocations::SinrGrid;
    EXPECT_NE(errorOf([&] { evaluateGeoFeature(s_checkpoint, o); }).find("global"),
              std::string::npos);
    o.locations = FeatureLocations::PixelCentres;
    o.alphas = {1.0, -1.0};
    EXPECT_NE(errorOf([&] { evaluateGeoFeature(s_checkpoint, o); }).find("--alphas"),
              std::string::npos);
    o.alphas = {1.0};
    o.stride = 0;
    EXPECT_NE(errorOf([&] { evaluateGeoFeature(s_checkpoint, o); }).find("--stride"),
              std::string::npos);
    EXPECT_THROW(geoinr::rasters::parseFeatureLocations("centre"), geoinr::InvalidArgument);
}

TEST_F(GeoFeatureTest, ProgressCanCancel)
{
    const Grid g;
    GeoFeatureOptions o;
    o.targets = {{raster("c.tif", g, field(g, smooth)), false}};
    int calls = 0;
    const geoinr::core::ProgressSink stop = [&](double, const std::string&)
    {
        ++calls;
        return calls < 2;
    };
    EXPECT_THROW(evaluateGeoFeature(s_checkpoint, o, stop), geoinr::Cancelled);
}

} // namespace
