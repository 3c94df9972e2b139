// SPDX-License-Identifier: MIT
// Every geoinr:* algorithm through QGIS's processing API on the bundled Bradypus data: training
// from a projected point layer, range rasters equal to `geoinr predict`, the requested CRS and
// extent, virtual rasters read through the GEOINR driver, the evaluation table, and the messages
// users get for bad input.
#include "qgis_test_util.h"
#include "raster_pixels.h"
#include "run_cli.h"
#include "test_util.h"

#include <geoinr/core/predictor.h>
#include <geoinr/rasters/presence_absence_evaluation.h>
#include <geoinr/rasters/virtual_raster.h>

#include <QFile>
#include <QTextStream>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <qgscoordinatetransform.h>
#include <qgsfeature.h>
#include <qgsgeometry.h>
#include <qgsprocessingutils.h>
#include <qgsrasterdataprovider.h>
#include <qgsrasterlayer.h>
#include <qgsvectorlayer.h>

#include <fstream>
#include <memory>

namespace fs = std::filesystem;
using geoinr::test::bradypusFile;
using geoinr::test::runAlgorithm;

namespace
{

const QString kSpecies = QStringLiteral("Bradypus variegatus");

/** The bundled presences as a memory layer in `crs` (transformed from WGS84 by QGIS). */
std::unique_ptr<QgsVectorLayer> bradypusLayer(const QString& crs = QStringLiteral("EPSG:4326"))
{
    auto layer =
        std::make_unique<QgsVectorLayer>(QStringLiteral("Point?crs=%1&field=taxon:string").arg(crs),
                                         QStringLiteral("bradypus"), QStringLiteral("memory"));
    const QgsCoordinateTransform fromWgs84(
        QgsCoordinateReferenceSystem(QStringLiteral("EPSG:4326")),
        QgsCoordinateReferenceSystem(crs), QgsProject::instance()->transformContext());
    QFile file(bradypusFile(QStringLiteral("bradypus.csv")));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly));
    QTextStream in(&file);
    in.readLine(); // header: species,lon,lat
    QgsFeatureList features;
    while (!in.atEnd())
    {
        const auto parts = in.readLine().split(',');
        if (parts.size() != 3)
        {
            continue;
        }
        QgsFeature f(layer->fields());
        f.setAttributes(QgsAttributes() << parts[0]);
        f.setGeometry(QgsGeometry::fromPointXY(
            fromWgs84.transform(QgsPointXY(parts[1].toDouble(), parts[2].toDouble()))));
        features << f;
    }
    layer->dataProvider()->addFeatures(features);
    return layer;
}

class QgisAlgorithms : public ::testing::Test
{
  protected:
    static void SetUpTestSuite()
    {
        dir = new geoinr::test::TempDir;
        checkpoint = dir->file("bradypus.ckpt");
        // Training from a projected layer: the points come back to lon/lat through QGIS.
        auto layer = bradypusLayer(QStringLiteral("EPSG:3857"));
        trainRun = new geoinr::test::AlgorithmRun(
            runAlgorithm(QStringLiteral("trainrange"),
                         {{QStringLiteral("INPUT"), QVariant::fromValue(layer.get())},
                          {QStringLiteral("SPECIES_FIELD"), QStringLiteral("taxon")},
                          {QStringLiteral("COVARIATES"),
                           QVariantList{bradypusFile(QStringLiteral("sa_bio_stack.tif"))}},
                          {QStringLiteral("PSEUDO_ABSENCES"), 1}, // valid_area
                          {QStringLiteral("POS_WEIGHT"), 16.0},
                          {QStringLiteral("EPOCHS"), 40},
                          {QStringLiteral("OUTPUT"), QString::fromStdString(checkpoint)}}));
    }
    static void TearDownTestSuite()
    {
        delete trainRun;
        delete dir;
    }
    static geoinr::test::TempDir* dir;
    static std::string checkpoint;
    static geoinr::test::AlgorithmRun* trainRun;

    QString ckpt() const { return QString::fromStdString(checkpoint); }
    QString out(const std::string& name) const { return QString::fromStdString(dir->file(name)); }
};

