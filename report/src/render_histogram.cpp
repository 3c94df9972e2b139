// SPDX-License-Identifier: MIT
#include "drawing.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace geoinr::report
{
namespace
{

using namespace detail;

QColor histogramColour(std::size_t series)
{
    if (series == 0)
    {
        return presenceColour();
    }
    return series == 1 ? absenceColour() : seriesColour(series);
}

} // namespace

RenderedFigure renderHistogram(const HistogramFigure& fig)
{
    const std::size_t bins = fig.series.empty() ? 0 : fig.series.front().counts.size();
    for (const auto& s : fig.series)
    {
        if (s.counts.size() != bins || bins == 0)
        {
            throw InvalidArgument(fmt::format(
                "histogram '{}': series '{}' has {} bins, expected {} (and at least one)",
                fig.title, s.label, s.counts.size(), bins));
        }
    }
    if (!(fig.hi > fig.lo))
    {
        throw InvalidArgument(fmt::format("histogram '{}': expected hi > lo, got [{}, {}]",
                                          fig.title, fig.lo, fig.hi));
    }
    constexpr int kLeft = 84, kTop = 78, kWidth = 686, kHeight = 380, kRight = 30, kBottom = 66;
    RenderedFigure out;
    out.image = blankImage(kLeft + kWidth + kRight, kTop + kHeight + kBottom);

    // Heights, and a y range ending on a round tick above the tallest bar.
    std::vector<std::vector<double>> heights;
    std::vector<double> totals;
    double tallest = 0.0;
    for (const auto& s : fig.series)
    {
        const double total = std::accumulate(s.counts.begin(), s.counts.end(), 0.0);
        totals.push_back(total);
        auto h = s.counts;
        if (fig.normalise && total > 0.0)
        {
            for (auto& v : h)
            {
                v /= total;
            }
        }
        tallest = std::max(tallest, *std::max_element(h.begin(), h.end()));
        heights.push_back(std::move(h));
    }
    double yStep = 0.0;
    niceTicks(0.0, tallest > 0.0 ? tallest : 1.0, 5, &yStep);
    const double yMax = std::max(1.0, std::ceil(tallest / yStep - 1e-9)) * yStep;
    out.frame = {QRectF(kLeft, kTop, kWidth, kHeight), fig.lo, fig.hi, 0.0, yMax};
    const auto& f = out.frame;

    QPainter p(&out.image);
    setupPainter(p);
    drawTitle(p, out.image.width(), kTop, fig.title);
    double xStep = 0.0;
    AxisSpec x{fig.xLabel, niceTicks(fig.lo, fig.hi, 5, &xStep), 0.0, {}};
    x.step = xStep;
    AxisSpec y{fig.normalise ? "fraction of each group" : "count",
               niceTicks(0.0, yMax, 5, nullptr),
               yStep,
               {}};
    drawAxes(p, f, x, y);

    // Side-by-side bars in each bin, so no colour hides another.
    const double binWidth = f.area.width() / static_cast<double>(bins);
    const double barWidth =
        binWidth * 0.85 / static_cast<double>(std::max<std::size_t>(1, heights.size()));
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    for (std::size_t s = 0; s < heights.size(); ++s)
    {
        p.setBrush(histogramColour(s));
        for (std::size_t b = 0; b < bins; ++b)
        {
            const double left = f.area.left() + static_cast<double>(b) * binWidth +
                                binWidth * 0.075 + static_cast<double>(s) * barWidth;
            const double top = f.toPixel(0.0, heights[s][b]).y();
            p.drawRect(QRectF(left, top, barWidth, f.area.bottom() - top));
        }
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(Qt::black, 1.2));
    p.drawLine(f.area.bottomLeft(), f.area.bottomRight());

    std::vector<LegendEntry> legend;
    for (std::size_t s = 0; s < fig.series.size(); ++s)
    {
        legend.push_back(
            {QStringLiteral("%1 (n = %2)").arg(qs(fig.series[s].label), countText(totals[s])),
             histogramColour(s), LegendSymbol::Box, 0.0});
    }
    drawLegendRow(p, f.area.center().x(), kTop - 28, legend);
    return out;
}

} // namespace geoinr::report
