// SPDX-License-Identifier: MIT
// Drawing figures (figures.h) with QPainter on QImage. Text needs a QGuiApplication (fonts come
// from the platform plugin); ensureGuiApplication() creates one when the process has none, so the
// CLI draws without a display.
#pragma once

#include <geoinr/report/figures.h>

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QRectF>

namespace geoinr::report
{

/**
 * Makes sure a QGuiApplication exists. When there is no Qt application object, sets
 * QT_QPA_PLATFORM=offscreen (only if unset, so a user's choice wins) and creates one that lives
 * until the process exits: Qt allows one application object per process and tears down its fonts
 * with it, so it must outlive every QImage drawn with text. It then also installs a Qt message
 * handler that keeps only critical and fatal messages (the platform's warnings are noise on a
 * command line), and restores the C locale Qt's constructor changes. Call from the main thread.
 * Throws Error when the process has a QCoreApplication that is not a QGuiApplication (no fonts).
 */
void ensureGuiApplication();

/** Viridis colour of t in [0, 1] (clamped; matplotlib's map, linear between 11 stops). */
QColor viridis(double t);

/** Colours of the figures (Okabe-Ito, colour-blind safe). */
QColor presenceColour();            ///< histogram series 0; the map's presence dots
QColor absenceColour();             ///< histogram series 1
QColor highlightColour();           ///< the highlighted (mean) ROC curve
QColor seriesColour(std::size_t i); ///< i-th distinct ROC curve / histogram series from 2 on
QColor lightCurveColour(); ///< curves when there are more than kMaxDistinctCurves (opaque part)

/** Data coordinates (x right, y up) of a plot area in pixels. */
struct PlotFrame
{
    QRectF area;
    double xMin = 0.0, xMax = 1.0, yMin = 0.0, yMax = 1.0;
    QPointF toPixel(double x, double y) const;
};

/** An image and where its data lie in it (tests and callers adding their own marks use this). */
struct RenderedFigure
{
    QImage image;
    PlotFrame frame;  ///< for maps: x = lon, y = lat
    QRectF colourBar; ///< maps only: the Viridis bar, vmin at the bottom, vmax at the top
};

RenderedFigure renderRoc(const RocFigure& figure);
RenderedFigure renderHistogram(const HistogramFigure& figure);
/** Throws InvalidArgument when the extent is empty, the grid's values or the outline do not
 *  match its size, or sites and siteValues differ in length. */
RenderedFigure renderMap(const MapFigure& figure);
RenderedFigure renderFigure(const Figure& figure);

} // namespace geoinr::report
