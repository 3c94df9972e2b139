// SPDX-License-Identifier: MIT
// Shared pieces of the figures (private to geoinr::report): fonts, tick choice, axes, legends.
#pragma once

#include <geoinr/report/render.h>

#include <QFont>
#include <QPainter>
#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace geoinr::report::detail
{

inline constexpr int kTitlePx = 17;
inline constexpr int kLabelPx = 14;
inline constexpr int kTickPx = 12;

QFont font(int pixelSize, bool bold = false);
QString qs(const std::string& s);
/** A count with thousands separators ("24,300"). */
QString countText(double n);

/** A white ARGB image of the size, after ensureGuiApplication(). */
QImage blankImage(int width, int height);

/** Painter with antialiasing for lines and text. */
void setupPainter(QPainter& p);

/** Round tick positions inside [lo, hi], about `target` of them; `step` receives the spacing. */
std::vector<double> niceTicks(double lo, double hi, int target, double* step = nullptr);

/** A tick value with as many decimals as the step needs ("0.25", "10"). */
QString tickText(double value, double step);

/** The title centred in the band above `top`. */
void drawTitle(QPainter& p, int imageWidth, int top, const std::string& title);

using TickFormat = std::function<QString(double value, double step)>;

struct AxisSpec
{
    std::string label;
    std::vector<double> ticks;
    double step = 0.0;
    TickFormat format; ///< empty: tickText
};

/** Light grid lines at the ticks, left and bottom axes with ticks, tick labels and axis labels. */
void drawAxes(QPainter& p, const PlotFrame& f, const AxisSpec& x, const AxisSpec& y,
              bool gridLines = true);

/** What a legend entry shows before its text. */
enum class LegendSymbol
{
    Line,
    DashedLine,
    Box,
    Dot,
    Ring,
    HollowDot
};

struct LegendEntry
{
    QString text;
    QColor colour;
    LegendSymbol symbol = LegendSymbol::Line;
    double width = 2.0;    ///< line width or dot radius
    double penWidth = 2.0; ///< Ring only: the ring's line width
};

/** Width and height of a vertical legend box. */
QSizeF legendSize(const std::vector<LegendEntry>& entries);

/** A vertical legend on a white, lightly framed box with its top-left corner at `topLeft`. */
void drawLegend(QPainter& p, QPointF topLeft, const std::vector<LegendEntry>& entries);

/** A one-line legend centred on `centreX`, its text baseline band starting at `top`. */
void drawLegendRow(QPainter& p, double centreX, double top,
                   const std::vector<LegendEntry>& entries);

/** The symbol of an entry centred at `c`. */
void drawLegendSymbol(QPainter& p, QPointF c, const LegendEntry& e);

} // namespace geoinr::report::detail
