// SPDX-License-Identifier: MIT
#include "drawing.h"

#include <geoinr/core/error.h>

#include <QFontMetricsF>
#include <QLineF>
#include <QVector>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace geoinr::report
{
namespace
{

using namespace detail;

constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxPlotWidth = 900, kMaxPlotHeight = 600;
constexpr int kLeft = 84, kTop = 78, kBottom = 64, kBarGap = 22, kBarWidth = 18, kRight = 130;

void validate(const MapFigure& fig)
{
    const auto& e = fig.extent;
    if (!(e.east > e.west) || !(e.north > e.south) || e.south < -90.0 || e.north > 90.0)
    {
        throw InvalidArgument(fmt::format(
            "map '{}': extent west {} east {} south {} north {} is empty or off the globe",
            fig.title, e.west, e.east, e.south, e.north));
    }
    const auto& g = fig.grid;
    if (g.values.size() != g.width * g.height)
    {
        throw InvalidArgument(fmt::format("map '{}': grid of {} x {} cells has {} values",
                                          fig.title, g.width, g.height, g.values.size()));
    }
    if (!fig.outline.empty() && fig.outline.size() != g.values.size())
    {
        throw InvalidArgument(fmt::format("map '{}': outline has {} cells, the grid {}", fig.title,
                                          fig.outline.size(), g.values.size()));
    }
    if (fig.sites.lon.size() != fig.sites.lat.size() ||
        fig.siteValues.size() != fig.sites.lon.size() ||
        fig.presences.lon.size() != fig.presences.lat.size() ||
        fig.absences.lon.size() != fig.absences.lat.size())
    {
        throw InvalidArgument(fmt::format(
            "map '{}': point lists differ in length ({} site lon, {} lat, {} values; {}/{} "
            "presence lon/lat; {}/{} absence lon/lat)",
            fig.title, fig.sites.lon.size(), fig.sites.lat.size(), fig.siteValues.size(),
            fig.presences.lon.size(), fig.presences.lat.size(), fig.absences.lon.size(),
            fig.absences.lat.size()));
    }
    if (!(fig.vmax > fig.vmin))
    {
        throw InvalidArgument(
            fmt::format("map '{}': colour range [{}, {}] is empty", fig.title, fig.vmin, fig.vmax));
    }
}

/** Plot area: longitudes scaled by cos(mid-latitude), fitted into the maximum size. */
QRectF plotArea(const LonLatExtent& e)
{
    const double midLat = (e.south + e.north) / 2.0;
    const double kx = std::max(0.1, std::cos(midLat * kPi / 180.0));
    const double dataW = (e.east - e.west) * kx, dataH = e.north - e.south;
    const double scale = std::min(kMaxPlotWidth / dataW, kMaxPlotHeight / dataH);
    return {static_cast<double>(kLeft), static_cast<double>(kTop), std::round(dataW * scale),
            std::round(dataH * scale)};
}

QString degreeText(double v, double step, const char* negative, const char* positive)
{
    if (v == 0.0)
    {
        return QStringLiteral("0°");
    }
    return tickText(std::abs(v), step) + QStringLiteral("°") + (v < 0 ? negative : positive);
}

/** Graticule lines at degree steps a map reader expects (30, 45 or 60 degrees rather than 50 or
 *  100 on a world map), about `target` of them. */
std::vector<double> graticule(double lo, double hi, double target, double* step)
{
    static const double kSteps[] = {0.01, 0.02, 0.05, 0.1,  0.2,  0.25, 0.5,  1.0,  2.0,
                                    2.5,  5.0,  10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0};
    const double raw = (hi - lo) / std::max(3.0, target);
    *step = 90.0;
    for (double s : kSteps)
    {
        if (s >= raw)
        {
            *step = s;
            break;
        }
    }
    std::vector<double> ticks;
    const double eps = *step * 1e-9;
    for (double t = std::ceil((lo - eps) / *step) * *step; t <= hi + eps; t += *step)
    {
        ticks.push_back(std::abs(t) < eps ? 0.0 : t);
    }
    return ticks;
}

double normalised(const MapFigure& fig, double v)
{
    return (v - fig.vmin) / (fig.vmax - fig.vmin);
}

void drawGrid(QPainter& p, const PlotFrame& f, const MapFigure& fig)
{
    const auto& g = fig.grid;
    QImage raster(static_cast<int>(g.width), static_cast<int>(g.height), QImage::Format_ARGB32);
    raster.fill(Qt::transparent);
    for (std::size_t r = 0; r < g.height; ++r)
    {
        auto* line = reinterpret_cast<QRgb*>(raster.scanLine(static_cast<int>(r)));
        for (std::size_t c = 0; c < g.width; ++c)
        {
            const double v = g.values[r * g.width + c];
            if (std::isfinite(v))
            {
                line[c] = viridis(normalised(fig, v)).rgba();
            }
        }
    }
    const QRectF target(f.toPixel(g.extent.west, g.extent.north),
                        f.toPixel(g.extent.east, g.extent.south));
    p.save();
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(target, raster);
    p.restore();
}

/** Edges between outlined cells and the others (or the grid's border). */
void drawOutline(QPainter& p, const PlotFrame& f, const MapFigure& fig)
{
    const auto& g = fig.grid;
    const double cw = (g.extent.east - g.extent.west) / static_cast<double>(g.width);
    const double ch = (g.extent.north - g.extent.south) / static_cast<double>(g.height);
    const auto inside = [&](std::ptrdiff_t r, std::ptrdiff_t c)
    {
        return r >= 0 && c >= 0 && r < static_cast<std::ptrdiff_t>(g.height) &&
               c < static_cast<std::ptrdiff_t>(g.width) &&
               fig.outline[static_cast<std::size_t>(r) * g.width + static_cast<std::size_t>(c)] !=
                   0;
    };
    QVector<QLineF> lines;
    for (std::ptrdiff_t r = 0; r < static_cast<std::ptrdiff_t>(g.height); ++r)
    {
        for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(g.width); ++c)
        {
            if (!inside(r, c))
            {
                continue;
            }
            const double w = g.extent.west + static_cast<double>(c) * cw, e = w + cw;
            const double n = g.extent.north - static_cast<double>(r) * ch, s = n - ch;
            if (!inside(r - 1, c))
                lines << QLineF(f.toPixel(w, n), f.toPixel(e, n));
            if (!inside(r + 1, c))
                lines << QLineF(f.toPixel(w, s), f.toPixel(e, s));
            if (!inside(r, c - 1))
                lines << QLineF(f.toPixel(w, s), f.toPixel(w, n));
            if (!inside(r, c + 1))
                lines << QLineF(f.toPixel(e, s), f.toPixel(e, n));
        }
    }
    p.setPen(QPen(QColor(230, 0, 60), 1.4));
    p.drawLines(lines);
}

double siteRadius(std::size_t n)
{
    return n < 2000 ? 4.5 : (n < 8000 ? 3.5 : 2.5);
}

void drawSites(QPainter& p, const PlotFrame& f, const MapFigure& fig)
{
    // Low values first, so the few high ones are not buried.
    std::vector<std::size_t> order(fig.siteValues.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b)
                     { return fig.siteValues[a] < fig.siteValues[b]; });
    const double r = siteRadius(order.size());
    p.setPen(QPen(QColor(40, 40, 40, 90), 0.6));
    for (auto i : order)
    {
        if (!std::isfinite(fig.siteValues[i]))
        {
            continue;
        }
        p.setBrush(viridis(normalised(fig, fig.siteValues[i])));
        p.drawEllipse(f.toPixel(fig.sites.lon[i], fig.sites.lat[i]), r, r);
    }
}