geoinr::test::TempDir* QgisAlgorithms::dir = nullptr;
std::string QgisAlgorithms::checkpoint;
geoinr::test::AlgorithmRun* QgisAlgorithms::trainRun = nullptr;

} // namespace

TEST_F(QgisAlgorithms, TrainsFromAProjectedPointLayer)
{
    ASSERT_TRUE(trainRun->ok) << trainRun->errors.toStdString();
    EXPECT_EQ(trainRun->results.value(QStringLiteral("OUTPUT")).toString(), ckpt());
    EXPECT_EQ(trainRun->results.value(QStringLiteral("SPECIES_COUNT")).toInt(), 1);
    EXPECT_EQ(trainRun->results.value(QStringLiteral("RECORDS")).toLongLong(), 116);
    EXPECT_DOUBLE_EQ(trainRun->progress, 100.0);
    const auto model = geoinr::core::Predictor::load(checkpoint);
    EXPECT_EQ(model->speciesNames(), std::vector<std::string>{kSpecies.toStdString()});
    const auto& meta = model->header().at("metadata");
    EXPECT_EQ(meta.at("covariates").at("kind"), "rasters");
    EXPECT_EQ(meta.at("training").at("epochs"), 40);
    EXPECT_EQ(meta.at("training").at("pseudo_absences"), "valid_area");
    EXPECT_EQ(model->header().at("model").at("input"), "env+coords"); // automatic input mode
    EXPECT_EQ(meta.at("data").at("source_layer"), "bradypus");
    // Nothing but the checkpoint is left in the output folder (no temporary files).
    for (const auto& entry : fs::directory_iterator(fs::path(dir->path())))
    {
        EXPECT_TRUE(entry.path().filename() == "bradypus.ckpt" ||
                    entry.path().extension() != ".tmp")
            << entry.path();
    }
}

TEST_F(QgisAlgorithms, PredictedRasterEqualsGeoinrPredict)
{
    ASSERT_TRUE(trainRun->ok);
    const auto tif = out("qgis_range.tif");
    const auto run =
        runAlgorithm(QStringLiteral("predictrange"),
                     {{QStringLiteral("CHECKPOINT"), ckpt()},
                      {QStringLiteral("SPECIES"), kSpecies},
                      {QStringLiteral("EXTENT"), QStringLiteral("-80,-40,-30,10 [EPSG:4326]")},
                      {QStringLiteral("CRS"), QStringLiteral("EPSG:4326")},
                      {QStringLiteral("RESOLUTION"), 0.25},
                      {QStringLiteral("OUTPUT"), tif}});
    ASSERT_TRUE(run.ok) << run.errors.toStdString();
    EXPECT_EQ(run.results.value(QStringLiteral("OUTPUT")).toString(), tif);
    EXPECT_DOUBLE_EQ(run.progress, 100.0);

    const auto cli = dir->file("cli_range.tif");
    const auto r =
        geoinr::test::run("predict " + checkpoint + " --species \"" + kSpecies.toStdString() +
                          "\" --extent -80 -30 -40 10 --resolution 0.25 -q -o " + cli);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    int w = 0, h = 0;
    const auto fromQgis = geoinr::test::readFile(tif.toStdString(), &w, &h);
    EXPECT_EQ(w, 160);
    EXPECT_EQ(h, 160);
    const auto fromCli = geoinr::test::readFile(cli);
    ASSERT_EQ(fromQgis.size(), fromCli.size());
    EXPECT_EQ(std::memcmp(fromQgis.data(), fromCli.data(), fromQgis.size() * sizeof(float)), 0);
    // The model maps something: land pixels with probabilities, nodata (-1) over the ocean.
    EXPECT_GT(*std::max_element(fromQgis.begin(), fromQgis.end()), 0.5F);
    EXPECT_EQ(*std::min_element(fromQgis.begin(), fromQgis.end()), -1.0F);

    QgsRasterLayer layer(tif, QStringLiteral("r"), QStringLiteral("gdal"));
    ASSERT_TRUE(layer.isValid());
    EXPECT_EQ(layer.crs().authid(), QStringLiteral("EPSG:4326"));
    EXPECT_EQ(layer.extent(), QgsRectangle(-80, -30, -40, 10));
}

