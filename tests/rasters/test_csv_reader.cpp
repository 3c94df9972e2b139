// SPDX-License-Identifier: MIT
// Occurrence tables from delimited text: the shared datasets, quoting, GBIF-style TSV, delimiters,
// bad rows with their exact file:line messages, skipInvalid, and reprojected coordinate columns.
#include "test_data.h"
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/occurrences.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using geoinr::IoError;
using geoinr::rasters::OccurrenceOptions;
using geoinr::rasters::OccurrenceTable;
using geoinr::rasters::readOccurrences;
using geoinr::rasters::readOccurrencesCsv;
using geoinr::test::readError;
using geoinr::test::TempDir;
using geoinr::test::writeText;

namespace
{

std::size_t countSpecies(const OccurrenceTable& t, const std::string& name)
{
    const auto it = std::find(t.speciesNames.begin(), t.speciesNames.end(), name);
    if (it == t.speciesNames.end())
    {
        return 0;
    }
    const auto id = static_cast<std::int32_t>(it - t.speciesNames.begin());
    return static_cast<std::size_t>(std::count(t.speciesIndex.begin(), t.speciesIndex.end(), id));
}

} // namespace

TEST(CsvReader, DisdatNswTrainPo)
{
    GEOINR_REQUIRE_DATA_FILE(path, "disdat/NSW/train_po.csv");
    OccurrenceOptions options;
    options.covariateColumns = {"cti", "vegsys"};
    const OccurrenceTable t = readOccurrences(path, options);
    EXPECT_EQ(t.source, path);
    ASSERT_EQ(t.size(), 3323u);
    ASSERT_EQ(t.speciesNames.size(), 54u);
    EXPECT_EQ(t.speciesNames.front(), "nsw01");
    EXPECT_EQ(t.speciesNames.back(), "nsw54");
    EXPECT_EQ(countSpecies(t, "nsw01"), 26u);
    EXPECT_EQ(countSpecies(t, "nsw54"), 118u);
    EXPECT_TRUE(std::is_sorted(t.speciesNames.begin(), t.speciesNames.end()));
    EXPECT_EQ(t.speciesIndex.front(), 0);
    EXPECT_DOUBLE_EQ(t.lon.front(), 152.8234);
    EXPECT_DOUBLE_EQ(t.lat.front(), -28.3699);
    EXPECT_DOUBLE_EQ(t.lon.back(), 151.868);
    EXPECT_DOUBLE_EQ(t.lat.back(), -32.7892);
    ASSERT_EQ(t.covariateNames, (std::vector<std::string>{"cti", "vegsys"}));
    ASSERT_EQ(t.covariates.size(), 2 * t.size());
    EXPECT_EQ(t.covariates[0], 1419.0);
    EXPECT_EQ(t.covariates[1], 1.0);
    EXPECT_EQ(t.covariates[2 * (t.size() - 1)], 1369.0);
    EXPECT_EQ(t.skippedRows, 0u);
}

TEST(CsvReader, DisdatSwiTrainPo)
{
    GEOINR_REQUIRE_DATA_FILE(path, "disdat/SWI/train_po.csv");
    const OccurrenceTable t = readOccurrences(path);
    ASSERT_EQ(t.size(), 35105u);
    ASSERT_EQ(t.speciesNames.size(), 30u);
    EXPECT_EQ(countSpecies(t, "swi01"), 482u);
    EXPECT_EQ(countSpecies(t, "swi30"), 2800u);
    EXPECT_DOUBLE_EQ(t.lon.front(), 8.642396);
    EXPECT_DOUBLE_EQ(t.lat.front(), 46.765827);
    EXPECT_DOUBLE_EQ(t.lon.back(), 9.151709);
    EXPECT_DOUBLE_EQ(t.lat.back(), 46.233942);
    EXPECT_TRUE(t.covariateNames.empty());
    EXPECT_TRUE(t.covariates.empty());
}

TEST(CsvReader, Bradypus)
{
    GEOINR_REQUIRE_DATA_FILE(path, "worldclim_sa/bradypus.csv");
    const OccurrenceTable t = readOccurrences(path);
    ASSERT_EQ(t.size(), 116u);
    ASSERT_EQ(t.speciesNames, (std::vector<std::string>{"Bradypus variegatus"}));
    EXPECT_DOUBLE_EQ(t.lon.front(), -65.4);
    EXPECT_DOUBLE_EQ(t.lat.front(), -10.3833);
    EXPECT_DOUBLE_EQ(t.lon.back(), -72.6);
    EXPECT_DOUBLE_EQ(t.lat.back(), 9.15);
}

