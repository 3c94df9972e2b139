// SPDX-License-Identifier: MIT
#include "range_dock.h"

#include "algorithm_base.h"
#include "model_queries.h"
#include "species_filter_model.h"

#include <geoinr/core/predictor.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/range_raster.h>
#include <geoinr/rasters/virtual_raster.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QSlider>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <qgsapplication.h>
#include <qgscolorrampshader.h>
#include <qgscoordinatetransform.h>
#include <qgsexception.h>
#include <qgsfilewidget.h>
#include <qgsfilterlineedit.h>
#include <qgsmapcanvas.h>
#include <qgsmaptoolemitpoint.h>
#include <qgsproject.h>
#include <qgsrasterlayer.h>
#include <qgsrastershader.h>
#include <qgssinglebandpseudocolorrenderer.h>
#include <qgsstyle.h>

namespace geoinr::qgis
{

RangeDock::RangeDock(QgsMapCanvas* canvas, QWidget* parent)
    : QgsDockWidget(tr("GeoINR range explorer"), parent), m_canvas(canvas)
{
    setObjectName(QStringLiteral("GeoInrRangeDock"));
    buildUi();
}

RangeDock::~RangeDock()
{
    if (m_canvas != nullptr && m_tool != nullptr && m_canvas->mapTool() == m_tool)
    {
        m_canvas->unsetMapTool(m_tool);
    }
    if (m_layer)
    {
        QgsProject::instance()->removeMapLayer(m_layer->id());
    }
}

void RangeDock::buildUi()
{
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);

    m_checkpointWidget = new QgsFileWidget(body);
    m_checkpointWidget->setObjectName(QStringLiteral("checkpointPath"));
    m_checkpointWidget->setFilter(tr("GeoINR checkpoints (*.ckpt);;All files (*)"));
    m_checkpointWidget->setDialogTitle(tr("Open a GeoINR model checkpoint"));
    connect(m_checkpointWidget, &QgsFileWidget::fileChanged, this,
            [this](const QString& path) { openCheckpoint(path); });
    layout->addWidget(new QLabel(tr("Model checkpoint"), body));
    layout->addWidget(m_checkpointWidget);

    m_summary = new QLabel(body);
    m_summary->setObjectName(QStringLiteral("modelSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    layout->addWidget(m_summary);

    m_search = new QgsFilterLineEdit(body);
    m_search->setObjectName(QStringLiteral("speciesSearch"));
    m_search->setShowSearchIcon(true);
    m_search->setPlaceholderText(tr("Search species…"));
    layout->addWidget(m_search);

    m_species = new SpeciesFilterModel(this);
    m_list = new QListView(body);
    m_list->setObjectName(QStringLiteral("speciesList"));
    m_list->setModel(m_species);
    m_list->setUniformItemSizes(true); // keeps layout O(1) with thousands of rows
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_list, 2);
    connect(m_search, &QLineEdit::textChanged, this, &RangeDock::setSearchText);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current)
            {
                if (current.isValid())
                {
                    selectSpecies(m_species->speciesAt(current.row()));
                }
            });

    auto* thresholdRow = new QHBoxLayout();
    m_slider = new QSlider(Qt::Horizontal, body);
    m_slider->setObjectName(QStringLiteral("thresholdSlider"));
    m_slider->setRange(0, 100);
    m_thresholdLabel = new QLabel(body);
    thresholdRow->addWidget(new QLabel(tr("Threshold"), body));
    thresholdRow->addWidget(m_slider, 1);
    thresholdRow->addWidget(m_thresholdLabel);
    layout->addLayout(thresholdRow);
    connect(m_slider, &QSlider::valueChanged, this,
            [this](int v)
            {
                m_thresholdLabel->setText(QString::number(v / 100.0, 'f', 2));
                applyRenderer();
            });
    m_thresholdLabel->setText(QStringLiteral("0.00"));

    m_whatHereButton = new QToolButton(body);
    m_whatHereButton->setObjectName(QStringLiteral("whatLivesHereButton"));
    m_whatHereButton->setText(tr("What lives here? (click the map)"));
    m_whatHereButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_whatHereButton->setCheckable(true);
    m_whatHereButton->setEnabled(m_canvas != nullptr);
    layout->addWidget(m_whatHereButton);
    if (m_canvas != nullptr)
    {
        m_tool = new QgsMapToolEmitPoint(m_canvas);
        m_tool->setParent(this);
        connect(m_tool, &QgsMapToolEmitPoint::canvasClicked, this,
                [this](const QgsPointXY& p, Qt::MouseButton) { onCanvasClicked(p); });
        connect(m_whatHereButton, &QToolButton::toggled, this,
                [this](bool on)
                {
                    if (on)
                    {
                        m_canvas->setMapTool(m_tool);
                    }
                    else if (m_canvas->mapTool() == m_tool)
                    {
                        m_canvas->unsetMapTool(m_tool);
                    }
                });
        connect(m_tool, &QgsMapTool::deactivated, this,
                [this] { m_whatHereButton->setChecked(false); });
    }
    m_whatHere = new QTableWidget(0, 2, body);
    m_whatHere->setObjectName(QStringLiteral("whatLivesHereTable"));
    m_whatHere->setHorizontalHeaderLabels({tr("Species"), tr("Probability")});
    m_whatHere->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_whatHere->verticalHeader()->setVisible(false);
    m_whatHere->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_whatHere, 1);

    m_status = new QLabel(body);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    setWidget(body);
}

