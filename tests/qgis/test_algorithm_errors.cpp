// SPDX-License-Identifier: MIT
// What a user sees for bad input: each algorithm fails with a QgsProcessingException whose message
// names the layer, field, feature or file and what was expected, and leaves no output behind.
#include "qgis_test_util.h"
#include "test_util.h"
#include "tiny_models.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <qgsfeature.h>
#include <qgsgeometry.h>
#include <qgsvectorlayer.h>

#include <memory>

using geoinr::test::bradypusFile;
using geoinr::test::runAlgorithm;

namespace
{

std::unique_ptr<QgsVectorLayer> memoryLayer(const QString& uri,
                                            const QList<QPair<QString, QgsGeometry>>& rows)
{
    auto layer =
        std::make_unique<QgsVectorLayer>(uri, QStringLiteral("points"), QStringLiteral("memory"));
    QgsFeatureList features;
    for (const auto& [species, geometry] : rows)
    {
        QgsFeature f(layer->fields());
        f.setAttributes(QgsAttributes() << species);
        f.setGeometry(geometry);
        features << f;
    }
    layer->dataProvider()->addFeatures(features);
    return layer;
}

QgsGeometry point(double x, double y)
{
    return QgsGeometry::fromPointXY(QgsPointXY(x, y));
}

/** Runs trainrange on `layer` and returns the error text (empty when it succeeded). */
QString trainError(QgsVectorLayer* layer, const QString& output, QVariantMap extra = {})
{
    QVariantMap p = {{QStringLiteral("INPUT"), QVariant::fromValue(layer)},
                     {QStringLiteral("SPECIES_FIELD"), QStringLiteral("species")},
                     {QStringLiteral("EPOCHS"), 1},
                     {QStringLiteral("OUTPUT"), output}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
    {
        p.insert(it.key(), it.value());
    }
    const auto run = runAlgorithm(QStringLiteral("trainrange"), p);
    return run.ok ? QString() : run.errors;
}

#define EXPECT_MESSAGE(text, fragment)                                                             \
    EXPECT_TRUE((text).contains(fragment)) << (text).toStdString()

} // namespace

TEST(QgisAlgorithmErrors, TrainingRejectsANonPointLayer)
{
    geoinr::test::TempDir dir;
    const auto out = QString::fromStdString(dir.file("m.ckpt"));
    auto polygons =
        memoryLayer(QStringLiteral("Polygon?crs=EPSG:4326&field=species:string"),
                    {{QStringLiteral("A"),
                      QgsGeometry::fromWkt(QStringLiteral("POLYGON((0 0,1 0,1 1,0 0))"))}});
    const auto error = trainError(polygons.get(), out);
    // Processing itself refuses a polygon source for a point parameter, or the algorithm does.
    EXPECT_FALSE(error.isEmpty());
    EXPECT_FALSE(QFile::exists(out));
}

TEST(QgisAlgorithmErrors, TrainingNamesTheFeatureWithAnEmptySpecies)
{
    geoinr::test::TempDir dir;
    const auto out = QString::fromStdString(dir.file("m.ckpt"));
    auto layer = memoryLayer(
        QStringLiteral("Point?crs=EPSG:4326&field=species:string"),
        {{QStringLiteral("Alpha"), point(10, 50)}, {QStringLiteral("  "), point(11, 51)}});
    const auto error = trainError(layer.get(), out);
    EXPECT_MESSAGE(error, QStringLiteral("points, feature 2: empty species in field 'species'"));
    EXPECT_FALSE(QFile::exists(out));
}

TEST(QgisAlgorithmErrors, TrainingNeedsASpeciesFieldOrName)
{
    geoinr::test::TempDir dir;
    auto layer = memoryLayer(QStringLiteral("Point?crs=EPSG:4326&field=species:string"),
                             {{QStringLiteral("Alpha"), point(10, 50)}});
    const auto error = trainError(layer.get(), QString::fromStdString(dir.file("m.ckpt")),
                                  {{QStringLiteral("SPECIES_FIELD"), QVariant()}});
    EXPECT_MESSAGE(error, QStringLiteral("choose a species field, or give one species name"));
}

TEST(QgisAlgorithmErrors, TrainingRejectsALayerWithoutCrs)
{
    geoinr::test::TempDir dir;
    auto layer = memoryLayer(QStringLiteral("Point?field=species:string"),
                             {{QStringLiteral("Alpha"), point(10, 50)}});
    layer->setCrs(QgsCoordinateReferenceSystem()); // QGIS may give new layers a default CRS
    const auto error = trainError(layer.get(), QString::fromStdString(dir.file("m.ckpt")));
    EXPECT_MESSAGE(error, QStringLiteral("points: the layer has no CRS"));
}

TEST(QgisAlgorithmErrors, TrainingRejectsACovariateRasterWithoutValidPixels)
{
    geoinr::test::TempDir dir;
    const auto raster = dir.file("empty.tif");
    {
        auto* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
        std::unique_ptr<GDALDataset> ds(
            driver->Create(raster.c_str(), 20, 10, 1, GDT_Float32, nullptr));
        const double gt[6] = {0, 1, 0, 60, 0, -1};
        ds->SetGeoTransform(const_cast<double*>(gt));
        ds->SetProjection(SRS_WKT_WGS84_LAT_LONG);
        ds->GetRasterBand(1)->SetNoDataValue(-9999);
        ds->GetRasterBand(1)->Fill(-9999);
    }
    const auto out = QString::fromStdString(dir.file("m.ckpt"));
    auto layer = memoryLayer(
        QStringLiteral("Point?crs=EPSG:4326&field=species:string"),
        {{QStringLiteral("Alpha"), point(10, 50)}, {QStringLiteral("Alpha"), point(12, 55)}});
    const auto error =
        trainError(layer.get(), out,
                   {{QStringLiteral("COVARIATES"), QVariantList{QString::fromStdString(raster)}}});
    EXPECT_FALSE(error.isEmpty());
    EXPECT_MESSAGE(error, QStringLiteral("no valid pixel at all in: empty"));
    EXPECT_FALSE(QFile::exists(out));
}

TEST(QgisAlgorithmErrors, EnvironmentInputNeedsCovariates)
{
    geoinr::test::TempDir dir;
    auto layer = memoryLayer(QStringLiteral("Point?crs=EPSG:4326&field=species:string"),
                             {{QStringLiteral("Alpha"), point(10, 50)}});
    const auto error = trainError(layer.get(), QString::fromStdString(dir.file("m.ckpt")),
                                  {{QStringLiteral("INPUT_MODE"), 2}});
    EXPECT_MESSAGE(error, QStringLiteral("Network input 'env' needs covariate rasters"));
}

TEST(QgisAlgorithmErrors, PredictionNamesAMissingCheckpointAndUnknownSpecies)
{
    geoinr::test::TempDir dir;
    const auto out = QString::fromStdString(dir.file("range.tif"));
    auto run =
        runAlgorithm(QStringLiteral("predictrange"),
                     {{QStringLiteral("CHECKPOINT"), QString::fromStdString(dir.file("nope.ckpt"))},
                      {QStringLiteral("OUTPUT"), out}});
    EXPECT_FALSE(run.ok);
    EXPECT_MESSAGE(run.errors, QStringLiteral("nope.ckpt"));

    const auto ckpt = QString::fromStdString(geoinr::test::trainTinyCoordsModel(dir.path()));
    run = runAlgorithm(QStringLiteral("predictrange"),
                       {{QStringLiteral("CHECKPOINT"), ckpt},
                        {QStringLiteral("SPECIES"), QStringLiteral("Alpha, Gama")},
                        {QStringLiteral("OUTPUT"), out}});
    EXPECT_FALSE(run.ok);
    EXPECT_MESSAGE(run.errors, QStringLiteral("Gama"));
    EXPECT_FALSE(QFile::exists(out));

    run = runAlgorithm(QStringLiteral("predictrange"),
                       {{QStringLiteral("CHECKPOINT"), ckpt},
                        {QStringLiteral("VALUES"), 1},
                        {QStringLiteral("THRESHOLD"), QStringLiteral("best_guess")},
                        {QStringLiteral("OUTPUT"), out}});
    EXPECT_FALSE(run.ok);
    EXPECT_MESSAGE(run.errors, QStringLiteral("best_guess"));

    run = runAlgorithm(QStringLiteral("predictrange"),
                       {{QStringLiteral("CHECKPOINT"), ckpt},
                        {QStringLiteral("SPECIES"), QStringLiteral("Alpha")},
                        {QStringLiteral("VALUES"), 4}, // embedding
                        {QStringLiteral("OUTPUT"), out}});
    EXPECT_FALSE(run.ok);
    EXPECT_MESSAGE(run.errors, QStringLiteral("Species: leave it empty with embedding values"));
    EXPECT_FALSE(QFile::exists(out));

    run = runAlgorithm(QStringLiteral("virtualrange"),
                       {{QStringLiteral("CHECKPOINT"), ckpt},
                        {QStringLiteral("SPECIES"), QStringLiteral("Gama")},
                        {QStringLiteral("OUTPUT"), QString::fromStdString(dir.file("v.geoinr"))}});
    EXPECT_FALSE(run.ok);
    EXPECT_MESSAGE(run.errors, QStringLiteral("Gama"));
    EXPECT_FALSE(QFile::exists(QString::fromStdString(dir.file("v.geoinr"))));
}

TEST(QgisAlgorithmErrors, CancelledPredictionLeavesNothing)
{
    geoinr::test::TempDir dir;
    const auto ckpt = QString::fromStdString(geoinr::test::trainTinyCoordsModel(dir.path()));
    const auto out = QString::fromStdString(dir.file("range.tif"));
    QgsProcessingContext context;
    context.setProject(QgsProject::instance());
    geoinr::test::RecordingFeedback feedback;
    feedback.cancel();
    bool ok = true;
    QgsApplication::processingRegistry()
        ->algorithmById(QStringLiteral("geoinr:predictrange"))
        ->run({{QStringLiteral("CHECKPOINT"), ckpt}, {QStringLiteral("OUTPUT"), out}}, context,
              &feedback, &ok);
    EXPECT_FALSE(ok);
    EXPECT_MESSAGE(feedback.errors, QStringLiteral("Cancelled"));
    EXPECT_FALSE(QFile::exists(out));
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(std::filesystem::path(dir.path())),
                            std::filesystem::directory_iterator{}),
              1); // the checkpoint only
}

