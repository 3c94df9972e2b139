// SPDX-License-Identifier: MIT
// Properties every encoder must have: shapes, dtypes, periodicity, poles, gradients, validation.
#include "test_errors.h"

#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/encoder.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace
{

using geoinr::core::makeEncoder;
using nlohmann::json;

/** [N, 2] tensor from (lon, lat) pairs. */
torch::Tensor lonLat(const std::vector<std::pair<double, double>>& pts,
                     torch::Dtype dtype = torch::kFloat64)
{
    std::vector<double> flat;
    for (const auto& [lon, lat] : pts)
    {
        flat.push_back(lon);
        flat.push_back(lat);
    }
    return torch::tensor(flat, torch::kFloat64)
        .reshape({static_cast<std::int64_t>(pts.size()), 2})
        .to(dtype);
}

/** A test configuration for catalogue entry `name`: defaults, with big encoders kept small. */
json smallConfig(const std::string& name)
{
    json c = {{"name", name}};
    if (name == "dfs")
    {
        c["frequency_num"] = 4;
    }
    else if (name == "tile")
    {
        c["cell_size_deg"] = 10.0;
        c["embed_dim"] = 8;
        c["output_dim"] = 16;
        c["hidden_dim"] = 32;
    }
    else if (name == "wrap_ffn")
    {
        c["output_dim"] = 16;
        c["hidden_dim"] = 32;
    }
    return c;
}

using geoinr::test::invalidArgumentMessage;

const std::vector<std::pair<double, double>>& samplePoints()
{
    static const std::vector<std::pair<double, double>> pts = {
        {0.0, 0.0},    {180.0, 0.0},   {-180.0, 0.0},   {0.0, 90.0},
        {45.0, -90.0}, {-122.4, 37.8}, {151.2, -33.9},  {-179.5, -45.25},
        {90.0, 45.0},  {-45.0, -60.0}, {179.99, 89.99}, {-0.001, -0.001}};
    return pts;
}

TEST(EncoderProperties, CatalogueIsNotEmptyAndNamesAreUnique)
{
    const auto& catalogue = geoinr::core::encoderCatalog();
    ASSERT_GE(catalogue.size(), 15U);
    std::set<std::string> names;
    for (const auto& info : catalogue)
    {
        EXPECT_TRUE(names.insert(info.name).second) << "duplicate encoder " << info.name;
    }
    for (const char* expected :
         {"wrap", "xyz", "nerf", "space2vec_grid", "space2vec_theory", "sphere_c", "sphere_c_plus",
          "sphere_m", "sphere_m_plus", "dfs", "rff", "rbf", "tile", "spherical_harmonics"})
    {
        EXPECT_EQ(names.count(expected), 1U) << expected;
    }
}

/**
 * Encodes `lonLatDeg` with every catalogue encoder (small configurations) and hands the output to
 * `check`. An exception fails the test for that encoder only, so one broken encoder does not hide
 * the others.
 */
void forEveryEncoder(
    const torch::Tensor& lonLatDeg,
    const std::function<void(const geoinr::core::EncoderPtr&, const torch::Tensor&)>& check)
{
    for (const auto& info : geoinr::core::encoderCatalog())
    {
        SCOPED_TRACE("encoder " + info.name);
        auto enc = makeEncoder(smallConfig(info.name));
        enc->eval();
        torch::Tensor out;
        try
        {
            out = enc->forward(lonLatDeg);
        }
        catch (const std::exception& e)
        {
            ADD_FAILURE() << info.name << " threw on a " << lonLatDeg.sizes() << " "
                          << lonLatDeg.scalar_type()
                          << " input: " << std::string(e.what()).substr(0, 160);
            continue;
        }
        check(enc, out);
    }
}

TEST(EncoderProperties, EveryEncoderReportsItsDeclaredOutputDim)
{
    for (const auto& info : geoinr::core::encoderCatalog())
    {
        SCOPED_TRACE("encoder " + info.name);
        const auto config = smallConfig(info.name);
        auto enc = makeEncoder(config);
        EXPECT_EQ(enc->name(), info.name);
        EXPECT_EQ(enc->config().at("name"), info.name);
        EXPECT_GT(enc->outputDim(), 0);
        EXPECT_EQ(enc->outputDim(), geoinr::core::encoderOutputDim(config));
    }
}

TEST(EncoderProperties, EveryEncoderGivesFiniteFloat32Output)
{
    const auto pts = lonLat(samplePoints(), torch::kFloat32);
    forEveryEncoder(pts,
                    [&](const geoinr::core::EncoderPtr& enc, const torch::Tensor& out)
                    {
                        EXPECT_EQ(out.scalar_type(), torch::kFloat32);
                        ASSERT_EQ(out.dim(), 2);
                        EXPECT_EQ(out.size(0), pts.size(0));
                        EXPECT_EQ(out.size(1), enc->outputDim());
                        EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
                    });
}

TEST(EncoderProperties, EveryEncoderFollowsFloat64Input)
{
    // encoder.h: "Returns [N, outputDim()] with the input's dtype" for float32 or float64 input.
    const auto pts = lonLat(samplePoints(), torch::kFloat64);
    forEveryEncoder(pts,
                    [&](const geoinr::core::EncoderPtr& enc, const torch::Tensor& out)
                    {
                        EXPECT_EQ(out.scalar_type(), torch::kFloat64);
                        ASSERT_EQ(out.dim(), 2);
                        EXPECT_EQ(out.size(0), pts.size(0));
                        EXPECT_EQ(out.size(1), enc->outputDim());
                        EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
                    });
}

TEST(EncoderProperties, EveryEncoderAcceptsAnEmptyBatch)
{
    // N = 0 is a valid [N, 2] input (e.g. a raster block whose pixels are all nodata).
    forEveryEncoder(torch::zeros({0, 2}, torch::kFloat32),
                    [](const geoinr::core::EncoderPtr& enc, const torch::Tensor& out) {
                        EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{0, enc->outputDim()}));
                    });
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