TEST_F(QgisAlgorithms, EmbeddingAndLogitValuesEqualGeoinrPredict)
{
    ASSERT_TRUE(trainRun->ok);
    const std::vector<std::pair<int, std::string>> choices = {{2, "logit"}, {4, "embedding"}};
    for (const auto& [index, name] : choices)
    {
        SCOPED_TRACE(name);
        const auto tif = out("qgis_" + name + ".tif");
        const auto run =
            runAlgorithm(QStringLiteral("predictrange"),
                         {{QStringLiteral("CHECKPOINT"), ckpt()},
                          {QStringLiteral("EXTENT"), QStringLiteral("-80,-40,-30,10 [EPSG:4326]")},
                          {QStringLiteral("RESOLUTION"), 1.0},
                          {QStringLiteral("VALUES"), index},
                          {QStringLiteral("OUTPUT"), tif}});
        ASSERT_TRUE(run.ok) << run.errors.toStdString();
        const auto cli = dir->file("cli_" + name + ".tif");
        const auto r = geoinr::test::run("predict " + checkpoint + " --values " + name +
                                         " --extent -80 -30 -40 10 --resolution 1 -q -o " + cli);
        ASSERT_EQ(r.exitCode, 0) << r.output;
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(tif.toUtf8().constData()));
        ASSERT_TRUE(ds);
        const auto model = geoinr::core::Predictor::load(checkpoint);
        EXPECT_EQ(ds->GetRasterCount(), name == "embedding" ? model->embeddingDim() : 1);
        const auto fromQgis = geoinr::test::readFile(tif.toStdString());
        const auto fromCli = geoinr::test::readFile(cli);
        ASSERT_EQ(fromQgis.size(), fromCli.size());
        EXPECT_EQ(std::memcmp(fromQgis.data(), fromCli.data(), fromQgis.size() * sizeof(float)), 0);
    }
}

TEST_F(QgisAlgorithms, ProjectedOutputUsesTheExtentReprojected)
{
    ASSERT_TRUE(trainRun->ok);
    const auto tif = out("range_3857.tif");
    const auto run =
        runAlgorithm(QStringLiteral("predictrange"),
                     {{QStringLiteral("CHECKPOINT"), ckpt()},
                      {QStringLiteral("EXTENT"), QStringLiteral("-75,-45,-25,5 [EPSG:4326]")},
                      {QStringLiteral("CRS"), QStringLiteral("EPSG:3857")},
                      {QStringLiteral("RESOLUTION"), 50000.0},
                      {QStringLiteral("VALUES"), 1},
                      {QStringLiteral("THRESHOLD"), QStringLiteral("max_tss")},
                      {QStringLiteral("FORMAT"), 1},
                      {QStringLiteral("OUTPUT"), tif}});
    ASSERT_TRUE(run.ok) << run.errors.toStdString();
    QgsRasterLayer layer(tif, QStringLiteral("r"), QStringLiteral("gdal"));
    ASSERT_TRUE(layer.isValid());
    EXPECT_EQ(layer.crs().authid(), QStringLiteral("EPSG:3857"));
    const QgsCoordinateTransform ct(QgsCoordinateReferenceSystem(QStringLiteral("EPSG:4326")),
                                    QgsCoordinateReferenceSystem(QStringLiteral("EPSG:3857")),
                                    QgsProject::instance()->transformContext());
    const auto expected = ct.transformBoundingBox(QgsRectangle(-75, -25, -45, 5));
    EXPECT_NEAR(layer.extent().xMinimum(), expected.xMinimum(), 1e-3);
    EXPECT_NEAR(layer.extent().yMaximum(), expected.yMaximum(), 1e-3);
    EXPECT_NEAR(layer.rasterUnitsPerPixelX(), 50000.0, 1e-6);
    // Binary values only: 0, 1 and nodata 255; both classes present.
    const auto v = geoinr::test::readFile(tif.toStdString());
    EXPECT_TRUE(
        std::all_of(v.begin(), v.end(), [](float x) { return x == 0 || x == 1 || x == 255; }));
    EXPECT_NE(std::find(v.begin(), v.end(), 1.0F), v.end());
    EXPECT_NE(std::find(v.begin(), v.end(), 0.0F), v.end());
    // COG: internal overviews.
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(tif.toUtf8().constData()));
    ASSERT_TRUE(ds);
    EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
}

