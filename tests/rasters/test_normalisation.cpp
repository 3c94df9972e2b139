// SPDX-License-Identifier: MIT
// z-score statistics (population std, NaN rows ignored, one-hot untouched) and the JSON
// description that lets a checkpoint reopen the same covariates.
#include "test_data.h"
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using geoinr::rasters::CovariateStack;
using geoinr::rasters::Resampling;

namespace
{

CovariateStack tinyStack(const geoinr::test::TempDir& dir)
{
    // Two 2x2 lon/lat rasters over (0..2, 0..2): "a" varies, "flat" is constant, "cls" is a class.
    geoinr::test::writeRaster(dir.file("a.tif"), 4326, {0, 1, 0, 2, 0, -1}, 2, 2, {1, 2, 3, 4});
    geoinr::test::writeRaster(dir.file("flat.tif"), 4326, {0, 1, 0, 2, 0, -1}, 2, 2, {5, 5, 5, 5});
    geoinr::test::writeRaster(dir.file("cls.tif"), 4326, {0, 1, 0, 2, 0, -1}, 2, 2,
                              {7, 9, 7, -9999});
    return CovariateStack::open({dir.file("a.tif"), dir.file("flat.tif"), dir.file("cls.tif")},
                                {"cls"});
}

} // namespace

TEST(Normalisation, FitUsesCompleteRowsAndPopulationStd)
{
    geoinr::test::TempDir dir;
    CovariateStack stack = tinyStack(dir);
    ASSERT_EQ(stack.featureNames(), (std::vector<std::string>{"a", "flat", "cls=7", "cls=9"}));
    EXPECT_FALSE(stack.hasNormalisation());
    // Pixel centres (0.5, 1.5), (1.5, 1.5), (0.5, 0.5), (1.5, 0.5): a = 1, 2, 3, 4.
    const auto samples =
        stack.sample({0.5, 1.5, 0.5, 1.5}, {1.5, 1.5, 0.5, 0.5}, Resampling::Nearest);
    ASSERT_EQ(samples.size(), 16u);
    EXPECT_EQ(std::vector<double>(samples.begin(), samples.begin() + 14),
              (std::vector<double>{1, 5, 1, 0, 2, 5, 0, 1, 3, 5, 1, 0, 4, 5}));
    EXPECT_TRUE(std::isnan(samples[14]) && std::isnan(samples[15])); // cls nodata
    stack.fitNormalisation(samples);
    ASSERT_TRUE(stack.hasNormalisation());
    // The last row has NaN and is ignored: a = {1, 2, 3}, mean 2, population std sqrt(2/3).
    EXPECT_DOUBLE_EQ(stack.mean()[0], 2.0);
    EXPECT_DOUBLE_EQ(stack.stddev()[0], std::sqrt(2.0 / 3.0));
    EXPECT_EQ(stack.mean()[1], 5.0);
    EXPECT_EQ(stack.stddev()[1], 1.0); // std 0 -> 1
    EXPECT_EQ(stack.mean()[2], 0.0);   // one-hot untouched
    EXPECT_EQ(stack.stddev()[3], 1.0);

    std::vector<double> x = samples;
    stack.normalise(x);
    EXPECT_DOUBLE_EQ(x[0], -1.0 / std::sqrt(2.0 / 3.0));
    EXPECT_EQ(x[1], 0.0);
    EXPECT_EQ(x[2], 1.0);
    EXPECT_EQ(x[3], 0.0);
    EXPECT_TRUE(std::isnan(x[14]));
    const auto direct = stack.sampleNormalised({0.5}, {1.5}, Resampling::Nearest);
    EXPECT_EQ(direct, std::vector<double>(x.begin(), x.begin() + 4));

    EXPECT_THROW(stack.fitNormalisation({1.0, 2.0, 3.0}), geoinr::InvalidArgument);
    EXPECT_THROW(stack.fitNormalisation({NAN, 1, 1, 1}), geoinr::InvalidArgument);
}