TEST(CsvReader, IucnOccurrences)
{
    GEOINR_REQUIRE_DATA_FILE(path, "iucn_ranges_po/occurrences.csv");
    const OccurrenceTable t = readOccurrences(path);
    ASSERT_EQ(t.size(), 13008u);
    ASSERT_EQ(t.speciesNames.size(), 262u);
    EXPECT_EQ(t.speciesNames.front(), "Aeromys thomasi");
    EXPECT_EQ(t.speciesNames.back(), "Viverra tangalunga");
    EXPECT_EQ(countSpecies(t, "Aeromys thomasi"), 2u);
    EXPECT_EQ(countSpecies(t, "Viverra tangalunga"), 28u);
    EXPECT_DOUBLE_EQ(t.lon.front(), 116.55);
    EXPECT_DOUBLE_EQ(t.lat.front(), 6.08333);
    EXPECT_DOUBLE_EQ(t.lon.back(), 48.467);
    EXPECT_DOUBLE_EQ(t.lat.back(), -18.702);
}

TEST(CsvReader, QuotedFieldsWithCommasQuotesAndLineBreaks)
{
    TempDir dir;
    const std::string path = writeText(
        dir.file("quoted.csv"), "\"species\",\"lon\",\"lat\",\"note\",\"elev\"\r\n"
                                "\"Puma concolor, 1771\",-70.5,-33.25,\"said \"\"hi\"\"\",12\r\n"
                                "\"Vulpes, vulpes\",10,50,\"two\nlines\",NA\r\n"
                                "\"Zeta\",\"1.5\",2,\"\",\r\n"
                                "\"Bad\",1,95,\"x\",3\r\n"
                                "\r\n");
    OccurrenceOptions options;
    options.covariateColumns = {"elev"};
    options.skipInvalid = true;
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t.speciesNames,
              (std::vector<std::string>{"Puma concolor, 1771", "Vulpes, vulpes", "Zeta"}));
    EXPECT_EQ(t.speciesIndex, (std::vector<std::int32_t>{0, 1, 2}));
    EXPECT_EQ(t.lon, (std::vector<double>{-70.5, 10.0, 1.5}));
    EXPECT_EQ(t.lat, (std::vector<double>{-33.25, 50.0, 2.0}));
    EXPECT_EQ(t.covariates[0], 12.0);
    EXPECT_TRUE(std::isnan(t.covariates[1])); // NA
    EXPECT_TRUE(std::isnan(t.covariates[2])); // empty
    ASSERT_EQ(t.skippedRows, 1u);
    // The record with a line break spans lines 3-4, so "Bad" is on line 6.
    EXPECT_EQ(t.skippedExamples.front(),
              path + ":6: column 'lat' value '95' out of range [-90, 90]");
}

TEST(CsvReader, UnterminatedQuoteNamesItsLine)
{
    TempDir dir;
    const std::string path =
        writeText(dir.file("open.csv"), "species,lon,lat\nA,1,2\n\"B,3,4\nC,5,6\n");
    EXPECT_EQ(readError(path), path + ":3: quoted field is not closed before the end of the file");
}

TEST(CsvReader, GbifSimpleTabSeparatedNeedsNoOptions)
{
    TempDir dir;
    const std::string header =
        "gbifID\tdatasetKey\tkingdom\tfamily\tgenus\tspecies\tinfraspecificEpithet\ttaxonRank\t"
        "scientificName\tverbatimScientificName\tcountryCode\tlocality\toccurrenceStatus\t"
        "decimalLatitude\tdecimalLongitude\tcoordinateUncertaintyInMeters\teventDate\n";
    const std::string path = writeText(
        dir.file("0001234-240101.csv"),
        header +
            "4011\tk1\tAnimalia\tFelidae\tPuma\tPuma concolor\t\tSPECIES\tPuma concolor "
            "(Linnaeus, 1771)\tPuma concolor\tCL\tRio \"Negro, near bridge\tPRESENT\t-33.45\t"
            "-70.66\t100\t2020-01-01\n"
            "4012\tk1\tAnimalia\tUrsidae\tUrsus\tUrsus arctos\t\tSPECIES\tUrsus arctos L.\tUrsus "
            "arctos\tCA\t\"Banff\"\tPRESENT\t51.1784\t-115.5708\t\t2021-06-30\n"
            "4013\tk1\tAnimalia\tFelidae\tPuma\tPuma concolor\t\tSPECIES\tPuma concolor\tPuma "
            "concolor\tAR\t\tPRESENT\t-41.1\t-71.3\t\t\n");
    const OccurrenceTable t = readOccurrences(path);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t.speciesNames, (std::vector<std::string>{"Puma concolor", "Ursus arctos"}));
    EXPECT_EQ(t.speciesIndex, (std::vector<std::int32_t>{0, 1, 0}));
    EXPECT_EQ(t.lon, (std::vector<double>{-70.66, -115.5708, -71.3}));
    EXPECT_EQ(t.lat, (std::vector<double>{-33.45, 51.1784, -41.1}));
}

