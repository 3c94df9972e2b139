// SPDX-License-Identifier: MIT
// The range-explorer dock offscreen: species list and search, a selected species shown as a layer
// through the GEOINR driver, the threshold slider driving the renderer, "what lives here" against
// the model's own prediction, and errors on the status line.
#include "qgis_test_util.h"
#include "range_dock.h"
#include "species_filter_model.h"
#include "test_util.h"
#include "tiny_models.h"

#include <geoinr/core/predictor.h>

#include <QLabel>
#include <QTableWidget>
#include <gtest/gtest.h>
#include <qgsrasterlayer.h>
#include <qgssinglebandpseudocolorrenderer.h>

using geoinr::qgis::RangeDock;
using geoinr::qgis::SpeciesFilterModel;

TEST(SpeciesFilter, CaseInsensitiveLiteralSubstring)
{
    SpeciesFilterModel model;
    QStringList names;
    for (int i = 0; i < 10000; ++i)
    {
        names << QStringLiteral("Genus%1 species%2").arg(i % 97).arg(i);
    }
    names << QStringLiteral("Odd (name).x");
    model.setSpecies(names);
    EXPECT_EQ(model.rowCount(), 10001);
    model.setSearchText(QStringLiteral("genus5 SPECIES"));
    // Independent count: names whose genus number is exactly 5.
    int expected = 0;
    for (int i = 0; i < 10000; ++i)
    {
        expected += i % 97 == 5 ? 1 : 0;
    }
    EXPECT_EQ(model.rowCount(), expected);
    model.setSearchText(QStringLiteral("(NAME)."));
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.speciesAt(0), QStringLiteral("Odd (name).x"));
    model.setSearchText(QString());
    EXPECT_EQ(model.rowCount(), 10001);
}

TEST(RangeDock, OpensAModelShowsARangeAndAnswersWhatLivesHere)
{
    geoinr::test::TempDir dir;
    const auto model = geoinr::test::trainTinyEnvModel(dir.path());
    RangeDock dock(nullptr);
    ASSERT_TRUE(dock.openCheckpoint(QString::fromStdString(model.checkpoint)));
    EXPECT_EQ(dock.speciesModel()->rowCount(), 2);
    const auto* summary = dock.findChild<QLabel*>(QStringLiteral("modelSummary"));
    ASSERT_NE(summary, nullptr);
    EXPECT_TRUE(summary->text().contains(QStringLiteral("<b>Species</b>: 2")))
        << summary->text().toStdString();
    EXPECT_TRUE(summary->text().contains(QStringLiteral("temp"))); // the covariate

    dock.setSearchText(QStringLiteral("bet"));
    ASSERT_EQ(dock.speciesModel()->rowCount(), 1);
    EXPECT_EQ(dock.speciesModel()->speciesAt(0), QStringLiteral("Beta"));

    ASSERT_TRUE(dock.selectSpecies(QStringLiteral("Beta")));
    auto* layer = dock.rangeLayer();
    ASSERT_NE(layer, nullptr);
    EXPECT_TRUE(layer->isValid());
    EXPECT_EQ(QgsProject::instance()->mapLayer(layer->id()), layer);
    EXPECT_EQ(layer->dataProvider()->name(), QStringLiteral("gdal"));
    // The slider starts at Beta's stored max-TSS threshold.
    const auto predictor = geoinr::core::Predictor::load(model.checkpoint);
    const double maxTss =
        predictor->header().at("metadata").at("thresholds").at("max_tss").at(1).get<double>();
    EXPECT_NEAR(dock.threshold(), std::round(100 * maxTss) / 100, 1e-9);
    dock.setThreshold(0.7);
    auto* renderer = dynamic_cast<QgsSingleBandPseudoColorRenderer*>(layer->renderer());
    ASSERT_NE(renderer, nullptr);
    EXPECT_DOUBLE_EQ(renderer->classificationMin(), 0.7);
    EXPECT_DOUBLE_EQ(renderer->classificationMax(), 1.0);

    // What lives here: both species, most likely first, with the model's probabilities.
    ASSERT_EQ(dock.queryPoint(20.25, 32.25), 2);
    const auto* table = dock.findChild<QTableWidget*>(QStringLiteral("whatLivesHereTable"));
    ASSERT_NE(table, nullptr);
    const auto first = table->item(0, 0)->text();
    const auto p0 = table->item(0, 1)->text().toDouble();
    const auto p1 = table->item(1, 1)->text().toDouble();
    EXPECT_GE(p0, p1);
    const auto layerValue = [&](const QString& species)
    {
        dock.selectSpecies(species);
        bool ok = false;
        const double v =
            dock.rangeLayer()->dataProvider()->sample(QgsPointXY(20.25, 32.25), 1, &ok);
        EXPECT_TRUE(ok);
        return v;
    };
    // The map pixel centred on the point shows the same probability (the table rounds to 1e-3).
    EXPECT_NEAR(layerValue(first), p0, 6e-4);
    // Outside the covariate raster there is nothing to predict.
    EXPECT_EQ(dock.queryPoint(100.0, -50.0), 0);
}

TEST(RangeDock, ReportsABadCheckpointOnTheStatusLine)
{
    geoinr::test::TempDir dir;
    const auto bad = geoinr::test::writeText(dir.file("bad.ckpt"), "not a checkpoint");
    RangeDock dock(nullptr);
    EXPECT_FALSE(dock.openCheckpoint(QString::fromStdString(bad)));
    const auto* status = dock.findChild<QLabel*>(QStringLiteral("status"));
    ASSERT_NE(status, nullptr);
    EXPECT_TRUE(status->text().contains(QStringLiteral("bad.ckpt")))
        << status->text().toStdString();
    EXPECT_FALSE(dock.selectSpecies(QStringLiteral("Alpha")));
    EXPECT_EQ(dock.rangeLayer(), nullptr);
}
