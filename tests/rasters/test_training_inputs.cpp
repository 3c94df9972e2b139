// SPDX-License-Identifier: MIT
// prepareTrainingInputs on real data (Bradypus + worldclim_sa rasters; disdat NSW table
// covariates with background points), checked against GDAL pixels and the CSV files read
// independently; and cancellation of predictRangeRaster through its progress sink.
#include "test_data.h"
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/range_raster.h>
#include <geoinr/rasters/training_inputs.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

using geoinr::rasters::CovariateStack;
using geoinr::rasters::prepareTrainingInputs;
using geoinr::rasters::TrainingInputOptions;

namespace
{

namespace fs = std::filesystem;

/** Splits one CSV line on commas (the files used here have no quoted commas). */
std::vector<std::string> splitCsv(const std::string& line)
{
    std::vector<std::string> out;
    std::stringstream s(line);
    std::string field;
    while (std::getline(s, field, ','))
    {
        out.push_back(field);
    }
    if (!line.empty() && line.back() == ',')
    {
        out.emplace_back();
    }
    return out;
}

/** Rows of a CSV file (header skipped), split on commas. */
std::vector<std::vector<std::string>> readCsvRows(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line))
    {
        if (!line.empty() && line.back() == '\r')
        {
            line.pop_back();
        }
        if (!line.empty())
        {
            rows.push_back(splitCsv(line));
        }
    }
    return rows;
}

struct Moments
{
    double mean = 0.0;
    double std = 0.0;
    std::size_t count = 0;
};

Moments moments(const std::vector<double>& v)
{
    Moments m;
    double sum = 0.0;
    for (double x : v)
    {
        sum += x;
    }
    m.count = v.size();
    m.mean = sum / static_cast<double>(v.size());
    double ss = 0.0;
    for (double x : v)
    {
        ss += (x - m.mean) * (x - m.mean);
    }
    m.std = std::sqrt(ss / static_cast<double>(v.size()));
    return m;
}

const std::vector<std::string> kNswCovariates = {
    "cti",      "disturb", "mi",      "rainann", "raindq", "rugged", "soildepth",
    "soilfert", "solrad",  "tempann", "tempmin", "topo",   "vegsys"};

std::vector<std::string> filesIn(const fs::path& dir, const std::string& part)
{
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
    {
        const auto name = e.path().filename().string();
        if (name.find(part) != std::string::npos)
        {
            out.push_back(name);
        }
    }
    return out;
}

} // namespace

// ------------------------------------------------------------------------------------------------
// Raster covariates: Bradypus on worldclim_sa
// ------------------------------------------------------------------------------------------------

