// SPDX-License-Identifier: MIT
#include "ranks.h"

#include <geoinr/core/error.h>
#include <geoinr/core/sdm_metrics.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <utility>

namespace geoinr::core
{
namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void checkNoNaN(const std::vector<double>& scores, const char* metric, const char* what)
{
    for (std::size_t i = 0; i < scores.size(); ++i)
    {
        if (std::isnan(scores[i]))
        {
            throw InvalidArgument(fmt::format("{}: {} {} is NaN", metric, what, i));
        }
    }
}

void checkFinite(const std::vector<double>& scores, const char* metric, const char* what)
{
    for (std::size_t i = 0; i < scores.size(); ++i)
    {
        if (!std::isfinite(scores[i]))
        {
            throw InvalidArgument(fmt::format("{}: {} {} is {}, expected a finite value", metric,
                                              what, i, scores[i]));
        }
    }
}

void checkLabelsAndScores(std::size_t labels, const std::vector<double>& scores, const char* metric)
{
    if (labels != scores.size())
    {
        throw InvalidArgument(
            fmt::format("{}: {} labels but {} scores", metric, labels, scores.size()));
    }
    checkNoNaN(scores, metric, "score");
}

void checkThreshold(double threshold, const char* metric)
{
    if (std::isnan(threshold))
    {
        throw InvalidArgument(fmt::format("{}: threshold is NaN", metric));
    }
}

/** Items of `sorted` (ascending) in the closed interval [a, b]. */
std::uint64_t countIn(const std::vector<double>& sorted, double a, double b)
{
    const auto first = std::lower_bound(sorted.begin(), sorted.end(), a);
    const auto last = std::upper_bound(first, sorted.end(), b);
    return static_cast<std::uint64_t>(last - first);
}

/** Spearman's rank correlation; NaN when either side is constant or has fewer than 2 items. */
double spearman(const std::vector<double>& x, const std::vector<double>& y)
{
    if (x.size() < 2)
    {
        return kNaN;
    }
    const auto rx = detail::averageRanks(x);
    const auto ry = detail::averageRanks(y);
    const double n = static_cast<double>(x.size());
    const double meanX = std::accumulate(rx.begin(), rx.end(), 0.0) / n;
    const double meanY = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (std::size_t i = 0; i < rx.size(); ++i)
    {
        sxy += (rx[i] - meanX) * (ry[i] - meanY);
        sxx += (rx[i] - meanX) * (rx[i] - meanX);
        syy += (ry[i] - meanY) * (ry[i] - meanY);
    }
    if (sxx == 0.0 || syy == 0.0)
    {
        return kNaN;
    }
    return sxy / std::sqrt(sxx * syy);
}

/** Uniform integer in [0, bound) from raw 64-bit draws; rejection keeps it unbiased. */
std::uint64_t uniformBelow(std::mt19937_64& rng, std::uint64_t bound)
{
    // Draws below (2^64 mod bound) are rejected, leaving a multiple of `bound` equally likely
    // values.
    const std::uint64_t reject = (0 - bound) % bound;
    std::uint64_t r = rng();
    while (r < reject)
    {
        r = rng();
    }
    return r % bound;
}

/** Fisher–Yates shuffle, from the last position down (platform-independent, unlike std::shuffle).
 */
template <typename T> void shuffleInPlace(std::vector<T>& items, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    for (std::size_t i = items.size(); i > 1; --i)
    {
        const auto j = static_cast<std::size_t>(uniformBelow(rng, i));
        std::swap(items[i - 1], items[j]);
    }
}

void checkFoldCount(std::size_t n, int k, const char* what)
{
    if (k < 2)
    {
        throw InvalidArgument(fmt::format("{}: k is {}, expected at least 2 folds", what, k));
    }
    if (static_cast<std::size_t>(k) > n)
    {
        throw InvalidArgument(
            fmt::format("{}: k is {}, expected at most the number of points ({})", what, k, n));
    }
}

} // namespace

