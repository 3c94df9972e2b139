// SPDX-License-Identifier: MIT
// Every encoder against the independent float64 golden values of shared/data/golden/encoders.json.
#include "test_data.h"

#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/nn/encoder.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace
{

using nlohmann::json;

/** Absolute tolerance of the golden comparison (golden README). */
constexpr double kGoldenAtol = 1e-5;

const json& goldenFile(const std::string& path)
{
    static std::map<std::string, json> cache;
    auto it = cache.find(path);
    if (it == cache.end())
    {
        it = cache.emplace(path, geoinr::test::loadJson(path)).first;
    }
    return it->second;
}

/** [N, 2] float64 tensor from a JSON array of [lon, lat] rows. */
torch::Tensor toTensor2d(const json& rows)
{
    std::vector<double> flat;
    std::int64_t cols = 0;
    for (const auto& row : rows)
    {
        cols = static_cast<std::int64_t>(row.size());
        for (const auto& v : row)
        {
            flat.push_back(v.get<double>());
        }
    }
    const auto n = static_cast<std::int64_t>(rows.size());
    return torch::tensor(flat, torch::kFloat64).reshape({n, cols});
}

/**
 * The GeoINR encoder configuration reproducing golden entry `goldenName`, built from the golden
 * `config` block. Returns null for an unknown golden name.
 */
json geoinrConfigFor(const std::string& goldenName, const json& cfg)
{
    const auto f = cfg.at("F").get<int>();
    const auto sphere = [&](const char* name)
    {
        return json{{"name", name},
                    {"frequency_num", f},
                    {"min_radius", cfg.at("sphere_min_radius")},
                    {"max_radius", cfg.at("sphere_max_radius")},
                    {"freq_rule", "geometric"}};
    };
    const auto space2vec = [&](const char* name)
    {
        return json{{"name", name},
                    {"frequency_num", f},
                    {"min_radius", cfg.at("space2vec_min_radius_deg")},
                    {"max_radius", cfg.at("space2vec_max_radius_deg")},
                    {"freq_rule", "geometric"}};
    };
    const auto maxOnly = [&](const char* name, int count)
    {
        return json{{"name", name},
                    {"frequency_num", count},
                    {"max_radius", cfg.at("sphereMplus_dfs_torchspatial_max_radius")},
                    {"freq_rule", "maxonly"}};
    };
    if (goldenName == "sincos_wrap_sinr")
    {
        return {{"name", "wrap"}, {"order", "sinr"}};
    }
    if (goldenName == "wrap_locationencoder")
    {
        return {{"name", "wrap"}, {"order", "locationencoder"}};
    }
    if (goldenName == "xyz")
    {
        return {{"name", "xyz"}};
    }
    if (goldenName == "nerf")
    {
        return {{"name", "nerf"}, {"frequency_num", cfg.at("nerf_F")}};
    }
    if (goldenName == "space2vec_grid" || goldenName == "space2vec_theory")
    {
        return space2vec(goldenName.c_str());
    }
    if (goldenName == "sphereC")
    {
        return sphere("sphere_c");
    }
    if (goldenName == "sphereCplus")
    {
        return sphere("sphere_c_plus");
    }
    if (goldenName == "sphereM")
    {
        return sphere("sphere_m");
    }
    if (goldenName == "sphereMplus")
    {
        return sphere("sphere_m_plus");
    }
    if (goldenName == "sphereMplus_torchspatial_freq")
    {
        return maxOnly("sphere_m_plus", f);
    }
    if (goldenName == "dfs")
    {
        auto c = sphere("dfs");
        c["frequency_num"] = cfg.at("dfs_F");
        return c;
    }
    if (goldenName == "dfs_torchspatial_freq")
    {
        return maxOnly("dfs", cfg.at("dfs_F").get<int>());
    }
    if (goldenName == "rff")
    {
        return {{"name", "rff"},
                {"num_features", cfg.at("rff_b").size()},
                {"W", cfg.at("rff_W")},
                {"b", cfg.at("rff_b")},
                {"extent", cfg.at("rff_extent")}};
    }
    if (goldenName == "rbf")
    {
        return {{"name", "rbf"},
                {"num_anchors", cfg.at("rbf_anchors_deg").size()},
                {"anchors", cfg.at("rbf_anchors_deg")},
                {"sigma_deg", cfg.at("rbf_sigma_deg")}};
    }
    if (goldenName == "tile_index")
    {
        return {{"name", "tile"},
                {"cell_size_deg", cfg.at("tile_interval_deg")},
                {"extent", json::array({-180.0, 180.0, -90.0, 90.0})},
                {"embed_dim", 8},
                {"use_ffn", false}};
    }
    if (goldenName == "sh_real")
    {
        return {{"name", "spherical_harmonics"}, {"L", cfg.at("sh_Lmax").get<int>() + 1}};
    }
    return nullptr;
}

/** The golden frequency list (config.freqs key) each frequency-based golden entry uses. */
const std::map<std::string, std::string>& goldenFrequencyKeys()
{
    static const std::map<std::string, std::string> keys = {
        {"nerf", "nerf"},
        {"space2vec_grid", "space2vec_geometric_per_degree"},
        {"space2vec_theory", "space2vec_geometric_per_degree"},
        {"sphereC", "sphere_geometric"},
        {"sphereCplus", "sphere_geometric"},
        {"sphereM", "sphere_geometric"},
        {"sphereMplus", "sphere_geometric"},
        {"sphereMplus_torchspatial_freq", "torchspatial_maxonly"},
        {"dfs", "dfs_geometric"},
        {"dfs_torchspatial_freq", "dfs_torchspatial_maxonly"},
    };
    return keys;
}

/**
 * Compares `actual` [N, D] with `expected` [N, D] elementwise to kGoldenAtol; on failure reports
 * the number of mismatches and the first few (point name, column, values).
 */
void expectMatchesGolden(const std::string& label, const torch::Tensor& actual,
                         const torch::Tensor& expected, const json& pointNames)
{
    ASSERT_EQ(actual.sizes(), expected.sizes()) << label;
    const auto a = actual.to(torch::kFloat64).contiguous();
    const auto e = expected.to(torch::kFloat64).contiguous();
    const auto aa = a.accessor<double, 2>();
    const auto ea = e.accessor<double, 2>();
    std::ostringstream details;
    int mismatches = 0;
    double maxErr = 0.0;
    for (std::int64_t i = 0; i < a.size(0); ++i)
    {
        for (std::int64_t j = 0; j < a.size(1); ++j)
        {
            const double err = std::abs(aa[i][j] - ea[i][j]);
            if (!(err <= kGoldenAtol)) // also catches NaN
            {
                if (mismatches < 10)
                {
                    details << "\n  point " << i << " (" << pointNames.at(i).get<std::string>()
                            << "), column " << j << ": got " << aa[i][j] << ", golden " << ea[i][j];
                }
                ++mismatches;
            }
            maxErr = std::max(maxErr, std::isnan(err) ? INFINITY : err);
        }
    }
    EXPECT_EQ(mismatches, 0) << label << ": " << mismatches << " values off by more than "
                             << kGoldenAtol << " (max abs error " << maxErr << ")" << details.str();
}

std::string paramName(const ::testing::TestParamInfo<std::string>& info)
{
    return info.param;
}

class GoldenEncoderTest : public ::testing::TestWithParam<std::string>
{
};

TEST_P(GoldenEncoderTest, MatchesGoldenValuesAtEveryPoint)
{
    GEOINR_REQUIRE_DATA_FILE(path, "golden/encoders.json");
    const auto& golden = goldenFile(path);
    const auto& goldenName = GetParam();
    ASSERT_TRUE(golden.at("encoders").contains(goldenName)) << goldenName;

    const auto config = geoinrConfigFor(goldenName, golden.at("config"));
    ASSERT_FALSE(config.is_null()) << "no GeoINR mapping for golden encoder " << goldenName;
    const auto points = toTensor2d(golden.at("points_lonlat_deg"));
    const auto& pointNames = golden.at("point_names");
    const auto expectedDim = golden.at("dims").at(goldenName).get<std::int64_t>();
    auto encoder = geoinr::core::makeEncoder(config);

    if (goldenName == "tile_index")
    {
        // The golden value is the flat cell id, not the learned embedding.
        const auto ids = geoinr::core::tileCellIndex(encoder, points);
        ASSERT_EQ(ids.scalar_type(), torch::kLong);
        ASSERT_EQ(ids.dim(), 1);
        ASSERT_EQ(ids.size(0), points.size(0));
        const auto expected = golden.at("encoders").at(goldenName).get<std::vector<std::int64_t>>();
        for (std::int64_t i = 0; i < ids.size(0); ++i)
        {
            EXPECT_EQ(ids[i].item<std::int64_t>(), expected[static_cast<std::size_t>(i)])
                << "tile cell of point " << i << " (" << pointNames.at(i).get<std::string>() << ")";
        }
        EXPECT_EQ(expectedDim, 1);
        return;
    }

    EXPECT_EQ(encoder->outputDim(), expectedDim) << goldenName;
    EXPECT_EQ(geoinr::core::encoderOutputDim(config), expectedDim) << goldenName;
    const auto expected = toTensor2d(golden.at("encoders").at(goldenName));
    ASSERT_EQ(expected.size(1), expectedDim) << "golden file inconsistent for " << goldenName;

    const auto out = encoder->forward(points);
    EXPECT_EQ(out.scalar_type(), torch::kFloat64);
    expectMatchesGolden(goldenName + " (" + config.dump() + ")", out, expected, pointNames);
}

class GoldenFrequencyTest : public ::testing::TestWithParam<std::string>
{
};

TEST_P(GoldenFrequencyTest, FrequencyBufferMatchesGoldenConfigFreqs)
{
    GEOINR_REQUIRE_DATA_FILE(path, "golden/encoders.json");
    const auto& golden = goldenFile(path);
    const auto& goldenName = GetParam();
    const auto keyIt = goldenFrequencyKeys().find(goldenName);
    ASSERT_NE(keyIt, goldenFrequencyKeys().end()) << goldenName;
    const auto expected =
        golden.at("config").at("freqs").at(keyIt->second).get<std::vector<double>>();
    auto encoder = geoinr::core::makeEncoder(geoinrConfigFor(goldenName, golden.at("config")));
    torch::Tensor freqs;
    for (const auto& item : encoder->named_buffers())
    {
        if (item.key() == "freqs")
        {
            freqs = item.value();
        }
    }
    ASSERT_TRUE(freqs.defined()) << goldenName << " has no 'freqs' buffer";
    ASSERT_EQ(freqs.numel(), static_cast<std::int64_t>(expected.size())) << goldenName;
    const auto f = freqs.to(torch::kFloat64).contiguous();
    for (std::size_t k = 0; k < expected.size(); ++k)
    {
        EXPECT_NEAR(f[static_cast<std::int64_t>(k)].item<double>(), expected[k],
                    1e-12 * std::abs(expected[k]))
            << goldenName << " frequency " << k;
    }
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenEncoderTest,
                         ::testing::Values("sincos_wrap_sinr", "wrap_locationencoder", "xyz",
                                           "nerf", "space2vec_grid", "space2vec_theory", "sphereC",
                                           "sphereCplus", "sphereM", "sphereMplus",
                                           "sphereMplus_torchspatial_freq", "dfs",
                                           "dfs_torchspatial_freq", "rff", "rbf", "tile_index",
                                           "sh_real"),
                         paramName);

INSTANTIATE_TEST_SUITE_P(Golden, GoldenFrequencyTest,
                         ::testing::Values("nerf", "space2vec_grid", "space2vec_theory", "sphereC",
                                           "sphereCplus", "sphereM", "sphereMplus",
                                           "sphereMplus_torchspatial_freq", "dfs",
                                           "dfs_torchspatial_freq"),
                         paramName);

TEST(GoldenEncoders, EveryGoldenEntryHasAMapping)
{
    GEOINR_REQUIRE_DATA_FILE(path, "golden/encoders.json");
    const auto& golden = goldenFile(path);
    for (const auto& item : golden.at("encoders").items())
    {
        EXPECT_FALSE(geoinrConfigFor(item.key(), golden.at("config")).is_null())
            << "golden encoder " << item.key() << " is not covered by this test";
    }
    EXPECT_EQ(golden.at("encoders").size(), 17U);
}

TEST(GoldenEncoders, SphericalHarmonicsFloat32FollowsFloat64)
{
    GEOINR_REQUIRE_DATA_FILE(path, "golden/encoders.json");
    const auto& golden = goldenFile(path);
    const auto points = toTensor2d(golden.at("points_lonlat_deg"));
    auto encoder = geoinr::core::makeEncoder(geoinrConfigFor("sh_real", golden.at("config")));
    ASSERT_EQ(encoder->outputDim(), 121);

    const auto out64 = encoder->forward(points);
    const auto out32 = encoder->forward(points.to(torch::kFloat32));
    ASSERT_EQ(out32.scalar_type(), torch::kFloat32);
    ASSERT_EQ(out32.sizes(), out64.sizes());
    const double maxDiff = (out32.to(torch::kFloat64) - out64).abs().max().item<double>();
    // The float32 input is rounded before encoding, so the two differ by float32 rounding only.
    EXPECT_LT(maxDiff, 1e-4);
    EXPECT_TRUE(torch::isfinite(out32).all().item<bool>());

    // The float32 result also matches the golden values to the float32 tolerance.
    const auto expected = toTensor2d(golden.at("encoders").at("sh_real"));
    EXPECT_LT((out32.to(torch::kFloat64) - expected).abs().max().item<double>(), 1e-4);
}

} // namespace