TEST(TrainingInputs, BradypusOnWorldclimRastersGivesNormalisedRecordsAndGrid)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    GEOINR_REQUIRE_DATA_FILE(stackPath, "worldclim_sa/sa_bio_stack.tif");
    GEOINR_REQUIRE_DATA_FILE(biomePath, "worldclim_sa/biome.tif");

    TrainingInputOptions o;
    o.occurrences = csv;
    // A relative path for the stack: the description must still hold absolute paths.
    o.covariateRasters = {fs::relative(stackPath).string(), biomePath};
    o.categorical = {"biome"};
    const auto in = prepareTrainingInputs(o);

    // Records: 116 read; those without covariates dropped, and the summary adds up.
    const auto& summary = in.summary;
    EXPECT_EQ(summary.at("records_read").get<std::size_t>(), 116U);
    EXPECT_EQ(summary.at("records_skipped_invalid").get<std::size_t>(), 0U);
    const auto dropped = summary.at("records_dropped_no_covariates").get<std::size_t>();
    EXPECT_EQ(in.data.size() + dropped, 116U);
    EXPECT_EQ(summary.at("records_used").get<std::size_t>(), in.data.size());
    EXPECT_EQ(summary.at("species").get<std::size_t>(), 1U);

    // Independently: a record has covariates when its pixel is valid in every layer (bilinear
    // falls back to nearest next to nodata), read straight through GDAL.
    const auto rows = readCsvRows(csv);
    ASSERT_EQ(rows.size(), 116U);
    std::size_t withCovariates = 0;
    for (const auto& row : rows)
    {
        const double lon = std::stod(row.at(1)), lat = std::stod(row.at(2));
        const int col = static_cast<int>(std::floor((lon + 125.0) / 0.5));
        const int r = static_cast<int>(std::floor((40.0 - lat) / 0.5));
        bool valid = geoinr::test::readPixel(biomePath, col, r) != 255.0;
        for (int band = 1; band <= 8 && valid; ++band)
        {
            valid = geoinr::test::readPixel(stackPath, col, r, band) != -32768.0;
        }
        withCovariates += valid ? 1 : 0;
    }
    EXPECT_EQ(in.data.size(), withCovariates);

    ASSERT_EQ(in.data.speciesNames, std::vector<std::string>{"Bradypus variegatus"});
    ASSERT_EQ(in.data.classIds.size(), in.data.size());
    EXPECT_TRUE(std::all_of(in.data.classIds.begin(), in.data.classIds.end(),
                            [](std::int32_t c) { return c == 0; }));
    ASSERT_EQ(in.data.lonLat.size(), 2 * in.data.size());

    // Feature names: the stack's, in order (8 bio layers, then one column per biome level).
    const auto stack = CovariateStack::open({stackPath, biomePath}, {"biome"});
    EXPECT_EQ(in.data.envNames, stack.featureNames());
    const auto c = in.data.envNames.size();
    ASSERT_GT(c, 9U);
    EXPECT_EQ(in.data.envNames.front(), "bio1");
    EXPECT_EQ(in.data.envNames[8], "biome=1");
    ASSERT_EQ(in.data.env.size(), in.data.size() * c);
    EXPECT_TRUE(std::all_of(in.data.env.begin(), in.data.env.end(),
                            [](float v) { return std::isfinite(v); }));
    EXPECT_EQ(in.background.size(), 0U);

    // The covariate description: rasters, absolute layer paths, features, normalisation.
    const auto& cov = in.covariates;
    EXPECT_EQ(cov.at("kind").get<std::string>(), "rasters");
    EXPECT_EQ(cov.at("features").get<std::vector<std::string>>(), in.data.envNames);
    for (const auto& layer : cov.at("layers"))
    {
        const auto path = layer.at("path").get<std::string>();
        EXPECT_TRUE(fs::path(path).is_absolute()) << path;
        EXPECT_TRUE(fs::exists(path)) << path;
    }
    ASSERT_TRUE(cov.at("normalisation").is_object()) << cov.dump();

    // Record covariates are those a stack rebuilt from the description gives (what prediction
    // uses), so training and prediction see the same inputs.
    const auto rebuilt = CovariateStack::fromDescription(cov);
    std::vector<double> lon, lat;
    for (std::size_t i = 0; i < in.data.size(); ++i)
    {
        lon.push_back(in.data.lonLat[2 * i]);
        lat.push_back(in.data.lonLat[2 * i + 1]);
    }
    const auto again = rebuilt.sampleNormalised(lon, lat, geoinr::rasters::Resampling::Bilinear);
    ASSERT_EQ(again.size(), in.data.env.size());
    for (std::size_t i = 0; i < again.size(); ++i)
    {
        ASSERT_NEAR(again[i], in.data.env[i], 1e-3) << "value " << i;
    }

    // The pseudo-absence grid: one channel per feature, [C x H x W], covering the rasters.
    const auto& g = in.grid;
    EXPECT_EQ(g.channels, static_cast<std::int64_t>(c));
    ASSERT_GT(g.width, 0);
    ASSERT_GT(g.height, 0);
    const auto cells = static_cast<std::size_t>(g.width * g.height);
    ASSERT_EQ(g.values.size(), cells * c);
    EXPECT_NEAR(g.west, -125.0, 1e-6);
    EXPECT_NEAR(g.north, 40.0, 1e-6);
    EXPECT_NEAR(g.west + g.width * g.resolution, -32.0, g.resolution);
    EXPECT_NEAR(g.north - g.height * g.resolution, -56.0, g.resolution);
    auto cellOf = [&](double x, double y)
    {
        const auto col = static_cast<std::size_t>((x - g.west) / g.resolution);
        const auto row = static_cast<std::size_t>((g.north - y) / g.resolution);
        return row * static_cast<std::size_t>(g.width) + col;
    };
    // Land under a record is valid in every channel; the Pacific is NaN in every channel.
    const auto land = cellOf(-65.4, -10.3833);
    const auto ocean = cellOf(-100.0, -30.0);
    for (std::size_t j = 0; j < c; ++j)
    {
        EXPECT_TRUE(std::isfinite(g.values[j * cells + land])) << in.data.envNames[j];
        EXPECT_TRUE(std::isnan(g.values[j * cells + ocean])) << in.data.envNames[j];
    }
    // z-scored over the complete cells: mean 0, population std 1 per continuous channel; the
    // one-hot channels are 0/1 with exactly one 1 per complete cell.
    std::vector<std::vector<double>> perChannel(c);
    std::size_t complete = 0;
    for (std::size_t i = 0; i < cells; ++i)
    {
        bool all = true;
        for (std::size_t j = 0; j < c && all; ++j)
        {
            all = std::isfinite(g.values[j * cells + i]);
        }
        if (!all)
        {
            continue;
        }
        ++complete;
        double hot = 0.0;
        for (std::size_t j = 0; j < c; ++j)
        {
            const double v = g.values[j * cells + i];
            perChannel[j].push_back(v);
            if (stack.isOneHot(j))
            {
                ASSERT_TRUE(v == 0.0 || v == 1.0) << in.data.envNames[j] << " = " << v;
                hot += v;
            }
        }
        ASSERT_EQ(hot, 1.0) << "cell " << i;
    }
    ASSERT_GT(complete, 1000U);
    for (std::size_t j = 0; j < c; ++j)
    {
        if (stack.isOneHot(j))
        {
            continue;
        }
        const auto m = moments(perChannel[j]);
        EXPECT_NEAR(m.mean, 0.0, 1e-3) << in.data.envNames[j];
        EXPECT_NEAR(m.std, 1.0, 1e-3) << in.data.envNames[j];
    }
}