TEST(CsvReader, SemicolonFileWithDecimalCommas)
{
    TempDir dir;
    const std::string path =
        writeText(dir.file("euro.csv"), "taxon;x_wgs84;latitude;temp\nSp A;12,5;-3,25;7,5\n");
    OccurrenceOptions options;
    options.covariateColumns = {"TEMP"}; // column names match case-insensitively
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t.speciesNames.front(), "Sp A");
    EXPECT_EQ(t.lon.front(), 12.5);
    EXPECT_EQ(t.lat.front(), -3.25);
    EXPECT_EQ(t.covariates.front(), 7.5);
}

TEST(CsvReader, ExplicitColumnsAndDelimiter)
{
    GEOINR_REQUIRE_DATA_FILE(path, "disdat/NSW/train_po.csv");
    OccurrenceOptions options;
    options.speciesColumn = "group";
    options.lonColumn = "x";
    options.latColumn = "y";
    options.delimiter = ',';
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), 3323u);
    EXPECT_EQ(t.speciesNames,
              (std::vector<std::string>{"ba", "db", "nb", "ot", "ou", "rt", "ru", "sr"}));
    EXPECT_DOUBLE_EQ(t.lon.front(), 152.8234); // NSW ships x == lon
}

TEST(CsvReader, SingleSpeciesForFilesWithoutSpeciesColumn)
{
    TempDir dir;
    const std::string path = writeText(dir.file("points.txt"), "lon,lat\n1,2\n3,4\n");
    EXPECT_EQ(readError(path),
              path + ":1: no species column (looked for species, scientificName, spid, taxon; "
                     "set speciesColumn, or singleSpecies for a one-species file); columns are: "
                     "lon, lat");
    OccurrenceOptions options;
    options.singleSpecies = "Lynx lynx";
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t.speciesNames, (std::vector<std::string>{"Lynx lynx"}));
    EXPECT_EQ(t.speciesIndex, (std::vector<std::int32_t>{0, 0}));
}

TEST(CsvReader, MissingColumnsNameTheHeaderLine)
{
    TempDir dir;
    const std::string path = writeText(dir.file("nolat.csv"), "species,lon,height\nA,1,2\n");
    EXPECT_EQ(readError(path),
              path + ":1: no latitude column (looked for lat, latitude, decimalLatitude, "
                     "decimal_latitude, y_wgs84; set latColumn); columns are: species, lon, "
                     "height");
    OccurrenceOptions options;
    options.latColumn = "height";
    options.covariateColumns = {"elevation"};
    EXPECT_EQ(readError(path, options),
              path + ":1: column 'elevation' (covariateColumns) not found; columns are: species, "
                     "lon, height");
}