LegendEntry presenceEntry(const MapFigure& fig)
{
    const auto text = QStringLiteral("%1 (n = %2)")
                          .arg(qs(fig.presenceLabel), countText(fig.presences.lon.size()));
    if (fig.presenceMarker == PresenceMarker::Ring)
    {
        // Thin rings hugging the dots where sites are dense, so the colours stay visible.
        const bool dense = fig.sites.lon.size() >= 2000;
        return {text, Qt::black, LegendSymbol::Ring,
                siteRadius(fig.sites.lon.size()) + (dense ? 1.0 : 2.5), dense ? 1.0 : 2.0};
    }
    return {text, presenceColour(), LegendSymbol::Dot, 4.0};
}

void drawPoints(QPainter& p, const PlotFrame& f, const MapFigure& fig)
{
    p.setPen(QPen(QColor(50, 50, 50), 1.2));
    p.setBrush(Qt::white);
    for (std::size_t i = 0; i < fig.absences.lon.size(); ++i)
    {
        p.drawEllipse(f.toPixel(fig.absences.lon[i], fig.absences.lat[i]), 3.0, 3.0);
    }
    const auto marker = presenceEntry(fig);
    for (std::size_t i = 0; i < fig.presences.lon.size(); ++i)
    {
        drawLegendSymbol(p, f.toPixel(fig.presences.lon[i], fig.presences.lat[i]), marker);
    }
}

QRectF drawColourBar(QPainter& p, const PlotFrame& f, const MapFigure& fig)
{
    const int x = static_cast<int>(f.area.right()) + kBarGap;
    const int top = static_cast<int>(f.area.top());
    const int h = static_cast<int>(f.area.height());
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int i = 0; i < h; ++i)
    {
        // Row 0 (top) is vmax, the last row vmin: the endpoints are exactly Viridis's ends.
        const double t = h > 1 ? 1.0 - static_cast<double>(i) / (h - 1) : 1.0;
        p.fillRect(QRect(x, top + i, kBarWidth, 1), viridis(t));
    }
    p.restore();
    const QRectF bar(x, top, kBarWidth, h);
    p.setPen(QPen(QColor(80, 80, 80), 1.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar.adjusted(-0.5, -0.5, 0.5, 0.5));
    p.setPen(QPen(Qt::black, 1.0));
    double step = 0.0;
    const auto ticks = niceTicks(fig.vmin, fig.vmax, 5, &step);
    p.setFont(font(kTickPx));
    const QFontMetricsF fm(p.font());
    double widest = 0.0;
    for (double t : ticks)
    {
        const double y = bar.bottom() - (t - fig.vmin) / (fig.vmax - fig.vmin) * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
        const auto text = tickText(t, step);
        widest = std::max(widest, fm.horizontalAdvance(text));
        p.drawText(QRectF(bar.right() + 7, y - fm.height() / 2, 60, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, text);
    }
    p.setFont(font(kLabelPx));
    const QFontMetricsF lm(p.font());
    p.save();
    p.translate(bar.right() + 12 + widest + 4, bar.center().y());
    p.rotate(90);
    p.drawText(QRectF(-bar.height() / 2, -lm.height(), bar.height(), lm.height() + 2),
               Qt::AlignHCenter, qs(fig.valueLabel));
    p.restore();
    return bar;
}

} // namespace