TEST(EncoderProperties, AntimeridianIsContinuousForPeriodicEncoders)
{
    const std::vector<double> lats = {-89.0, -45.25, -10.0, 0.0, 23.5, 60.0, 89.5};
    std::vector<std::pair<double, double>> east;
    std::vector<std::pair<double, double>> west;
    for (const double lat : lats)
    {
        east.emplace_back(180.0, lat);
        west.emplace_back(-180.0, lat);
    }
    const json integerFreqs = {{"frequency_num", 2}, {"min_radius", 0.5}, {"max_radius", 1.0}};
    std::vector<json> configs = {{{"name", "wrap"}},
                                 {{"name", "wrap"}, {"order", "locationencoder"}},
                                 {{"name", "xyz"}},
                                 {{"name", "nerf"}},
                                 {{"name", "spherical_harmonics"}, {"L", 12}}};
    for (const char* name : {"sphere_c", "sphere_c_plus", "sphere_m", "sphere_m_plus", "dfs"})
    {
        auto c = integerFreqs;
        c["name"] = name;
        configs.push_back(c);
    }
    for (const auto& config : configs)
    {
        auto enc = makeEncoder(config);
        const auto d = maxAbsDiff(enc->forward(lonLat(east)), enc->forward(lonLat(west)));
        EXPECT_LT(d, 1e-9) << config.dump();
    }
}

TEST(EncoderProperties, Space2VecGridIsNotPeriodicAcrossTheAntimeridian)
{
    // Documented discontinuity (science.md §1.2): raw-degree frequencies are not multiples of
    // 1/360 cycles per degree.
    auto enc = makeEncoder({{"name", "space2vec_grid"}});
    const auto d =
        maxAbsDiff(enc->forward(lonLat({{180.0, 10.0}})), enc->forward(lonLat({{-180.0, 10.0}})));
    EXPECT_GT(d, 0.1);
}

TEST(EncoderProperties, PoleIsSingleValuedForSphericalEncoders)
{
    const std::vector<double> lons = {-180.0, -135.0, -90.0, -12.5, 0.0, 45.0, 137.5, 180.0};
    const std::vector<json> configs = {
        {{"name", "xyz"}},
        {{"name", "nerf"}},
        {{"name", "spherical_harmonics"}, {"L", 12}},
        {{"name", "sphere_c"}, {"frequency_num", 1}, {"min_radius", 1.0}, {"max_radius", 1.0}}};
    for (const auto& config : configs)
    {
        auto enc = makeEncoder(config);
        for (const double lat : {90.0, -90.0})
        {
            const auto ref = enc->forward(lonLat({{0.0, lat}}));
            for (const double lon : lons)
            {
                EXPECT_LT(maxAbsDiff(enc->forward(lonLat({{lon, lat}})), ref), 1e-9)
                    << config.dump() << " at lon " << lon << ", lat " << lat;
            }
        }
    }
}