TEST(CsvReader, BadRowsThrowWithFileAndLine)
{
    TempDir dir;
    const std::string body = "species,lon,lat,elev\n"
                             "A,10,20,1\n"    // 2 ok
                             "B,abc,5,1\n"    // 3 not a number
                             "C,10,95.2,1\n"  // 4 lat out of range
                             ",1,2,1\n"       // 5 empty species
                             "D,190,0,1\n"    // 6 lon out of range
                             "E,5,,1\n"       // 7 empty lat
                             "F,1,2,1,9\n"    // 8 too many fields
                             "G,1,2,x1\n"     // 9 covariate not a number
                             "H,-180,-90,\n"; // 10 ok: edges are valid, empty covariate = NaN
    const std::string path = writeText(dir.file("bad.csv"), body);
    OccurrenceOptions options;
    options.covariateColumns = {"elev"};
    EXPECT_EQ(readError(path, options), path +
                                            ":3: column 'lon' value 'abc' is not a number "
                                            "(to skip and count bad rows instead: --skip-invalid)");

    options.skipInvalid = true;
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t.lon, (std::vector<double>{10.0, -180.0}));
    EXPECT_EQ(t.lat, (std::vector<double>{20.0, -90.0}));
    EXPECT_EQ(t.speciesNames, (std::vector<std::string>{"A", "H"}));
    EXPECT_EQ(t.skippedRows, 7u);
    const std::vector<std::string> expected{
        path + ":3: column 'lon' value 'abc' is not a number",
        path + ":4: column 'lat' value '95.2' out of range [-90, 90]",
        path + ":5: column 'species' is empty",
        path + ":6: column 'lon' value '190' out of range [-180, 180]",
        path + ":7: column 'lat' is empty",
        path + ":8: has 5 fields, the header has 4",
        path + ":9: column 'elev' value 'x1' is not a number",
    };
    EXPECT_EQ(t.skippedExamples, expected);
}

TEST(CsvReader, SkippedExamplesAreCappedAtTen)
{
    TempDir dir;
    std::string body = "species,lon,lat\nok,0,0\n";
    for (int i = 0; i < 25; ++i)
    {
        body += "bad,0,100\n";
    }
    const std::string path = writeText(dir.file("many.csv"), body);
    OccurrenceOptions options;
    options.skipInvalid = true;
    const OccurrenceTable t = readOccurrences(path, options);
    EXPECT_EQ(t.size(), 1u);
    EXPECT_EQ(t.skippedRows, 25u);
    EXPECT_EQ(t.skippedExamples.size(), 10u);
    EXPECT_EQ(t.skippedExamples.back(),
              path + ":12: column 'lat' value '100' out of range [-90, 90]");
}

TEST(CsvReader, NoValidRowIsAnError)
{
    TempDir dir;
    const std::string path = writeText(dir.file("allbad.csv"), "species,lon,lat\nA,0,100\n");
    OccurrenceOptions options;
    options.skipInvalid = true;
    EXPECT_EQ(readError(path, options),
              path + ": no valid occurrence records (1 bad rows skipped; first: " + path +
                  ":2: column 'lat' value '100' out of range [-90, 90])");
    EXPECT_EQ(readError(writeText(dir.file("empty.csv"), "")),
              dir.file("empty.csv") + ": the file is empty (expected a header line)");
    const std::string missing = dir.file("nothere.csv");
    EXPECT_NE(readError(missing).find("cannot open occurrence file '" + missing + "'"),
              std::string::npos);
}

TEST(CsvReader, ProjectedCoordinateColumnsAreReprojected)
{
    TempDir dir;
    const std::vector<std::pair<double, double>> lonLat{
        {-70.5, -33.25}, {151.2, -33.9}, {8.5, 47.4}, {0.0, 0.0}, {179.5, 65.0}};
    std::string body = "species,x,y\n";
    for (const auto& [lon, lat] : lonLat)
    {
        double x = 0.0;
        double y = 0.0;
        geoinr::test::mercator(lon, lat, x, y);
        body += fmt::format("s,{:.17g},{:.17g}\n", x, y);
    }
    body += "s,,5\n"; // line 7
    const std::string path = writeText(dir.file("mercator.csv"), body);
    OccurrenceOptions options;
    options.sourceCrs = "EPSG:3857";
    options.skipInvalid = true;
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), lonLat.size());
    for (std::size_t i = 0; i < lonLat.size(); ++i)
    {
        EXPECT_NEAR(t.lon[i], lonLat[i].first, 1e-9) << i;
        EXPECT_NEAR(t.lat[i], lonLat[i].second, 1e-9) << i;
    }
    ASSERT_EQ(t.skippedRows, 1u);
    EXPECT_EQ(t.skippedExamples.front(), path + ":7: column 'x' is empty");
}

TEST(CsvReader, InvalidSourceCrsIsAnInvalidArgument)
{
    TempDir dir;
    const std::string path = writeText(dir.file("p.csv"), "species,lon,lat\nA,1,2\n");
    OccurrenceOptions options;
    options.sourceCrs = "EPSG:999999";
    try
    {
        readOccurrencesCsv(path, options);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_EQ(std::string(e.what()).rfind("sourceCrs: 'EPSG:999999' is not a CRS", 0), 0u)
            << e.what();
    }
}
