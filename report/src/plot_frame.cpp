// SPDX-License-Identifier: MIT
#include "drawing.h"

#include <QFontMetricsF>
#include <QLocale>

#include <algorithm>
#include <array>
#include <cmath>

namespace geoinr::report
{

QPointF PlotFrame::toPixel(double x, double y) const
{
    return {area.left() + (x - xMin) / (xMax - xMin) * area.width(),
            area.bottom() - (y - yMin) / (yMax - yMin) * area.height()};
}

namespace detail
{

QFont font(int pixelSize, bool bold)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setStyleHint(QFont::SansSerif);
    f.setPixelSize(pixelSize);
    f.setBold(bold);
    return f;
}

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString countText(double n)
{
    return QLocale(QLocale::English).toString(static_cast<qlonglong>(std::llround(n)));
}

QImage blankImage(int width, int height)
{
    ensureGuiApplication();
    QImage image(width, height, QImage::Format_ARGB32);
    image.fill(Qt::white);
    return image;
}

void setupPainter(QPainter& p)
{
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
}

std::vector<double> niceTicks(double lo, double hi, int target, double* stepOut)
{
    const double span = hi - lo;
    const double raw = span / std::max(target, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    {
        step = m * magnitude;
        if (step >= raw)
        {
            break;
        }
    }
    if (stepOut != nullptr)
    {
        *stepOut = step;
    }
    std::vector<double> ticks;
    const double eps = step * 1e-9;
    for (double t = std::ceil((lo - eps) / step) * step; t <= hi + eps; t += step)
    {
        ticks.push_back(std::abs(t) < eps ? 0.0 : t);
    }
    return ticks;
}

QString tickText(double value, double step)
{
    int decimals = 0;
    while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) -
                                    std::round(step * std::pow(10.0, decimals))) > 1e-6)
    {
        ++decimals;
    }
    return QString::number(value, 'f', decimals);
}

void drawTitle(QPainter& p, int imageWidth, int top, const std::string& title)
{
    p.setFont(font(kTitlePx, true));
    p.setPen(Qt::black);
    p.drawText(QRectF(10, 8, imageWidth - 20, top - 8), Qt::AlignHCenter | Qt::AlignTop, qs(title));
}

void drawAxes(QPainter& p, const PlotFrame& f, const AxisSpec& x, const AxisSpec& y, bool gridLines)
{
    const auto format = [](const AxisSpec& a, double v)
    {
        return a.format ? a.format(v, a.step) : tickText(v, a.step);
    };
    const QRectF& r = f.area;
    if (gridLines)
    {
        p.setPen(QPen(QColor(225, 225, 225), 1.0));
        for (double t : x.ticks)
        {
            const double px = f.toPixel(t, f.yMin).x();
            p.drawLine(QPointF(px, r.top()), QPointF(px, r.bottom()));
        }
        for (double t : y.ticks)
        {
            const double py = f.toPixel(f.xMin, t).y();
            p.drawLine(QPointF(r.left(), py), QPointF(r.right(), py));
        }
    }
    p.setPen(QPen(Qt::black, 1.2));
    p.drawLine(r.bottomLeft(), r.bottomRight());
    p.drawLine(r.bottomLeft(), r.topLeft());
    p.setFont(font(kTickPx));
    const QFontMetricsF fm(p.font());
    double widestY = 0.0;
    for (double t : x.ticks)
    {
        const double px = f.toPixel(t, f.yMin).x();
        p.drawLine(QPointF(px, r.bottom()), QPointF(px, r.bottom() + 5));
        p.drawText(QRectF(px - 50, r.bottom() + 7, 100, fm.height()), Qt::AlignHCenter,
                   format(x, t));
    }
    for (double t : y.ticks)
    {
        const double py = f.toPixel(f.xMin, t).y();
        const auto text = format(y, t);
        widestY = std::max(widestY, fm.horizontalAdvance(text));
        p.drawLine(QPointF(r.left() - 5, py), QPointF(r.left(), py));
        p.drawText(QRectF(r.left() - 108, py - fm.height() / 2, 100, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, text);
    }
    p.setFont(font(kLabelPx));
    const QFontMetricsF lm(p.font());
    p.drawText(QRectF(r.left(), r.bottom() + 10 + fm.height(), r.width(), lm.height() + 4),
               Qt::AlignHCenter, qs(x.label));
    p.save();
    p.translate(r.left() - 14 - widestY - lm.height(), r.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-r.height() / 2, 0, r.height(), lm.height() + 2), Qt::AlignHCenter,
               qs(y.label));
    p.restore();
}