TEST(Normalisation, UnfittedStackRefusesToNormalise)
{
    geoinr::test::TempDir dir;
    const CovariateStack stack = tinyStack(dir);
    std::vector<double> x(4, 1.0);
    try
    {
        stack.normalise(x);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_EQ(std::string(e.what()), "normalise: the covariate normalisation is not fitted "
                                         "(call fitNormalisation first)");
    }
}

TEST(Normalisation, DescribeAndFromDescriptionRoundTrip)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    GEOINR_REQUIRE_DATA_FILE(biome, "worldclim_sa/biome.tif");
    GEOINR_REQUIRE_DATA_FILE(stackPath, "worldclim_sa/sa_bio_stack.tif");
    CovariateStack stack = CovariateStack::open({bio1, biome}, {"biome"});
    const std::vector<double> lon{-65.4, -60.25, -47.0, -70.1, -100.0};
    const std::vector<double> lat{-10.3833, -3.1, -15.5, -20.2, -30.0};
    stack.fitNormalisation(stack.sample(lon, lat));
    const nlohmann::json d = stack.describe();
    EXPECT_EQ(d.at("format"), "geoinr-covariates");
    EXPECT_EQ(d.at("version"), 1);
    EXPECT_EQ(d.at("layers").size(), 2u);
    EXPECT_EQ(d.at("layers")[0].at("path"), bio1);
    EXPECT_EQ(d.at("layers")[1].at("categorical"), true);
    EXPECT_EQ(d.at("layers")[1].at("levels").size(), 13u);
    EXPECT_EQ(d.at("features").size(), 14u);
    EXPECT_EQ(d.at("normalisation").at("mean").size(), 14u);

    // Through text, as a checkpoint header would carry it.
    const CovariateStack again = CovariateStack::fromDescription(nlohmann::json::parse(d.dump()));
    EXPECT_EQ(again.featureNames(), stack.featureNames());
    EXPECT_EQ(again.mean(), stack.mean());
    EXPECT_EQ(again.stddev(), stack.stddev());
    const auto a = stack.sampleNormalised(lon, lat);
    const auto b = again.sampleNormalised(lon, lat);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        EXPECT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << i;
    }
    EXPECT_EQ(again.describe(), d);

    // Relative paths resolve against baseDir; a band of a multi-band file by number.
    nlohmann::json rel = {
        {"layers", {{{"name", "bio12"}, {"path", "sa_bio_stack.tif"}, {"band", 6}}}}};
    const std::string base = std::filesystem::path(stackPath).parent_path().string();
    const CovariateStack relStack = CovariateStack::fromDescription(rel, base);
    EXPECT_EQ(relStack.featureNames(), (std::vector<std::string>{"bio12"}));
    EXPECT_FALSE(relStack.hasNormalisation());
    EXPECT_FALSE(std::isnan(relStack.sample({-60.25}, {-3.1})[0]));
}

TEST(Normalisation, BadDescriptionsNameTheField)
{
    const auto message = [](const nlohmann::json& j)
    {
        try
        {
            CovariateStack::fromDescription(j);
        }
        catch (const geoinr::InvalidArgument& e)
        {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(message({{"version", 1}}),
              "covariates.layers: missing (expected an array of layers)");
    EXPECT_EQ(message({{"layers", {{{"name", "x"}, {"path", "x.tif"}, {"band", "one"}}}}}),
              "covariates.layers[0].band: expected an integer, got \"one\"");
    EXPECT_EQ(message({{"version", 2}, {"layers", nlohmann::json::array()}}),
              "covariates.version: expected 1, got 2");
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    EXPECT_EQ(message({{"layers", {{{"name", "bio1"}, {"path", bio1}, {"band", 1}}}},
                       {"normalisation", {{"mean", {1.0, 2.0}}, {"std", {1.0}}}}}),
              "covariates.normalisation.mean: expected 1 values (one per feature), got 2");
}
