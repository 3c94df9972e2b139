// SPDX-License-Identifier: MIT
#include "drawing.h"

#include <QPolygonF>

#include <algorithm>

namespace geoinr::report
{
namespace
{

using namespace detail;

QPolygonF polyline(const PlotFrame& f, const RocCurve& c)
{
    QPolygonF poly;
    for (std::size_t i = 0; i < c.fpr.size() && i < c.tpr.size(); ++i)
    {
        poly << f.toPixel(c.fpr[i], c.tpr[i]);
    }
    return poly;
}

QString aucText(double auc)
{
    return QString::number(auc, 'f', 3);
}

} // namespace

RenderedFigure renderRoc(const RocFigure& fig)
{
    constexpr int kLeft = 84, kTop = 48, kSide = 560, kRight = 30, kBottom = 66;
    RenderedFigure out;
    out.image = blankImage(kLeft + kSide + kRight, kTop + kSide + kBottom);
    out.frame.area = QRectF(kLeft, kTop, kSide, kSide);
    const auto& f = out.frame;
    QPainter p(&out.image);
    setupPainter(p);
    drawTitle(p, out.image.width(), kTop, fig.title);
    AxisSpec x{"false-positive rate (1 − specificity)", niceTicks(0, 1, 5, nullptr), 0.2, {}};
    AxisSpec y{"true-positive rate (sensitivity)", x.ticks, 0.2, {}};
    drawAxes(p, f, x, y);

    std::vector<LegendEntry> legend;
    p.setClipRect(f.area.adjusted(-3, -3, 3, 3));
    p.setPen(QPen(QColor(140, 140, 140), 1.2, Qt::DashLine));
    p.drawLine(f.toPixel(0, 0), f.toPixel(1, 1));
    const bool distinct = fig.curves.size() <= kMaxDistinctCurves;
    if (!distinct)
    {
        double lo = 1.0, hi = 0.0;
        // Hundreds of curves: translucent, so that where many run together reads darker.
        auto colour = lightCurveColour();
        colour.setAlpha(fig.curves.size() > 50 ? 110 : 255);
        p.setPen(QPen(colour, 1.0));
        for (const auto& c : fig.curves)
        {
            p.drawPolyline(polyline(f, c));
            lo = std::min(lo, c.auc);
            hi = std::max(hi, c.auc);
        }
        legend.push_back({QStringLiteral("%1 %2 (AUC %3–%4)")
                              .arg(fig.curves.size())
                              .arg(qs(fig.curvesLabel), aucText(lo), aucText(hi)),
                          lightCurveColour(), LegendSymbol::Line, 1.5});
    }
    for (std::size_t i = 0; distinct && i < fig.curves.size(); ++i)
    {
        const auto& c = fig.curves[i];
        p.setPen(QPen(seriesColour(i), 2.0));
        p.drawPolyline(polyline(f, c));
        legend.push_back({QStringLiteral("%1 (AUC %2)").arg(qs(c.label), aucText(c.auc)),
                          seriesColour(i), LegendSymbol::Line, 2.0});
    }
    if (fig.highlighted)
    {
        p.setPen(QPen(highlightColour(), 3.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(polyline(f, *fig.highlighted));
        legend.push_back({QStringLiteral("%1 (%2 %3)")
                              .arg(qs(fig.highlighted->label), qs(fig.highlightedAucName),
                                   aucText(fig.highlighted->auc)),
                          highlightColour(), LegendSymbol::Line, 3.0});
    }
    legend.push_back(
        {QStringLiteral("chance"), QColor(140, 140, 140), LegendSymbol::DashedLine, 1.2});
    p.setClipping(false);
    const auto size = legendSize(legend);
    drawLegend(p, QPointF(f.area.right() - size.width() - 10, f.area.bottom() - size.height() - 10),
               legend);
    return out;
}

} // namespace geoinr::report