TEST(TrainingInputs, GridResolutionOptionSetsTheGrid)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    TrainingInputOptions o;
    o.occurrences = csv;
    o.covariateRasters = {bio1};
    o.gridResolutionDeg = 1.0;
    const auto in = prepareTrainingInputs(o);
    EXPECT_EQ(in.grid.resolution, 1.0);
    EXPECT_EQ(in.grid.width, 93);  // -125 .. -32
    EXPECT_EQ(in.grid.height, 96); // -56 .. 40
    EXPECT_EQ(in.grid.channels, 1);
    EXPECT_EQ(in.data.envNames, std::vector<std::string>{"bio1"});
    EXPECT_EQ(in.covariates.at("grid_resolution_deg").get<double>(), 1.0);
}

// The default pseudo-absence grid: 1/500 of the larger side of the first raster (93 x 96 degrees
// for worldclim_sa -> 96 / 500 = 0.192 degrees).
TEST(TrainingInputs, DefaultGridResolutionIsAFiveHundredthOfTheExtent)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    TrainingInputOptions o;
    o.occurrences = csv;
    o.covariateRasters = {bio1};
    const auto in = prepareTrainingInputs(o);
    EXPECT_DOUBLE_EQ(in.grid.resolution, 96.0 / 500.0);
    EXPECT_EQ(in.grid.width, 484);
    EXPECT_EQ(in.grid.height, 500);
}

// ------------------------------------------------------------------------------------------------
// Table covariates: disdat NSW
// ------------------------------------------------------------------------------------------------

