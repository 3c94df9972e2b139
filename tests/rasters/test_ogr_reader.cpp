// SPDX-License-Identifier: MIT
// Occurrence tables from OGR point layers written by the tests (GeoPackage in EPSG:3857 and
// EPSG:21781, Shapefile, GeoJSON): reprojection to WGS84 lon/lat, field detection, errors.
#include "test_data.h"
#include "test_util.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/occurrences.h>

#include <gtest/gtest.h>

#include <cmath>
#include <optional>

using geoinr::IoError;
using geoinr::rasters::OccurrenceOptions;
using geoinr::rasters::OccurrenceTable;
using geoinr::rasters::readOccurrences;
using geoinr::rasters::readOccurrencesOgr;
using geoinr::test::readError;
using geoinr::test::TempDir;

namespace
{

struct PointRecord
{
    std::string species;
    double x = 0.0;
    double y = 0.0;
    double elev = 0.0;
};

/** Writes one layer (points, or squares around the points for wkbPolygon) with OGR. */
void writeLayer(const std::string& path, const std::string& driver, const std::string& layerName,
                std::optional<int> epsg, const std::vector<PointRecord>& records,
                OGRwkbGeometryType type = wkbPoint)
{
    geoinr::rasters::ensureGdalRegistered();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    ASSERT_NE(drv, nullptr) << driver;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    if (!ds)
    {
        ds.reset(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    }
    ASSERT_TRUE(ds) << path;
    std::optional<OGRSpatialReference> srs;
    if (epsg)
    {
        srs = geoinr::test::srsFromEpsg(*epsg);
    }
    OGRLayer* layer = ds->CreateLayer(layerName.c_str(), srs ? &*srs : nullptr, type, nullptr);
    ASSERT_NE(layer, nullptr);
    OGRFieldDefn speciesField("species", OFTString);
    OGRFieldDefn elevField("elev", OFTReal);
    ASSERT_EQ(layer->CreateField(&speciesField), OGRERR_NONE);
    ASSERT_EQ(layer->CreateField(&elevField), OGRERR_NONE);
    for (const auto& r : records)
    {
        OGRFeature feature(layer->GetLayerDefn());
        if (!r.species.empty())
        {
            feature.SetField("species", r.species.c_str());
        }
        feature.SetField("elev", r.elev);
        if (type == wkbPoint)
        {
            feature.SetGeometry(std::make_unique<OGRPoint>(r.x, r.y).get());
        }
        else
        {
            OGRLinearRing ring;
            ring.addPoint(r.x, r.y);
            ring.addPoint(r.x + 1, r.y);
            ring.addPoint(r.x + 1, r.y + 1);
            ring.addPoint(r.x, r.y);
            OGRPolygon polygon;
            polygon.addRing(&ring);
            feature.SetGeometry(&polygon);
        }
        ASSERT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
    }
}

const std::vector<std::pair<double, double>> kWorldLonLat{
    {-70.5, -33.25}, {151.2, -33.9}, {8.5, 47.4}, {0.0, 0.0}, {-179.5, 65.0}};

} // namespace

TEST(OgrReader, GeoPackageInWebMercatorComesBackInLonLat)
{
    TempDir dir;
    const std::string path = dir.file("mercator.gpkg");
    std::vector<PointRecord> records;
    for (std::size_t i = 0; i < kWorldLonLat.size(); ++i)
    {
        PointRecord r{i % 2 == 0 ? "Species b" : "Species a", 0.0, 0.0, 10.0 * i};
        geoinr::test::mercator(kWorldLonLat[i].first, kWorldLonLat[i].second, r.x, r.y);
        records.push_back(r);
    }
    writeLayer(path, "GPKG", "occurrences", 3857, records);
    OccurrenceOptions options;
    options.covariateColumns = {"elev"};
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), kWorldLonLat.size());
    EXPECT_EQ(t.speciesNames, (std::vector<std::string>{"Species a", "Species b"}));
    for (std::size_t i = 0; i < t.size(); ++i)
    {
        EXPECT_NEAR(t.lon[i], kWorldLonLat[i].first, 1e-6) << i;
        EXPECT_NEAR(t.lat[i], kWorldLonLat[i].second, 1e-6) << i;
        EXPECT_EQ(t.speciesIndex[i], i % 2 == 0 ? 1 : 0);
        EXPECT_EQ(t.covariates[i], 10.0 * static_cast<double>(i));
    }
}

TEST(OgrReader, GeoPackageInSwissLv03ComesBackInLonLat)
{
    // Bern, Zurich, Geneva, Lugano.
    const std::vector<std::pair<double, double>> lonLat{
        {7.438632, 46.951082}, {8.541694, 47.376887}, {6.143158, 46.204391}, {8.95, 46.0}};
    auto toLv03 = geoinr::test::srsFromEpsg(4326);
    auto lv03 = geoinr::test::srsFromEpsg(21781);
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&toLv03, &lv03));
    ASSERT_TRUE(ct);
    std::vector<PointRecord> records;
    for (const auto& [lon, lat] : lonLat)
    {
        PointRecord r{"Abies alba", lon, lat, 0.0};
        ASSERT_TRUE(ct->Transform(1, &r.x, &r.y));
        records.push_back(r);
    }
    // Independent check of the axis order: Bern's old observatory is the LV03 origin
    // (600000 E, 200000 N) to within a few metres.
    EXPECT_NEAR(records[0].x, 600000.0, 10.0);
    EXPECT_NEAR(records[0].y, 200000.0, 10.0);

    TempDir dir;
    const std::string path = dir.file("swiss.gpkg");
    writeLayer(path, "GPKG", "trees", 21781, records);
    const OccurrenceTable t = readOccurrencesOgr(path);
    ASSERT_EQ(t.size(), lonLat.size());
    for (std::size_t i = 0; i < t.size(); ++i)
    {
        EXPECT_NEAR(t.lon[i], lonLat[i].first, 1e-6) << i;
        EXPECT_NEAR(t.lat[i], lonLat[i].second, 1e-6) << i;
    }
}