TEST(EncoderProperties, WrapIsNotSingleValuedAtThePole)
{
    // Documented (science.md §1.2): cos(pi x) still depends on longitude at lat = 90.
    auto enc = makeEncoder({{"name", "wrap"}});
    EXPECT_GT(maxAbsDiff(enc->forward(lonLat({{0.0, 90.0}})), enc->forward(lonLat({{90.0, 90.0}}))),
              0.5);
}

/** sum(w * enc(x)) per row, for one encoder and fixed weights w [1, D]. */
torch::Tensor weightedRowSums(const geoinr::core::EncoderPtr& enc, const torch::Tensor& x,
                              const torch::Tensor& w)
{
    return (enc->forward(x) * w).sum(1);
}

TEST(EncoderProperties, AutogradMatchesCentralFiniteDifferences)
{
    const auto points =
        lonLat({{10.0, 20.0}, {-75.5, -33.3}, {140.2, 60.1}, {-170.0, 5.0}, {33.3, -70.7}});
    const std::vector<json> configs = {
        {{"name", "wrap"}},
        {{"name", "xyz"}},
        {{"name", "nerf"}, {"frequency_num", 4}},
        {{"name", "space2vec_grid"}},
        {{"name", "space2vec_theory"}},
        {{"name", "sphere_c"}},
        {{"name", "sphere_m_plus"}},
        {{"name", "dfs"}, {"frequency_num", 2}},
        {{"name", "rff"}},
        {{"name", "rbf"},
         {"num_anchors", 5},
         {"sigma_deg", 30.0},
         {"anchors", {{0.0, 0.0}, {20.0, 30.0}, {-60.0, -20.0}, {150.0, 50.0}, {-160.0, 10.0}}}},
        {{"name", "spherical_harmonics"}, {"L", 8}}};
    const double h = 1e-6;
    for (const auto& config : configs)
    {
        SCOPED_TRACE(config.dump());
        auto enc = makeEncoder(config);
        torch::manual_seed(42);
        const auto w = torch::randn({1, enc->outputDim()}, torch::kFloat64);

        auto x = points.clone().requires_grad_(true);
        weightedRowSums(enc, x, w).sum().backward();
        const auto autograd = x.grad().clone();
        ASSERT_TRUE(torch::isfinite(autograd).all().item<bool>());

        auto numeric = torch::zeros_like(points);
        {
            torch::NoGradGuard noGrad;
            for (int axis = 0; axis < 2; ++axis)
            {
                auto plus = points.clone();
                auto minus = points.clone();
                plus.select(1, axis).add_(h);
                minus.select(1, axis).sub_(h);
                numeric.select(1, axis).copy_(
                    (weightedRowSums(enc, plus, w) - weightedRowSums(enc, minus, w)) / (2.0 * h));
            }
        }
        const double scale = numeric.abs().max().item<double>();
        ASSERT_GT(scale, 1e-6) << "gradient vanishes: the comparison would be vacuous";
        const double err = (autograd - numeric).abs().max().item<double>();
        EXPECT_LT(err, 1e-5 * scale)
            << "autograd " << autograd << "\nfinite differences " << numeric;
    }
}

TEST(EncoderProperties, InvalidCoordinatesNameTheFirstBadRow)
{
    auto enc = makeEncoder({{"name", "wrap"}});
    const double nan = std::numeric_limits<double>::quiet_NaN();

    auto msg = invalidArgumentMessage(
        [&] {
            enc->forward(lonLat({{0.0, 0.0}, {10.0, 10.0}, {0.0, 91.0}, {0.0, 95.0}}));
        });
    EXPECT_NE(msg.find("row 2 "), std::string::npos) << msg;

    msg = invalidArgumentMessage([&] { enc->forward(lonLat({{0.0, 0.0}, {nan, 10.0}})); });
    EXPECT_NE(msg.find("row 1 "), std::string::npos) << msg;

    msg = invalidArgumentMessage(
        [&] {
            enc->forward(lonLat({{0.0, 0.0}, {1.0, 1.0}, {2.0, 2.0}, {200.0, 0.0}}));
        });
    EXPECT_NE(msg.find("row 3 "), std::string::npos) << msg;

    // float32 input and NaN latitude go through the same check.
    msg = invalidArgumentMessage(
        [&] {
            enc->forward(lonLat({{nan, nan}, {0.0, -90.5}}, torch::kFloat32));
        });
    EXPECT_NE(msg.find("row 0 "), std::string::npos) << msg;

    // Boundary values are valid.
    EXPECT_NO_THROW(enc->forward(lonLat({{-180.0, -90.0}, {180.0, 90.0}})));
}

