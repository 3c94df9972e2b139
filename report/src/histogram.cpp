// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/report/roc.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace geoinr::report
{

void addToHistogram(std::vector<double>& counts, const std::vector<double>& values, double lo,
                    double hi)
{
    if (counts.empty() || !(hi > lo))
    {
        throw InvalidArgument(fmt::format(
            "histogram: expected at least one bin and hi > lo, got {} bins over [{}, {}]",
            counts.size(), lo, hi));
    }
    const auto bins = static_cast<double>(counts.size());
    for (double v : values)
    {
        if (std::isnan(v))
        {
            continue;
        }
        const double b = std::floor((v - lo) / (hi - lo) * bins);
        counts[static_cast<std::size_t>(std::clamp(b, 0.0, bins - 1.0))] += 1.0;
    }
}

std::vector<double> histogramCounts(const std::vector<double>& values, double lo, double hi,
                                    std::size_t bins)
{
    std::vector<double> counts(bins, 0.0);
    addToHistogram(counts, values, lo, hi);
    return counts;
}

} // namespace geoinr::report
