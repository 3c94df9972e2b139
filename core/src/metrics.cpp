// SPDX-License-Identifier: MIT
#include "ranks.h"

#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace geoinr::core
{
namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void checkInputs(std::size_t labels, const std::vector<double>& scores, const char* metric)
{
    if (labels != scores.size())
    {
        throw InvalidArgument(
            fmt::format("{}: {} labels but {} scores", metric, labels, scores.size()));
    }
    for (std::size_t i = 0; i < scores.size(); ++i)
    {
        if (std::isnan(scores[i]))
        {
            throw InvalidArgument(fmt::format("{}: score {} is NaN", metric, i));
        }
    }
}

/** Indices sorted by descending score; ties keep their original order (stable). */
std::vector<std::size_t> descendingOrder(const std::vector<double>& scores)
{
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    return order;
}

} // namespace

double averagePrecision(const std::vector<std::uint8_t>& labels, const std::vector<double>& scores,
                        ApMode mode)
{
    checkInputs(labels.size(), scores, "average precision");
    const auto positives = static_cast<double>(
        std::count_if(labels.begin(), labels.end(), [](std::uint8_t l) { return l != 0; }));
    if (positives == 0.0)
    {
        return kNaN;
    }
    const auto order = descendingOrder(scores);
    double tp = 0.0, fp = 0.0, ap = 0.0, lastRecall = 0.0;
    for (std::size_t k = 0; k < order.size(); ++k)
    {
        (labels[order[k]] != 0 ? tp : fp) += 1.0;
        // Tie-aware: a step only where the next score differs (or at the end).
        const bool stepHere = mode == ApMode::Sinr || k + 1 == order.size() ||
                              scores[order[k + 1]] != scores[order[k]];
        if (!stepHere)
        {
            continue;
        }
        const double recall = tp / positives;
        const double precision =
            tp / std::max(tp + fp, static_cast<double>(std::numeric_limits<float>::epsilon()));
        ap += (recall - lastRecall) * precision;
        lastRecall = recall;
    }
    return ap;
}

double rocAuc(const std::vector<std::uint8_t>& labels, const std::vector<double>& scores)
{
    checkInputs(labels.size(), scores, "ROC-AUC");
    // Sum of the positives' mid-ranks (ascending, 1-based; ties share their average rank).
    // Mid-ranks are multiples of 1/2, so the sum is exact in any order.
    const auto ranks = detail::averageRanks(scores);
    double rankSumPositives = 0.0, nPos = 0.0;
    for (std::size_t i = 0; i < ranks.size(); ++i)
    {
        if (labels[i] != 0)
        {
            rankSumPositives += ranks[i];
            nPos += 1.0;
        }
    }
    const double nNeg = static_cast<double>(scores.size()) - nPos;
    if (nPos == 0.0 || nNeg == 0.0)
    {
        return kNaN;
    }
    return (rankSumPositives - nPos * (nPos + 1.0) / 2.0) / (nPos * nNeg);
}

double rSquared(const std::vector<double>& truth, const std::vector<double>& predicted)
{
    if (truth.size() != predicted.size() || truth.empty())
    {
        throw InvalidArgument(
            fmt::format("R^2: {} targets but {} predictions", truth.size(), predicted.size()));
    }
    const double mean =
        std::accumulate(truth.begin(), truth.end(), 0.0) / static_cast<double>(truth.size());
    double ssRes = 0.0, ssTot = 0.0;
    for (std::size_t i = 0; i < truth.size(); ++i)
    {
        ssRes += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
        ssTot += (truth[i] - mean) * (truth[i] - mean);
    }
    return ssTot == 0.0 ? kNaN : 1.0 - ssRes / ssTot;
}

std::vector<std::uint8_t> presenceLabels(std::size_t presences, std::size_t others)
{
    std::vector<std::uint8_t> labels(presences + others, 0);
    std::fill_n(labels.begin(), presences, 1);
    return labels;
}

double meanOfDefined(const std::vector<double>& values, std::size_t* countDefined)
{
    double sum = 0.0;
    std::size_t count = 0;
    for (double v : values)
    {
        if (std::isfinite(v))
        {
            sum += v;
            ++count;
        }
    }
    if (countDefined != nullptr)
    {
        *countDefined = count;
    }
    return count == 0 ? kNaN : sum / static_cast<double>(count);
}

} // namespace geoinr::core