TEST_F(QgisAlgorithms, VirtualRasterOpensInQgisWithTheSamePixels)
{
    ASSERT_TRUE(trainRun->ok);
    const auto descriptor = out("range.geoinr");
    QgsProcessingContext context;
    const auto run =
        runAlgorithm(QStringLiteral("virtualrange"),
                     {{QStringLiteral("CHECKPOINT"), ckpt()},
                      {QStringLiteral("EXTENT"), QStringLiteral("-80,-40,-30,10 [EPSG:4326]")},
                      {QStringLiteral("RESOLUTION"), 0.25},
                      {QStringLiteral("LOAD"), true},
                      {QStringLiteral("OUTPUT"), descriptor}},
                     context);
    ASSERT_TRUE(run.ok) << run.errors.toStdString();
    EXPECT_EQ(run.results.value(QStringLiteral("OUTPUT")).toString(), descriptor);
    EXPECT_TRUE(context.layersToLoadOnCompletion().contains(descriptor));
    EXPECT_EQ(context.layersToLoadOnCompletion().value(descriptor).name, QStringLiteral("range"));

    const auto tif = out("virtual_reference.tif");
    ASSERT_TRUE(
        runAlgorithm(QStringLiteral("predictrange"),
                     {{QStringLiteral("CHECKPOINT"), ckpt()},
                      {QStringLiteral("EXTENT"), QStringLiteral("-80,-40,-30,10 [EPSG:4326]")},
                      {QStringLiteral("RESOLUTION"), 0.25},
                      {QStringLiteral("OUTPUT"), tif}})
            .ok);
    QgsRasterLayer virtualLayer(descriptor, QStringLiteral("v"), QStringLiteral("gdal"));
    ASSERT_TRUE(virtualLayer.isValid()) << virtualLayer.error().summary().toStdString();
    EXPECT_EQ(virtualLayer.width(), 160) << geoinr::rasters::formatVirtualRaster(
        geoinr::rasters::readVirtualRaster(descriptor.toStdString()));
    EXPECT_EQ(virtualLayer.bandName(1).contains(kSpecies), true)
        << virtualLayer.bandName(1).toStdString();
    QgsRasterLayer reference(tif, QStringLiteral("t"), QStringLiteral("gdal"));
    int compared = 0;
    for (double lon = -79.9; lon < -40; lon += 3.7)
    {
        for (double lat = -29.9; lat < 10; lat += 2.9)
        {
            bool ok1 = false, ok2 = false;
            const double a = virtualLayer.dataProvider()->sample(QgsPointXY(lon, lat), 1, &ok1);
            const double b = reference.dataProvider()->sample(QgsPointXY(lon, lat), 1, &ok2);
            EXPECT_EQ(ok1, ok2) << lon << " " << lat;
            if (ok1 && ok2)
            {
                EXPECT_EQ(a, b) << lon << " " << lat;
                ++compared;
            }
        }
    }
    EXPECT_GT(compared, 20);
}

