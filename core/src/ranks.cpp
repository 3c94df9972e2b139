// SPDX-License-Identifier: MIT
#include "ranks.h"

#include <algorithm>
#include <numeric>

namespace geoinr::core::detail
{

std::vector<double> averageRanks(const std::vector<double>& values)
{
    const std::size_t n = values.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(n);
    for (std::size_t i = 0; i < n;)
    {
        std::size_t j = i;
        while (j + 1 < n && values[order[j + 1]] == values[order[i]])
        {
            ++j;
        }
        const double midRank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
        for (std::size_t m = i; m <= j; ++m)
        {
            ranks[order[m]] = midRank;
        }
        i = j + 1;
    }
    return ranks;
}

} // namespace geoinr::core::detail