QgsRasterLayer* RangeDock::rangeLayer() const
{
    return m_layer.data();
}

double RangeDock::threshold() const
{
    return m_slider->value() / 100.0;
}

void RangeDock::showError(const QString& message)
{
    m_status->setText(
        QStringLiteral("<span style=\"color:#b00\">%1</span>").arg(message.toHtmlEscaped()));
}

bool RangeDock::openCheckpoint(const QString& path)
{
    if (path.isEmpty() || path == m_checkpoint)
    {
        return !path.isEmpty();
    }
    try
    {
        rasters::GridPredictorOptions all; // every species, probabilities
        auto predictor = std::make_shared<rasters::GridPredictor>(toStd(path), all);
        QStringList names;
        names.reserve(predictor->bandCount());
        for (const auto& n : predictor->bandNames())
        {
            names << toQ(n);
        }
        m_species->setSpecies(names);
        m_summary->setText(modelSummaryHtml(predictor->predictor().header()));
        m_allSpecies = std::move(predictor);
        m_checkpoint = path;
        if (m_checkpointWidget->filePath() != path)
        {
            const QSignalBlocker block(m_checkpointWidget);
            m_checkpointWidget->setFilePath(path);
        }
        m_status->setText(tr("%n species", nullptr, names.size()));
        return true;
    }
    catch (const std::exception& e)
    {
        showError(toQ(e.what()));
        return false;
    }
}

void RangeDock::setSearchText(const QString& text)
{
    m_species->setSearchText(text);
    if (m_search->text() != text)
    {
        const QSignalBlocker block(m_search);
        m_search->setText(text);
    }
}

bool RangeDock::selectSpecies(const QString& species)
{
    if (!m_allSpecies)
    {
        showError(tr("Open a checkpoint first"));
        return false;
    }
    ensureGdalDriverRegistered();
    try
    {
        rasters::VirtualRasterSpec spec;
        spec.checkpoint = toStd(m_checkpoint);
        spec.model.species = {toStd(species)};
        m_allSpecies->predictor().speciesIndex(spec.model.species.front()); // names near misses
        const auto path = descriptorPath(species);
        rasters::writeVirtualRaster(spec, toStd(path));
        auto* layer =
            new QgsRasterLayer(path, tr("Range: %1").arg(species), QStringLiteral("gdal"));
        if (!layer->isValid())
        {
            const auto why = layer->error().summary();
            delete layer;
            showError(tr("%1: the GEOINR driver cannot open it: %2").arg(path, why));
            return false;
        }
        if (m_layer)
        {
            QgsProject::instance()->removeMapLayer(m_layer->id());
        }
        m_layer = layer;
        // Start the slider at the species' max-TSS threshold when training stored one.
        const auto& meta = m_allSpecies->predictor().header().at("metadata");
        const auto stored = meta.value("thresholds", nlohmann::json::object());
        if (stored.contains("max_tss"))
        {
            const auto i = m_allSpecies->predictor().speciesIndex(toStd(species));
            const QSignalBlocker block(m_slider);
            m_slider->setValue(static_cast<int>(std::lround(
                100.0 * stored.at("max_tss").at(static_cast<std::size_t>(i)).get<double>())));
            m_thresholdLabel->setText(QString::number(threshold(), 'f', 2));
        }
        applyRenderer();
        QgsProject::instance()->addMapLayer(layer);
        m_status->setText(tr("Showing %1 (computed on demand)").arg(species));
        emit rangeLayerChanged(layer);
        return true;
    }
    catch (const std::exception& e)
    {
        showError(toQ(e.what()));
        return false;
    }
}