TEST(OgrReader, ShapefileAndGeoJson)
{
    TempDir dir;
    const std::string shp = dir.file("points.shp");
    std::vector<PointRecord> records;
    for (const auto& [lon, lat] : kWorldLonLat)
    {
        records.push_back({"Felis silvestris", lon, lat, 1.0});
    }
    writeLayer(shp, "ESRI Shapefile", "points", 4326, records);
    const OccurrenceTable fromShp = readOccurrences(shp);
    ASSERT_EQ(fromShp.size(), kWorldLonLat.size());
    EXPECT_EQ(fromShp.lon.back(), -179.5);
    EXPECT_EQ(fromShp.lat.back(), 65.0);

    const std::string json = geoinr::test::writeText(dir.file("points.geojson"),
                                                     R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"scientificName": "Ursus arctos", "n": "7"},
  "geometry": {"type": "Point", "coordinates": [-115.5708, 51.1784]}},
 {"type": "Feature", "properties": {"scientificName": "Puma concolor", "n": null},
  "geometry": {"type": "MultiPoint", "coordinates": [[-70.66, -33.45]]}}]})");
    OccurrenceOptions options;
    options.covariateColumns = {"n"};
    const OccurrenceTable fromJson = readOccurrences(json, options);
    ASSERT_EQ(fromJson.size(), 2u);
    EXPECT_EQ(fromJson.speciesNames, (std::vector<std::string>{"Puma concolor", "Ursus arctos"}));
    EXPECT_EQ(fromJson.lon, (std::vector<double>{-115.5708, -70.66}));
    EXPECT_EQ(fromJson.lat, (std::vector<double>{51.1784, -33.45}));
    EXPECT_EQ(fromJson.covariates[0], 7.0); // a numeric string
    EXPECT_TRUE(std::isnan(fromJson.covariates[1]));
}

TEST(OgrReader, PolygonLayerIsAClearError)
{
    TempDir dir;
    const std::string path = dir.file("ranges.gpkg");
    writeLayer(path, "GPKG", "ranges", 4326, {{"A", 10, 10, 0}, {"B", 20, 20, 0}}, wkbPolygon);
    EXPECT_EQ(readError(path), path + ": layer 'ranges' feature 1 has a Polygon geometry; "
                                      "occurrences must be points (convert polygons to points or "
                                      "centroids first)");
}

TEST(OgrReader, DisdatBorderIsNotAPointLayer)
{
    GEOINR_REQUIRE_DATA_FILE(path, "disdat/NSW/border.gpkg");
    OccurrenceOptions options;
    options.singleSpecies = "border";
    options.sourceCrs = "EPSG:4326";
    const std::string message = readError(path, options);
    EXPECT_NE(message.find(path + ": layer '"), std::string::npos) << message;
    EXPECT_NE(message.find("Polygon geometry; occurrences must be points"), std::string::npos)
        << message;
}

TEST(OgrReader, LayerWithoutCrsNeedsSourceCrs)
{
    TempDir dir;
    const std::string path = dir.file("nocrs.gpkg");
    writeLayer(path, "GPKG", "pts", std::nullopt, {{"A", 10.5, 20.25, 0}});
    EXPECT_EQ(readError(path), path + ": layer 'pts' has no CRS; set sourceCrs (e.g. EPSG:4326) "
                                      "to say what the coordinates are");
    OccurrenceOptions options;
    options.sourceCrs = "EPSG:4326";
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t.lon.front(), 10.5);
    EXPECT_EQ(t.lat.front(), 20.25);
}

TEST(OgrReader, LayerSelectionAndBadFeatures)
{
    TempDir dir;
    const std::string path = dir.file("two.gpkg");
    writeLayer(path, "GPKG", "first", 4326, {{"A", 1, 2, 0}});
    writeLayer(path, "GPKG", "second", 4326, {{"B", 3, 4, 0}, {"", 5, 6, 0}, {"C", 5, 96, 0}});
    EXPECT_EQ(readOccurrences(path).speciesNames, (std::vector<std::string>{"A"}));

    OccurrenceOptions options;
    options.layer = "third";
    EXPECT_EQ(readError(path, options), path + ": no layer 'third'; layers are: first, second");

    options.layer = "second";
    EXPECT_EQ(readError(path, options),
              path + ": layer 'second' feature 2: field 'species' is empty (to skip and count bad "
                     "rows instead: --skip-invalid)");
    options.skipInvalid = true;
    const OccurrenceTable t = readOccurrences(path, options);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t.speciesNames, (std::vector<std::string>{"B"}));
    EXPECT_EQ(t.skippedRows, 2u);
    EXPECT_EQ(t.skippedExamples.back(),
              path + ": layer 'second' feature 3: point y value '96' out of range [-90, 90]");
}

TEST(OgrReader, MissingSpeciesFieldAndUnreadableFile)
{
    TempDir dir;
    const std::string path = dir.file("x.gpkg");
    writeLayer(path, "GPKG", "pts", 4326, {{"A", 1, 2, 0}});
    OccurrenceOptions options;
    options.speciesColumn = "taxonName";
    EXPECT_EQ(readError(path, options),
              path + ": layer 'pts': no field 'taxonName' (speciesColumn); fields are: species, "
                     "elev");
    const std::string junk = geoinr::test::writeText(dir.file("junk.gpkg"), "not a geopackage");
    EXPECT_EQ(readError(junk).rfind("cannot open '" + junk + "' as a vector dataset: ", 0), 0u);
}