namespace
{
constexpr double kSymbolWidth = 26.0;
constexpr double kPad = 8.0;
constexpr double kRowGap = 4.0;
} // namespace

void drawLegendSymbol(QPainter& p, QPointF c, const LegendEntry& e)
{
    p.save();
    switch (e.symbol)
    {
    case LegendSymbol::Line:
    case LegendSymbol::DashedLine:
        p.setPen(
            QPen(e.colour, e.width, e.symbol == LegendSymbol::Line ? Qt::SolidLine : Qt::DashLine));
        p.drawLine(QPointF(c.x() - kSymbolWidth / 2, c.y()),
                   QPointF(c.x() + kSymbolWidth / 2, c.y()));
        break;
    case LegendSymbol::Box:
        p.setPen(Qt::NoPen);
        p.setBrush(e.colour);
        p.drawRect(QRectF(c.x() - 7, c.y() - 6, 14, 12));
        break;
    case LegendSymbol::Dot:
        p.setPen(QPen(Qt::white, 1.2));
        p.setBrush(e.colour);
        p.drawEllipse(c, e.width, e.width);
        break;
    case LegendSymbol::HollowDot:
        p.setPen(QPen(e.colour, 1.2));
        p.setBrush(Qt::white);
        p.drawEllipse(c, e.width, e.width);
        break;
    case LegendSymbol::Ring:
        p.setPen(QPen(e.colour, e.penWidth));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(c, e.width, e.width);
        break;
    }
    p.restore();
}

QSizeF legendSize(const std::vector<LegendEntry>& entries)
{
    const QFontMetricsF fm(font(kTickPx));
    double width = 0.0;
    for (const auto& e : entries)
    {
        width = std::max(width, fm.horizontalAdvance(e.text));
    }
    const auto n = static_cast<double>(entries.size());
    return {kPad * 3 + kSymbolWidth + width, kPad * 2 + n * fm.height() + (n - 1) * kRowGap};
}

void drawLegend(QPainter& p, QPointF topLeft, const std::vector<LegendEntry>& entries)
{
    if (entries.empty())
    {
        return;
    }
    const auto size = legendSize(entries);
    p.save();
    p.setPen(QPen(QColor(190, 190, 190), 1.0));
    p.setBrush(QColor(255, 255, 255, 235));
    p.drawRoundedRect(QRectF(topLeft, size), 3, 3);
    p.setFont(font(kTickPx));
    const QFontMetricsF fm(p.font());
    double y = topLeft.y() + kPad;
    for (const auto& e : entries)
    {
        drawLegendSymbol(p, QPointF(topLeft.x() + kPad + kSymbolWidth / 2, y + fm.height() / 2), e);
        p.setPen(Qt::black);
        p.drawText(QRectF(topLeft.x() + 2 * kPad + kSymbolWidth, y, size.width(), fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, e.text);
        y += fm.height() + kRowGap;
    }
    p.restore();
}

void drawLegendRow(QPainter& p, double centreX, double top, const std::vector<LegendEntry>& entries)
{
    p.save();
    p.setFont(font(kTickPx));
    const QFontMetricsF fm(p.font());
    constexpr double kGap = 22.0;
    double total = 0.0;
    for (const auto& e : entries)
    {
        total += kSymbolWidth + 6 + fm.horizontalAdvance(e.text) + kGap;
    }
    double x = centreX - (total - kGap) / 2;
    for (const auto& e : entries)
    {
        drawLegendSymbol(p, QPointF(x + kSymbolWidth / 2, top + fm.height() / 2), e);
        x += kSymbolWidth + 6;
        p.setPen(Qt::black);
        const double w = fm.horizontalAdvance(e.text);
        p.drawText(QRectF(x, top, w + 2, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, e.text);
        x += w + kGap;
    }
    p.restore();
}

} // namespace detail
} // namespace geoinr::report
