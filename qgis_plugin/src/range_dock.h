// SPDX-License-Identifier: MIT
// The interactive range-mapping dock: open a checkpoint, search its species, show a species'
// range as a layer computed on demand by the GEOINR GDAL driver, move a threshold slider, and
// click the map to list the species most likely there.
#pragma once

#include <QPointer>
#include <qgsdockwidget.h>

#include <memory>

class QgsFileWidget;
class QgsFilterLineEdit;
class QgsMapCanvas;
class QgsMapToolEmitPoint;
class QgsPointXY;
class QgsRasterLayer;
class QLabel;
class QListView;
class QSlider;
class QTableWidget;
class QToolButton;

namespace geoinr::rasters
{
class GridPredictor;
}

namespace geoinr::qgis
{

class SpeciesFilterModel;

class RangeDock : public QgsDockWidget
{
    Q_OBJECT

  public:
    /** `canvas` may be null (tests): the map tool is then unavailable. */
    explicit RangeDock(QgsMapCanvas* canvas, QWidget* parent = nullptr);
    ~RangeDock() override;

    /** The range layer shown now (null before a species is selected). */
    QgsRasterLayer* rangeLayer() const;
    /** The species list model (filtered view). */
    SpeciesFilterModel* speciesModel() const { return m_species; }
    /** The current threshold (probability) the view starts colouring at. */
    double threshold() const;

  public slots:
    /** Loads a checkpoint: species list, summary; errors go to the status line. */
    bool openCheckpoint(const QString& path);
    /** Filters the species list. */
    void setSearchText(const QString& text);
    /** Shows `species` as the range layer (replacing the previous one). */
    bool selectSpecies(const QString& species);
    /** Probability below which the range is not drawn (0..1). */
    void setThreshold(double probability);
    /** Fills the "what lives here" table for a WGS84 point; returns the rows shown. */
    int queryPoint(double lon, double lat);

  signals:
    void rangeLayerChanged(QgsRasterLayer* layer);

  private:
    void buildUi();
    void showError(const QString& message);
    void applyRenderer();
    void onCanvasClicked(const QgsPointXY& point);
    /** Where the .geoinr of a shown range goes: the QGIS profile's geoinr/ranges folder, so a
     *  saved project reopens the layer (a temporary file would vanish, and QGIS warns on exit
     *  about layers in temporary folders). */
    QString descriptorPath(const QString& species) const;

    QgsMapCanvas* m_canvas = nullptr;
    QgsFileWidget* m_checkpointWidget = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_status = nullptr;
    QgsFilterLineEdit* m_search = nullptr;
    QListView* m_list = nullptr;
    SpeciesFilterModel* m_species = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_thresholdLabel = nullptr;
    QToolButton* m_whatHereButton = nullptr;
    QTableWidget* m_whatHere = nullptr;
    QgsMapToolEmitPoint* m_tool = nullptr;

    QString m_checkpoint;
    std::shared_ptr<rasters::GridPredictor> m_allSpecies; ///< for "what lives here"
    QPointer<QgsRasterLayer> m_layer;
};

} // namespace geoinr::qgis