TEST(TrainingInputs, NswTableCovariatesAreOneHotAndZScoredOverPresencesAndBackground)
{
    GEOINR_REQUIRE_DATA_FILE(po, "disdat/NSW/train_po.csv");
    GEOINR_REQUIRE_DATA_FILE(bg, "disdat/NSW/background.csv");

    TrainingInputOptions o;
    o.occurrences = po;
    o.occurrenceOptions.speciesColumn = "spid";
    o.tableCovariates = kNswCovariates;
    o.categorical = {"vegsys"};
    o.backgroundFile = bg;
    const auto in = prepareTrainingInputs(o);

    EXPECT_EQ(in.data.size(), 3323U);
    EXPECT_EQ(in.data.speciesNames.size(), 54U);
    EXPECT_EQ(in.summary.at("records_dropped_no_covariates").get<std::size_t>(), 0U);
    EXPECT_EQ(in.summary.at("background_points").get<std::size_t>(), 10000U);
    EXPECT_EQ(in.grid.channels, 0);

    std::vector<std::string> expected(kNswCovariates.begin(), kNswCovariates.end() - 1);
    for (int level = 1; level <= 9; ++level)
    {
        expected.push_back("vegsys=" + std::to_string(level));
    }
    ASSERT_EQ(in.data.envNames, expected);
    const std::size_t c = expected.size();
    ASSERT_EQ(in.data.env.size(), in.data.size() * c);
    ASSERT_EQ(in.background.size(), 10000U);
    ASSERT_EQ(in.background.env.size(), in.background.size() * c); // the same width
    ASSERT_EQ(in.background.lonLat.size(), 2 * in.background.size());

    const auto& cov = in.covariates;
    EXPECT_EQ(cov.at("kind").get<std::string>(), "table");
    EXPECT_EQ(cov.at("features").get<std::vector<std::string>>(), expected);
    EXPECT_EQ(cov.at("categorical_levels").at("vegsys").get<std::vector<double>>(),
              (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}));

    // The raw CSV values, read independently (covariates are columns 7..19).
    const auto poRows = readCsvRows(po);
    const auto bgRows = readCsvRows(bg);
    ASSERT_EQ(poRows.size(), in.data.size());
    ASSERT_EQ(bgRows.size(), in.background.size());
    const auto& mean = cov.at("normalisation").at("mean");
    const auto& stddev = cov.at("normalisation").at("std");
    for (std::size_t j = 0; j + 1 < kNswCovariates.size(); ++j)
    {
        // Union of presences and background, after normalisation: mean 0, std 1.
        std::vector<double> normalised, raw;
        for (std::size_t i = 0; i < in.data.size(); ++i)
        {
            normalised.push_back(in.data.env[i * c + j]);
        }
        for (std::size_t i = 0; i < in.background.size(); ++i)
        {
            normalised.push_back(in.background.env[i * c + j]);
        }
        for (const auto* rows : {&poRows, &bgRows})
        {
            for (const auto& row : *rows)
            {
                raw.push_back(std::stod(row.at(7 + j)));
            }
        }
        const auto n = moments(normalised);
        EXPECT_NEAR(n.mean, 0.0, 1e-3) << kNswCovariates[j];
        EXPECT_NEAR(n.std, 1.0, 1e-3) << kNswCovariates[j];
        // The stored statistics are those of the raw union (so prediction can repeat them).
        const auto r = moments(raw);
        EXPECT_NEAR(mean.at(j).get<double>(), r.mean, 1e-6 * std::max(1.0, std::abs(r.mean)))
            << kNswCovariates[j];
        EXPECT_NEAR(stddev.at(j).get<double>(), r.std, 1e-6 * std::max(1.0, r.std))
            << kNswCovariates[j];
        // First presence: raw value -> stored value.
        EXPECT_NEAR(in.data.env[j], (std::stod(poRows[0].at(7 + j)) - r.mean) / r.std, 1e-4)
            << kNswCovariates[j];
    }
    // One-hot vegsys: 0/1, exactly one level per row, the right one.
    for (const auto& [env, rows] :
         {std::pair{&in.data.env, &poRows}, std::pair{&in.background.env, &bgRows}})
    {
        for (std::size_t i = 0; i < rows->size(); ++i)
        {
            const int level = std::stoi(rows->at(i).at(19));
            for (std::size_t k = 0; k < 9; ++k)
            {
                const float v = (*env)[i * c + 12 + k];
                ASSERT_EQ(v, static_cast<int>(k) + 1 == level ? 1.0F : 0.0F)
                    << "row " << i << " vegsys=" << k + 1;
            }
        }
    }
}