double continuousBoyceIndex(const std::vector<double>& presenceScores,
                            const std::vector<double>& backgroundScores, int numWindows,
                            double windowWidth)
{
    constexpr const char* kName = "continuous Boyce index";
    if (numWindows < 2)
    {
        throw InvalidArgument(
            fmt::format("{}: numWindows is {}, expected at least 2", kName, numWindows));
    }
    if (!(windowWidth > 0.0 && windowWidth <= 1.0))
    {
        throw InvalidArgument(
            fmt::format("{}: windowWidth is {}, expected a fraction of the score range in (0, 1]",
                        kName, windowWidth));
    }
    if (backgroundScores.empty())
    {
        throw InvalidArgument(fmt::format("{}: no background score", kName));
    }
    checkFinite(presenceScores, kName, "presence score");
    checkFinite(backgroundScores, kName, "background score");
    if (presenceScores.empty())
    {
        return kNaN;
    }
    std::vector<double> fit = backgroundScores;
    std::vector<double> obs = presenceScores;
    std::sort(fit.begin(), fit.end());
    std::sort(obs.begin(), obs.end());
    const double width = windowWidth * (fit.back() - fit.front());
    if (!(width > 0.0))
    {
        return kNaN; // constant background: no window to compare
    }
    const double lo = std::min(fit.front(), obs.front());
    const double hi = std::max(fit.back(), obs.back());
    const int res = numWindows - 1;
    const double step = (hi - lo - width) / res;
    const auto nObs = static_cast<std::uint64_t>(obs.size());
    const auto nFit = static_cast<std::uint64_t>(fit.size());

    struct Window
    {
        double start;
        std::uint64_t p, e;
    };
    std::vector<Window> windows;
    windows.reserve(static_cast<std::size_t>(numWindows));
    for (int i = 0; i <= res; ++i)
    {
        const double start = lo + i * step;
        const double end = i == res ? std::max(start + width, hi) : start + width;
        const std::uint64_t e = countIn(fit, start, end);
        if (e == 0)
        {
            continue; // F undefined (0/0) or infinite: no background in the window
        }
        windows.push_back({start, countIn(obs, start, end), e});
    }
    // F_i = (p_i / nObs) / (e_i / nFit); F_a == F_b exactly iff p_a e_b == p_b e_a.
    std::vector<double> positions, ratios;
    for (std::size_t i = 0; i < windows.size(); ++i)
    {
        const bool last = i + 1 == windows.size();
        if (!last && windows[i].p * windows[i + 1].e == windows[i + 1].p * windows[i].e)
        {
            continue; // a run of equal F keeps its last window
        }
        positions.push_back(windows[i].start);
        ratios.push_back((static_cast<double>(windows[i].p) / static_cast<double>(nObs)) /
                         (static_cast<double>(windows[i].e) / static_cast<double>(nFit)));
    }
    return spearman(positions, ratios);
}

double omissionRate(const std::vector<double>& testPresenceScores, double threshold)
{
    checkThreshold(threshold, "omission rate");
    checkNoNaN(testPresenceScores, "omission rate", "test presence score");
    if (testPresenceScores.empty())
    {
        return kNaN;
    }
    const auto omitted = std::count_if(testPresenceScores.begin(), testPresenceScores.end(),
                                       [&](double s) { return s < threshold; });
    return static_cast<double>(omitted) / static_cast<double>(testPresenceScores.size());
}

double minimumTrainingPresenceThreshold(const std::vector<double>& trainPresenceScores)
{
    constexpr const char* kName = "minimum training presence threshold";
    if (trainPresenceScores.empty())
    {
        throw InvalidArgument(fmt::format("{}: no training presence score", kName));
    }
    checkNoNaN(trainPresenceScores, kName, "training presence score");
    return *std::min_element(trainPresenceScores.begin(), trainPresenceScores.end());
}

double presenceQuantileThreshold(const std::vector<double>& trainPresenceScores,
                                 double keepFraction)
{
    constexpr const char* kName = "presence quantile threshold";
    if (!(keepFraction > 0.0 && keepFraction <= 1.0))
    {
        throw InvalidArgument(fmt::format("{}: keepFraction is {}, expected a fraction in (0, 1]",
                                          kName, keepFraction));
    }
    if (trainPresenceScores.empty())
    {
        throw InvalidArgument(fmt::format("{}: no training presence score", kName));
    }
    checkNoNaN(trainPresenceScores, kName, "training presence score");
    const std::size_t n = trainPresenceScores.size();
    const double target = keepFraction * static_cast<double>(n);
    const double nearest = std::round(target);
    const double kept =
        std::abs(target - nearest) <= 1e-9 * std::max(1.0, target) ? nearest : std::ceil(target);
    const auto m = std::clamp(static_cast<std::size_t>(kept), std::size_t{1}, n);
    // The m-th largest score.
    std::vector<double> sorted = trainPresenceScores;
    const auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(m - 1);
    std::nth_element(sorted.begin(), nth, sorted.end(), std::greater<>());
    return *nth;
}

ConfusionCounts confusionAt(const std::vector<std::uint8_t>& labels,
                            const std::vector<double>& scores, double threshold)
{
    checkLabelsAndScores(labels.size(), scores, "confusion matrix");
    checkThreshold(threshold, "confusion matrix");
    ConfusionCounts c;
    for (std::size_t i = 0; i < scores.size(); ++i)
    {
        const bool predicted = scores[i] >= threshold;
        if (labels[i] != 0)
        {
            ++(predicted ? c.truePositives : c.falseNegatives);
        }
        else
        {
            ++(predicted ? c.falsePositives : c.trueNegatives);
        }
    }
    return c;
}

double trueSkillStatistic(const ConfusionCounts& c)
{
    const auto positives = static_cast<double>(c.truePositives + c.falseNegatives);
    const auto negatives = static_cast<double>(c.trueNegatives + c.falsePositives);
    if (positives == 0.0 || negatives == 0.0)
    {
        return kNaN;
    }
    return static_cast<double>(c.truePositives) / positives +
           static_cast<double>(c.trueNegatives) / negatives - 1.0;
}

