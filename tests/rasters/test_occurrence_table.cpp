// SPDX-License-Identifier: MIT
// Whole-table operations: per-cell thinning (hand-checked and on the shared datasets, counts
// computed independently), row filtering and one-hot expansion of a table covariate.
#include "test_data.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/occurrences.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using geoinr::rasters::OccurrenceOptions;
using geoinr::rasters::OccurrenceTable;
using geoinr::rasters::readOccurrences;
using geoinr::rasters::thinPerCell;

namespace
{

OccurrenceTable handTable()
{
    OccurrenceTable t;
    t.speciesNames = {"a", "b"};
    //                 0      1      2      3     4     5      6
    t.speciesIndex = {0, 0, 1, 0, 0, 0, 0};
    t.lon = {10.2, 10.9, 10.5, 11.1, -180.0, 180.0, 10.4};
    t.lat = {5.1, 5.8, 5.5, 5.5, 0.5, 0.5, 6.0};
    t.covariateNames = {"c"};
    t.covariates = {0, 1, 2, 3, 4, 5, 6};
    return t;
}

} // namespace

TEST(OccurrenceTable, ThinPerCellKeepsFirstRecordPerSpeciesAndCell)
{
    OccurrenceTable t = handTable();
    // 1-degree cells: rows 0 and 1 share (a, 10..11, 5..6); row 2 is species b; row 3 is the next
    // cell east; lon 180 (row 5) is the cell of lon -180 (row 4); row 6 is the cell north.
    EXPECT_EQ(thinPerCell(t, 1.0), 2u);
    EXPECT_EQ(t.size(), 5u);
    EXPECT_EQ(t.covariates, (std::vector<double>{0, 2, 3, 4, 6}));
    EXPECT_EQ(t.lon, (std::vector<double>{10.2, 10.5, 11.1, -180.0, 10.4}));
    EXPECT_EQ(t.speciesIndex, (std::vector<std::int32_t>{0, 1, 0, 0, 0}));
    EXPECT_EQ(t.speciesNames, (std::vector<std::string>{"a", "b"}));

    OccurrenceTable coarse = handTable();
    EXPECT_EQ(thinPerCell(coarse, 90.0), 4u); // a: (10..,5..), (-180,0..); b: one
    EXPECT_THROW(thinPerCell(coarse, 0.0), geoinr::InvalidArgument);
    EXPECT_THROW(thinPerCell(coarse, std::numeric_limits<double>::quiet_NaN()),
                 geoinr::InvalidArgument);
}

TEST(OccurrenceTable, ThinningCountsOnSharedData)
{
    GEOINR_REQUIRE_DATA_FILE(bradypus, "worldclim_sa/bradypus.csv");
    GEOINR_REQUIRE_DATA_FILE(nsw, "disdat/NSW/train_po.csv");
    GEOINR_REQUIRE_DATA_FILE(iucn, "iucn_ranges_po/occurrences.csv");
    // Expected counts were computed with Python's csv module and math.floor.
    OccurrenceTable b = readOccurrences(bradypus);
    EXPECT_EQ(thinPerCell(b, 0.5), 23u);
    EXPECT_EQ(b.size(), 93u);
    EXPECT_EQ(thinPerCell(b, 1.0), 17u); // 93 -> 76
    OccurrenceOptions options;
    options.covariateColumns = {"cti"};
    OccurrenceTable n = readOccurrences(nsw, options);
    EXPECT_EQ(thinPerCell(n, 0.5), 2653u);
    EXPECT_EQ(n.size(), 670u);
    EXPECT_EQ(n.covariates.size(), 670u);
    EXPECT_EQ(n.covariates.front(), 1419.0);
    OccurrenceTable i = readOccurrences(iucn);
    EXPECT_EQ(thinPerCell(i, 1.0), 10889u);
    EXPECT_EQ(i.size(), 2119u);
}

TEST(OccurrenceTable, FilterRows)
{
    OccurrenceTable t = handTable();
    EXPECT_EQ(geoinr::rasters::filterRows(t, {true, false, false, true, false, false, true}), 4u);
    EXPECT_EQ(t.covariates, (std::vector<double>{0, 3, 6}));
    EXPECT_EQ(t.lat, (std::vector<double>{5.1, 5.5, 6.0}));
    EXPECT_THROW(geoinr::rasters::filterRows(t, {true}), geoinr::InvalidArgument);
}

TEST(OccurrenceTable, OneHotCovariateOnDisdatVegsys)
{
    GEOINR_REQUIRE_DATA_FILE(path, "disdat/NSW/train_po.csv");
    OccurrenceOptions options;
    options.covariateColumns = {"cti", "vegsys", "topo"};
    OccurrenceTable t = readOccurrences(path, options);
    const std::vector<double> levels = geoinr::rasters::distinctValues(t, "vegsys");
    EXPECT_EQ(levels, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    geoinr::rasters::oneHotCovariate(t, "vegsys", levels);
    ASSERT_EQ(t.covariateNames.size(), 11u);
    EXPECT_EQ(t.covariateNames.front(), "cti");
    EXPECT_EQ(t.covariateNames[1], "vegsys=1");
    EXPECT_EQ(t.covariateNames[9], "vegsys=9");
    EXPECT_EQ(t.covariateNames.back(), "topo");
    ASSERT_EQ(t.covariates.size(), 11 * t.size());
    for (std::size_t i = 0; i < t.size(); ++i)
    {
        double sum = 0.0;
        for (std::size_t k = 1; k <= 9; ++k)
        {
            sum += t.covariates[i * 11 + k];
        }
        ASSERT_EQ(sum, 1.0) << "row " << i;
    }
    // First record: cti 1419, vegsys 1, topo -27.
    EXPECT_EQ(t.covariates[0], 1419.0);
    EXPECT_EQ(t.covariates[1], 1.0);
    EXPECT_EQ(t.covariates[2], 0.0);
    EXPECT_EQ(t.covariates[10], -27.0);
    EXPECT_THROW(geoinr::rasters::oneHotCovariate(t, "vegsys", levels), geoinr::InvalidArgument);
}

TEST(OccurrenceTable, OneHotKeepsNaNAndUnknownLevels)
{
    OccurrenceTable t;
    t.speciesNames = {"a"};
    t.speciesIndex = {0, 0, 0};
    t.lon = {0, 0, 0};
    t.lat = {0, 0, 0};
    t.covariateNames = {"calc"};
    t.covariates = {1, std::nan(""), 7};
    geoinr::rasters::oneHotCovariate(t, "calc", {0, 1});
    EXPECT_EQ(t.covariateNames, (std::vector<std::string>{"calc=0", "calc=1"}));
    EXPECT_EQ(t.covariates[0], 0.0);
    EXPECT_EQ(t.covariates[1], 1.0);
    EXPECT_TRUE(std::isnan(t.covariates[2]) && std::isnan(t.covariates[3]));
    EXPECT_EQ(t.covariates[4], 0.0);
    EXPECT_EQ(t.covariates[5], 0.0);
    EXPECT_EQ(geoinr::rasters::levelName(0.5), "0.5");
    EXPECT_EQ(geoinr::rasters::levelName(-3.0), "-3");
}