TEST(TrainingInputs, RasterAndTableCovariatesCannotBeCombined)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_sa/bio1.tif");
    geoinr::test::TempDir dir;
    const auto csv = geoinr::test::writeText(
        dir.file("occ.csv"), "species,lon,lat,elev\nA,-60,-10,100\nA,-61,-11,120\n");
    TrainingInputOptions o;
    o.occurrences = csv;
    o.covariateRasters = {bio1};
    o.tableCovariates = {"elev"};
    try
    {
        prepareTrainingInputs(o);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        const std::string what = e.what();
        EXPECT_NE(what.find("--covariates"), std::string::npos) << what;
        EXPECT_NE(what.find("--table-covariates"), std::string::npos) << what;
    }
}

TEST(TrainingInputs, CancellingThroughTheProgressSinkThrowsCancelled)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    TrainingInputOptions o;
    o.occurrences = csv;
    int calls = 0;
    EXPECT_THROW(prepareTrainingInputs(o,
                                       [&calls](double, const std::string&)
                                       {
                                           ++calls;
                                           return false;
                                       }),
                 geoinr::Cancelled);
    EXPECT_EQ(calls, 1);
}

// ------------------------------------------------------------------------------------------------
// predictRangeRaster: cancellation
// ------------------------------------------------------------------------------------------------

TEST(PredictRangeRaster, CancellingOnTheFirstProgressCallLeavesNoOutputOrTempFiles)
{
    geoinr::test::TempDir dir;
    geoinr::rasters::PredictRasterOptions o;
    o.checkpoint = geoinr::test::trainTinyCoordsModel(dir.path());
    o.output = dir.file("range.tif");
    o.grid.resolution = 5.0; // the globe: 72 x 36
    o.blockSize = 16;        // several tiles, so there is work left to cancel

    int calls = 0;
    try
    {
        geoinr::rasters::predictRangeRaster(o,
                                            [&calls](double, const std::string&)
                                            {
                                                ++calls;
                                                return false;
                                            });
        FAIL() << "expected geoinr::Cancelled";
    }
    catch (const geoinr::Cancelled&)
    {
    }
    EXPECT_EQ(calls, 1);
    EXPECT_FALSE(fs::exists(o.output));
    EXPECT_TRUE(filesIn(dir.path(), ".tmp-").empty());
    EXPECT_TRUE(filesIn(dir.path(), "range").empty());

    // The same for a COG, and an existing output survives a cancelled run unchanged.
    geoinr::test::writeText(o.output, "previous result\n");
    o.format = "COG";
    EXPECT_THROW(
        geoinr::rasters::predictRangeRaster(o, [](double, const std::string&) { return false; }),
        geoinr::Cancelled);
    std::ifstream in(o.output);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "previous result\n");
    EXPECT_TRUE(filesIn(dir.path(), ".tmp-").empty());

    // Without cancelling, it completes: the progress reaches 1, the raster replaces the file.
    double last = 0.0;
    o.format = "GTiff";
    geoinr::rasters::predictRangeRaster(o,
                                        [&last](double f, const std::string&)
                                        {
                                            last = f;
                                            return true;
                                        });
    EXPECT_DOUBLE_EQ(last, 1.0);
    GDALDatasetUniquePtr ds(GDALDataset::Open(o.output.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    EXPECT_EQ(ds->GetRasterXSize(), 72);
    EXPECT_EQ(ds->GetRasterYSize(), 36);
    EXPECT_EQ(ds->GetRasterCount(), 2);
    EXPECT_STREQ(ds->GetRasterBand(2)->GetDescription(), "Beta");
    EXPECT_TRUE(filesIn(dir.path(), ".tmp-").empty());
}