TEST(EncoderProperties, WrongShapeOrDtypeIsRejected)
{
    auto enc = makeEncoder({{"name", "xyz"}});
    auto msg = invalidArgumentMessage([&] { enc->forward(torch::zeros({4, 3}, torch::kFloat64)); });
    EXPECT_NE(msg.find("[N, 2]"), std::string::npos) << msg;
    msg = invalidArgumentMessage([&] { enc->forward(torch::zeros({4}, torch::kFloat64)); });
    EXPECT_NE(msg.find("[N, 2]"), std::string::npos) << msg;
    msg = invalidArgumentMessage([&] { enc->forward(torch::zeros({4, 2}, torch::kLong)); });
    EXPECT_NE(msg.find("coordinates"), std::string::npos) << msg;
    msg = invalidArgumentMessage([&] { enc->forward(torch::Tensor()); });
    EXPECT_NE(msg.find("coordinates"), std::string::npos) << msg;
}

TEST(EncoderProperties, RbfFitDrawsAnchorsFromTheLocations)
{
    torch::manual_seed(3);
    const auto n = 300;
    const auto locations = torch::stack({torch::rand({n}, torch::kFloat64) * 360.0 - 180.0,
                                         torch::rand({n}, torch::kFloat64) * 180.0 - 90.0},
                                        1);
    auto enc = makeEncoder({{"name", "rbf"}, {"num_anchors", 5}, {"sigma_deg", 2.0}});
    const auto before = enc->forward(locations);
    enc->fitToLocations(locations);
    const auto after = enc->forward(locations);
    ASSERT_EQ(after.sizes(), (std::vector<std::int64_t>{n, 5}));

    // Every anchor is one of the locations, so each column reaches exp(0) = 1 at some row.
    const auto colMax = std::get<0>(after.max(0));
    for (std::int64_t k = 0; k < 5; ++k)
    {
        EXPECT_NEAR(colMax[k].item<double>(), 1.0, 1e-12) << "anchor " << k;
    }
    // The anchors are distinct locations (drawn without replacement).
    const auto argMax = std::get<1>(after.max(0));
    std::set<std::int64_t> rows;
    for (std::int64_t k = 0; k < 5; ++k)
    {
        rows.insert(argMax[k].item<std::int64_t>());
    }
    EXPECT_EQ(rows.size(), 5U);
    // Before fitting the anchors are seeded spherical-uniform points, not the locations.
    EXPECT_LT(std::get<0>(before.max(0)).min().item<double>(), 1.0 - 1e-9);

    // The buffer holds exactly those locations.
    torch::Tensor anchors;
    for (const auto& item : enc->named_buffers())
    {
        if (item.key() == "anchors")
        {
            anchors = item.value();
        }
    }
    ASSERT_TRUE(anchors.defined());
    for (std::int64_t k = 0; k < 5; ++k)
    {
        const auto row = locations[argMax[k].item<std::int64_t>()];
        EXPECT_TRUE(torch::equal(anchors[k], row)) << anchors[k] << " vs " << row;
    }
}

TEST(EncoderProperties, RbfFitKeepsExplicitAnchors)
{
    const json anchors = {{0.0, 0.0}, {10.0, 10.0}};
    auto enc = makeEncoder(
        {{"name", "rbf"}, {"num_anchors", 2}, {"sigma_deg", 5.0}, {"anchors", anchors}});
    enc->fitToLocations(lonLat({{50.0, 50.0}, {60.0, 60.0}, {70.0, 70.0}}));
    const auto out = enc->forward(lonLat({{0.0, 0.0}, {10.0, 10.0}}));
    EXPECT_NEAR(out[0][0].item<double>(), 1.0, 1e-12);
    EXPECT_NEAR(out[1][1].item<double>(), 1.0, 1e-12);
    EXPECT_NEAR(out[0][1].item<double>(), std::exp(-200.0 / 50.0), 1e-12);
}

} // namespace