TEST_F(QgisAlgorithms, EvaluationTableMatchesTheSiteTableProtocol)
{
    ASSERT_TRUE(trainRun->ok);
    // Presences: the bundled records; absences: a regular grid over the southern cone and the
    // Caribbean, far from the species (its range is the Amazon and Central America). In
    // EPSG:3857 so the layer goes through a transformation.
    auto layer = std::make_unique<QgsVectorLayer>(
        QStringLiteral("Point?crs=EPSG:3857&field=sp:string&field=found:integer"),
        QStringLiteral("survey"), QStringLiteral("memory"));
    const QgsCoordinateTransform to3857(QgsCoordinateReferenceSystem(QStringLiteral("EPSG:4326")),
                                        QgsCoordinateReferenceSystem(QStringLiteral("EPSG:3857")),
                                        QgsProject::instance()->transformContext());
    std::string csv = "lon,lat," + kSpecies.toStdString() + "\n";
    QgsFeatureList features;
    auto add = [&](double lon, double lat, int found)
    {
        QgsFeature f(layer->fields());
        f.setAttributes(QgsAttributes() << kSpecies << found);
        f.setGeometry(QgsGeometry::fromPointXY(to3857.transform(QgsPointXY(lon, lat))));
        features << f;
        csv += fmt::format("{},{},{}\n", lon, lat, found);
    };
    const auto presences = bradypusLayer();
    auto it = presences->getFeatures();
    QgsFeature f;
    while (it.nextFeature(f))
    {
        add(f.geometry().asPoint().x(), f.geometry().asPoint().y(), 1);
    }
    for (double lon = -70; lon <= -58; lon += 3)
    {
        for (double lat = -40; lat <= -28; lat += 3)
        {
            add(lon, lat, 0);
        }
    }
    QgsFeature other(layer->fields());
    other.setAttributes(QgsAttributes() << QStringLiteral("Choloepus hoffmanni") << 1);
    other.setGeometry(QgsGeometry::fromPointXY(to3857.transform(QgsPointXY(-75, 5))));
    features << other;
    layer->dataProvider()->addFeatures(features);

    QgsProcessingContext context;
    const auto report = out("evaluation.html");
    const auto run = runAlgorithm(QStringLiteral("evaluate"),
                                  {{QStringLiteral("CHECKPOINT"), ckpt()},
                                   {QStringLiteral("INPUT"), QVariant::fromValue(layer.get())},
                                   {QStringLiteral("SPECIES_FIELD"), QStringLiteral("sp")},
                                   {QStringLiteral("PRESENCE_FIELD"), QStringLiteral("found")},
                                   {QStringLiteral("OUTPUT"), QStringLiteral("memory:")},
                                   {QStringLiteral("REPORT"), report}},
                                  context);
    ASSERT_TRUE(run.ok) << run.errors.toStdString();
    auto* table = qobject_cast<QgsVectorLayer*>(QgsProcessingUtils::mapLayerFromString(
        run.results.value(QStringLiteral("OUTPUT")).toString(), context));
    ASSERT_NE(table, nullptr);
    ASSERT_EQ(table->featureCount(), 1);
    QgsFeature row;
    table->getFeatures().nextFeature(row);
    EXPECT_EQ(row.attribute(QStringLiteral("species")).toString(), kSpecies);
    EXPECT_EQ(row.attribute(QStringLiteral("presences")).toInt(), 116);

    // The same sites through the wide CSV protocol of `geoinr evaluate presence-absence`.
    const auto wide = geoinr::rasters::evaluatePresenceAbsence(
        {checkpoint, geoinr::test::writeText(dir->file("sites.csv"), csv)});
    const auto expectedAuc = wide.at("per_species").at(0).at("auc").get<double>();
    // Sites without covariates (2 presences on the coast) are left out by both.
    EXPECT_EQ(row.attribute(QStringLiteral("sites")).toInt(),
              wide.at("per_species").at(0).at("sites").get<int>());
    EXPECT_GT(row.attribute(QStringLiteral("sites")).toInt(), 116 + 25 - 5);
    EXPECT_NEAR(row.attribute(QStringLiteral("auc")).toDouble(), expectedAuc, 1e-9);
    EXPECT_NEAR(run.results.value(QStringLiteral("MEAN_AUC")).toDouble(), expectedAuc, 1e-9);
    EXPECT_GT(expectedAuc, 0.9); // absences far from a well-sampled range
    std::ifstream html(report.toStdString());
    const std::string text((std::istreambuf_iterator<char>(html)),
                           std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("Mean ROC-AUC"), std::string::npos);
    EXPECT_NE(text.find("1 records of species the model does not have"), std::string::npos) << text;
}