LonLatExtent extentOfPoints(const std::vector<double>& lon, const std::vector<double>& lat,
                            double padFraction)
{
    LonLatExtent e{180.0, -180.0, 90.0, -90.0};
    for (std::size_t i = 0; i < lon.size() && i < lat.size(); ++i)
    {
        e.west = std::min(e.west, lon[i]);
        e.east = std::max(e.east, lon[i]);
        e.south = std::min(e.south, lat[i]);
        e.north = std::max(e.north, lat[i]);
    }
    if (e.west > e.east)
    {
        return {};
    }
    const double padX = std::max(0.01, (e.east - e.west) * padFraction);
    const double padY = std::max(0.01, (e.north - e.south) * padFraction);
    return {std::max(-180.0, e.west - padX), std::min(180.0, e.east + padX),
            std::max(-90.0, e.south - padY), std::min(90.0, e.north + padY)};
}

RenderedFigure renderMap(const MapFigure& fig)
{
    validate(fig);
    const auto& e = fig.extent;
    RenderedFigure out;
    out.frame = {plotArea(e), e.west, e.east, e.south, e.north};
    const auto& f = out.frame;
    out.image = blankImage(static_cast<int>(f.area.right()) + kBarGap + kBarWidth + kRight,
                           static_cast<int>(f.area.bottom()) + kBottom);
    QPainter p(&out.image);
    setupPainter(p);
    drawTitle(p, out.image.width(), kTop, fig.title);
    const bool hasGrid = fig.grid.width > 0;
    p.fillRect(f.area, hasGrid ? QColor(222, 222, 222) : QColor(246, 246, 246));

    p.save();
    p.setClipRect(f.area);
    if (hasGrid)
    {
        drawGrid(p, f, fig);
    }
    // Graticule over the values, under the points.
    double lonStep = 0.0, latStep = 0.0;
    const auto lonTicks = graticule(e.west, e.east, f.area.width() / 120.0, &lonStep);
    const auto latTicks = graticule(e.south, e.north, f.area.height() / 75.0, &latStep);
    p.setPen(QPen(hasGrid ? QColor(255, 255, 255, 120) : QColor(205, 205, 205), 0.8));
    for (double t : lonTicks)
    {
        p.drawLine(f.toPixel(t, e.south), f.toPixel(t, e.north));
    }
    for (double t : latTicks)
    {
        p.drawLine(f.toPixel(e.west, t), f.toPixel(e.east, t));
    }
    drawSites(p, f, fig);
    if (!fig.outline.empty())
    {
        drawOutline(p, f, fig);
    }
    drawPoints(p, f, fig);
    p.restore();

    AxisSpec x{"longitude", lonTicks, lonStep,
               [](double v, double s)
               {
                   return degreeText(v, s, "W", "E");
               }};
    AxisSpec y{"latitude", latTicks, latStep,
               [](double v, double s)
               {
                   return degreeText(v, s, "S", "N");
               }};
    drawAxes(p, f, x, y, false);
    p.setPen(QPen(Qt::black, 1.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(f.area);
    out.colourBar = drawColourBar(p, f, fig);

    std::vector<LegendEntry> legend;
    if (!fig.sites.lon.empty())
    {
        legend.push_back({QStringLiteral("%1 (n = %2), coloured by value")
                              .arg(qs(fig.sitesLabel), countText(fig.sites.lon.size())),
                          viridis(0.6), LegendSymbol::Dot, siteRadius(fig.sites.lon.size())});
    }
    if (!fig.outline.empty())
    {
        legend.push_back({qs(fig.outlineLabel), QColor(230, 0, 60), LegendSymbol::Line, 1.6});
    }
    if (!fig.absences.lon.empty())
    {
        legend.push_back({QStringLiteral("%1 (n = %2)")
                              .arg(qs(fig.absenceLabel), countText(fig.absences.lon.size())),
                          QColor(50, 50, 50), LegendSymbol::HollowDot, 3.0});
    }
    if (!fig.presences.lon.empty())
    {
        legend.push_back(presenceEntry(fig));
    }
    drawLegendRow(p, f.area.center().x(), kTop - 28, legend);
    return out;
}

} // namespace geoinr::report