QString RangeDock::descriptorPath(const QString& species) const
{
    const QDir folder(QgsApplication::qgisSettingsDirPath() + QStringLiteral("geoinr/ranges"));
    folder.mkpath(QStringLiteral("."));
    // One file per (checkpoint, species): the hash keeps models with the same species apart.
    const auto model = QString::fromLatin1(
        QCryptographicHash::hash(QFileInfo(m_checkpoint).absoluteFilePath().toUtf8(),
                                 QCryptographicHash::Sha1)
            .toHex()
            .left(10));
    return folder.filePath(toQ(rasters::speciesFileName(toStd(species))) + QStringLiteral("_") +
                           model + QStringLiteral(".geoinr"));
}

void RangeDock::setThreshold(double probability)
{
    m_slider->setValue(static_cast<int>(std::lround(100.0 * std::clamp(probability, 0.0, 1.0))));
}

void RangeDock::applyRenderer()
{
    if (!m_layer)
    {
        return;
    }
    // Probabilities from the threshold to 1 on a colour ramp; below it nothing is drawn (clip).
    const double lo = std::min(threshold(), 0.99);
    std::unique_ptr<QgsColorRamp> ramp(
        QgsStyle::defaultStyle()->colorRamp(QStringLiteral("Viridis")));
    auto* function = new QgsColorRampShader(lo, 1.0);
    function->setColorRampType(QgsColorRampShader::Interpolated);
    QList<QgsColorRampShader::ColorRampItem> items;
    for (int k = 0; k <= 4; ++k)
    {
        const double t = k / 4.0;
        const QColor colour = ramp ? ramp->color(t) : QColor::fromHsvF(0.33, 1.0 - 0.8 * t, 0.9);
        items << QgsColorRampShader::ColorRampItem(lo + (1.0 - lo) * t, colour,
                                                   QString::number(lo + (1.0 - lo) * t, 'f', 2));
    }
    function->setColorRampItemList(items);
    function->setClip(true);
    auto* shader = new QgsRasterShader(lo, 1.0);
    shader->setRasterShaderFunction(function);
    auto* renderer = new QgsSingleBandPseudoColorRenderer(m_layer->dataProvider(), 1, shader);
    renderer->setClassificationMin(lo);
    renderer->setClassificationMax(1.0);
    m_layer->setRenderer(renderer);
    m_layer->triggerRepaint();
}

int RangeDock::queryPoint(double lon, double lat)
{
    m_whatHere->setRowCount(0);
    if (!m_allSpecies)
    {
        showError(tr("Open a checkpoint first"));
        return 0;
    }
    try
    {
        const auto top = mostLikelySpecies(*m_allSpecies, lon, lat, 10);
        m_whatHere->setRowCount(static_cast<int>(top.size()));
        for (int r = 0; r < static_cast<int>(top.size()); ++r)
        {
            m_whatHere->setItem(r, 0, new QTableWidgetItem(toQ(top[r].species)));
            m_whatHere->setItem(r, 1,
                                new QTableWidgetItem(QString::number(top[r].probability, 'f', 3)));
        }
        m_status->setText(
            top.empty() ? tr("No covariates at %1, %2").arg(lon).arg(lat)
                        : tr("Most likely at %1, %2").arg(lon, 0, 'f', 4).arg(lat, 0, 'f', 4));
        return static_cast<int>(top.size());
    }
    catch (const std::exception& e)
    {
        showError(toQ(e.what()));
        return 0;
    }
}

void RangeDock::onCanvasClicked(const QgsPointXY& point)
{
    const QgsCoordinateTransform toWgs84(m_canvas->mapSettings().destinationCrs(),
                                         QgsCoordinateReferenceSystem(QStringLiteral("EPSG:4326")),
                                         QgsProject::instance()->transformContext());
    try
    {
        const auto p = toWgs84.transform(point);
        queryPoint(p.x(), p.y());
    }
    catch (const QgsCsException& e)
    {
        showError(tr("Cannot transform the clicked point to WGS 84: %1").arg(e.what()));
    }
}

} // namespace geoinr::qgis