TEST(QgisAlgorithmErrors, EvaluationNamesABadPresenceValue)
{
    geoinr::test::TempDir dir;
    const auto ckpt = QString::fromStdString(geoinr::test::trainTinyCoordsModel(dir.path()));
    auto layer = std::make_unique<QgsVectorLayer>(
        QStringLiteral("Point?crs=EPSG:4326&field=species:string&field=pa:integer"),
        QStringLiteral("survey"), QStringLiteral("memory"));
    QgsFeature f(layer->fields());
    f.setAttributes(QgsAttributes() << QStringLiteral("Alpha") << 2);
    f.setGeometry(point(147, -36));
    layer->dataProvider()->addFeature(f);
    const auto run = runAlgorithm(QStringLiteral("evaluate"),
                                  {{QStringLiteral("CHECKPOINT"), ckpt},
                                   {QStringLiteral("INPUT"), QVariant::fromValue(layer.get())},
                                   {QStringLiteral("SPECIES_FIELD"), QStringLiteral("species")},
                                   {QStringLiteral("PRESENCE_FIELD"), QStringLiteral("pa")},
                                   {QStringLiteral("OUTPUT"), QStringLiteral("memory:")}});
    EXPECT_FALSE(run.ok);
    EXPECT_MESSAGE(
        run.errors,
        QStringLiteral("survey, feature 1: field 'pa' is '2'; expected 1 (present) or 0"));
}