double cohensKappa(const ConfusionCounts& c)
{
    const auto tp = static_cast<double>(c.truePositives);
    const auto fp = static_cast<double>(c.falsePositives);
    const auto fn = static_cast<double>(c.falseNegatives);
    const auto tn = static_cast<double>(c.trueNegatives);
    const double denominator = (tp + fp) * (fp + tn) + (tp + fn) * (fn + tn);
    if (denominator == 0.0)
    {
        return kNaN;
    }
    return 2.0 * (tp * tn - fn * fp) / denominator;
}

ThresholdChoice maxTssThreshold(const std::vector<std::uint8_t>& labels,
                                const std::vector<double>& scores)
{
    constexpr const char* kName = "max-TSS threshold";
    checkLabelsAndScores(labels.size(), scores, kName);
    if (scores.empty())
    {
        throw InvalidArgument(fmt::format("{}: no score", kName));
    }
    const auto positives = static_cast<std::uint64_t>(
        std::count_if(labels.begin(), labels.end(), [](std::uint8_t l) { return l != 0; }));
    const auto negatives = static_cast<std::uint64_t>(labels.size()) - positives;
    if (positives == 0 || negatives == 0)
    {
        return {kNaN, kNaN};
    }
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    // Sweep thresholds downwards; (sens + spec) · P · N = tp · N + tn · P is compared exactly, and
    // `>=` lets a later (smaller) threshold win a tie.
    std::uint64_t tp = 0, fp = 0, bestKey = 0, bestTp = 0, bestTn = 0;
    double bestThreshold = kNaN;
    for (std::size_t i = 0; i < order.size();)
    {
        const double threshold = scores[order[i]];
        for (; i < order.size() && scores[order[i]] == threshold; ++i)
        {
            ++(labels[order[i]] != 0 ? tp : fp);
        }
        const std::uint64_t tn = negatives - fp;
        const std::uint64_t key = tp * negatives + tn * positives;
        if (std::isnan(bestThreshold) || key >= bestKey)
        {
            bestKey = key;
            bestThreshold = threshold;
            bestTp = tp;
            bestTn = tn;
        }
    }
    const double value = static_cast<double>(bestTp) / static_cast<double>(positives) +
                         static_cast<double>(bestTn) / static_cast<double>(negatives) - 1.0;
    return {bestThreshold, value};
}

std::vector<int> randomKFolds(std::size_t n, int k, std::uint64_t seed)
{
    checkFoldCount(n, k, "random k-fold");
    std::vector<int> folds(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        folds[i] = static_cast<int>(i % static_cast<std::size_t>(k));
    }
    shuffleInPlace(folds, seed);
    return folds;
}

std::vector<int> spatialBlockFolds(const std::vector<double>& lon, const std::vector<double>& lat,
                                   double blockSizeDeg, int k, std::uint64_t seed)
{
    constexpr const char* kName = "spatial block k-fold";
    if (lon.size() != lat.size())
    {
        throw InvalidArgument(
            fmt::format("{}: {} longitudes but {} latitudes", kName, lon.size(), lat.size()));
    }
    if (!(std::isfinite(blockSizeDeg) && blockSizeDeg > 0.0))
    {
        throw InvalidArgument(
            fmt::format("{}: blockSizeDeg is {}, expected a finite block size > 0 degrees", kName,
                        blockSizeDeg));
    }
    checkFoldCount(lon.size(), k, kName);
    checkFinite(lon, kName, "longitude");
    checkFinite(lat, kName, "latitude");
    // Block keys stay doubles (whole numbers from floor), so no coordinate overflows an integer.
    std::map<std::pair<double, double>, std::vector<std::size_t>> blocks; // (lat, lon) order
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        const double row = std::floor((lat[i] + 90.0) / blockSizeDeg);
        const double col = std::floor((lon[i] + 180.0) / blockSizeDeg);
        blocks[{row, col}].push_back(i);
    }
    if (blocks.size() < static_cast<std::size_t>(k))
    {
        throw InvalidArgument(fmt::format(
            "{}: the points fall in {} blocks of {} degrees, expected at least k = {}; use a "
            "smaller blockSizeDeg",
            kName, blocks.size(), blockSizeDeg, k));
    }
    std::vector<const std::vector<std::size_t>*> order;
    order.reserve(blocks.size());
    for (const auto& entry : blocks)
    {
        order.push_back(&entry.second);
    }
    shuffleInPlace(order, seed);
    std::vector<std::size_t> foldSize(static_cast<std::size_t>(k), 0);
    std::vector<int> folds(lon.size(), -1);
    for (const auto* members : order)
    {
        const auto fold = static_cast<std::size_t>(
            std::min_element(foldSize.begin(), foldSize.end()) - foldSize.begin());
        foldSize[fold] += members->size();
        for (std::size_t i : *members)
        {
            folds[i] = static_cast<int>(fold);
        }
    }
    return folds;
}

} // namespace geoinr::core
