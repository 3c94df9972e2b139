// SPDX-License-Identifier: MIT
#include <geoinr/report/render.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace geoinr::report
{
namespace
{

// matplotlib's viridis(t) at t = 0, 0.1, ..., 1 (#440154, #482475, ..., #fde725); linear
// between them stays within a few units of its 256-entry table.
constexpr std::array<std::array<int, 3>, 11> kViridisStops = {{{68, 1, 84},
                                                               {72, 36, 117},
                                                               {65, 68, 135},
                                                               {53, 95, 141},
                                                               {42, 120, 142},
                                                               {33, 145, 140},
                                                               {34, 168, 132},
                                                               {68, 191, 112},
                                                               {122, 209, 81},
                                                               {189, 223, 38},
                                                               {253, 231, 37}}};

} // namespace

QColor viridis(double t)
{
    if (std::isnan(t))
    {
        t = 0.0;
    }
    const double x = std::clamp(t, 0.0, 1.0) * 10.0;
    const auto i = static_cast<std::size_t>(std::min(std::floor(x), 9.0));
    const double f = x - static_cast<double>(i);
    const auto& a = kViridisStops[i];
    const auto& b = kViridisStops[i + 1];
    const auto mix = [f](int u, int v)
    {
        return static_cast<int>(std::lround(u + f * (v - u)));
    };
    return {mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2])};
}

QColor presenceColour()
{
    return {213, 94, 0}; // Okabe-Ito vermillion
}

QColor absenceColour()
{
    return {0, 114, 178}; // Okabe-Ito blue
}

QColor highlightColour()
{
    return {213, 94, 0};
}

QColor seriesColour(std::size_t i)
{
    // Okabe-Ito, without black and yellow (too light on white).
    static const std::array<QColor, 6> kColours = {QColor(0, 114, 178),  QColor(230, 159, 0),
                                                   QColor(0, 158, 115),  QColor(204, 121, 167),
                                                   QColor(86, 180, 233), QColor(120, 120, 120)};
    return kColours[i % kColours.size()];
}

QColor lightCurveColour()
{
    return {150, 175, 205};
}

} // namespace geoinr::report
