// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/core/geo_prior.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace geoinr::core
{
namespace
{

/** Fills dense[numClasses] from one top-k row; `row` only names the row in messages. */
void densifyRow(const double* probs, const std::int64_t* classIds, std::int64_t k,
                std::int64_t numClasses, std::int64_t row, double* dense)
{
    // A class listed twice would silently keep one of its two probabilities: -1 marks "unset".
    std::fill(dense, dense + numClasses, -1.0);
    for (std::int64_t j = 0; j < k; ++j)
    {
        const auto c = classIds[j];
        const double p = probs[j];
        if (c < 0 || c >= numClasses)
        {
            throw InvalidArgument(
                fmt::format("observation {}: class index {} outside [0, {})", row, c, numClasses));
        }
        if (!(p >= 0.0) || !std::isfinite(p))
        {
            throw InvalidArgument(
                fmt::format("observation {}: probability {} of class {} is not a finite value >= 0",
                            row, p, c));
        }
        if (dense[c] != -1.0)
        {
            throw InvalidArgument(
                fmt::format("observation {}: class {} is listed twice among its top k", row, c));
        }
        dense[c] = p;
    }
    std::replace(dense, dense + numClasses, -1.0, 0.0);
}

void checkDenseRow(const double* probs, std::int64_t numClasses, std::int64_t row)
{
    for (std::int64_t c = 0; c < numClasses; ++c)
    {
        if (!(probs[c] >= 0.0) || !std::isfinite(probs[c]))
        {
            throw InvalidArgument(
                fmt::format("observation {}: probability {} of class {} is not a finite value >= 0",
                            row, probs[c], c));
        }
    }
}

void fillGeoRow(const float* logits, const std::vector<std::int64_t>& classToColumn, double* g)
{
    for (std::size_t c = 0; c < classToColumn.size(); ++c)
    {
        const auto j = classToColumn[c];
        g[c] = j < 0 ? 1.0 : 1.0 / (1.0 + std::exp(-static_cast<double>(logits[j])));
    }
}

/** SINR's inds[:, -1] on ascending rows: the highest probability, ties to the later column. */
std::int64_t topKVisionTop1(const double* probs, const std::int64_t* classIds, std::int64_t k,
                            bool& tied)
{
    std::int64_t best = 0;
    tied = false;
    for (std::int64_t j = 1; j < k; ++j)
    {
        if (probs[j] >= probs[best])
        {
            tied = probs[j] == probs[best];
            best = j;
        }
    }
    return classIds[best];
}

bool hasTiedMaximum(const double* scores, std::int64_t n, std::int64_t best)
{
    for (std::int64_t c = best + 1; c < n; ++c)
    {
        if (scores[c] == scores[best])
        {
            return true;
        }
    }
    return false;
}

} // namespace

std::vector<double> densifyTopK(const double* probs, const std::int64_t* classIds,
                                std::int64_t rows, std::int64_t k, std::int64_t numClasses)
{
    std::vector<double> dense(static_cast<std::size_t>(rows * numClasses));
    for (std::int64_t r = 0; r < rows; ++r)
    {
        densifyRow(probs + r * k, classIds + r * k, k, numClasses, r,
                   dense.data() + r * numClasses);
    }
    return dense;
}

std::vector<double> geoProbabilities(const float* logits, std::int64_t rows,
                                     std::int64_t numColumns,
                                     const std::vector<std::int64_t>& classToColumn)
{
    const auto numClasses = static_cast<std::int64_t>(classToColumn.size());
    for (const auto j : classToColumn)
    {
        if (j >= numColumns)
        {
            throw InvalidArgument(fmt::format("geo prior: column {} of a class is outside the {} "
                                              "logit columns",
                                              j, numColumns));
        }
    }
    std::vector<double> g(static_cast<std::size_t>(rows * numClasses));
    for (std::int64_t r = 0; r < rows; ++r)
    {
        fillGeoRow(logits + r * numColumns, classToColumn, g.data() + r * numClasses);
    }
    return g;
}

std::int64_t argmaxFirst(const double* scores, std::int64_t n)
{
    std::int64_t best = -1;
    for (std::int64_t c = 0; c < n; ++c)
    {
        if (!std::isnan(scores[c]) && (best < 0 || scores[c] > scores[best]))
        {
            best = c;
        }
    }
    return best;
}

std::int64_t rankOf(const double* scores, std::int64_t n, std::int64_t label)
{
    const double s = scores[label];
    std::int64_t rank = 1;
    for (std::int64_t c = 0; c < n; ++c)
    {
        rank += (scores[c] > s || (c < label && scores[c] == s)) ? 1 : 0;
    }
    return rank;
}

GeoPriorEvaluator::GeoPriorEvaluator(std::vector<std::int64_t> classToColumn)
    : m_classToColumn(std::move(classToColumn))
{
    if (m_classToColumn.empty())
    {
        throw InvalidArgument("geo prior: the classifier has no class");
    }
    for (const auto j : m_classToColumn)
    {
        if (j < -1)
        {
            throw InvalidArgument(fmt::format("geo prior: bad model column {} of a class", j));
        }
    }
}

void GeoPriorEvaluator::addBlock(const VisionBlock& vision, const float* logits,
                                 std::int64_t numColumns, const std::int64_t* labels,
                                 std::int64_t firstRow, std::int64_t* visionPrediction,
                                 std::int64_t* combinedPrediction)
{
    const auto numClasses = static_cast<std::int64_t>(m_classToColumn.size());
    const bool topK = vision.classIds != nullptr;
    if (topK && vision.width < 1)
    {
        throw InvalidArgument("geo prior: top-k probabilities need k >= 1 columns");
    }
    if (!topK && vision.width != numClasses)
    {
        throw InvalidArgument(fmt::format("geo prior: dense probabilities have {} columns, "
                                          "expected one per class ({})",
                                          vision.width, numClasses));
    }
    for (const auto j : m_classToColumn)
    {
        if (j >= numColumns)
        {
            throw InvalidArgument(fmt::format("geo prior: model column {} of a class is outside "
                                              "the {} logit columns",
                                              j, numColumns));
        }
    }
    std::vector<double> denseVision(topK ? static_cast<std::size_t>(numClasses) : 0);
    std::vector<double> combined(static_cast<std::size_t>(numClasses));
    for (std::int64_t r = 0; r < vision.rows; ++r)
    {
        const auto row = firstRow + r;
        const auto label = labels[r];
        if (label < 0 || label >= numClasses)
        {
            throw InvalidArgument(fmt::format(
                "observation {}: label {} outside the classes [0, {})", row, label, numClasses));
        }
        const double* p = vision.probs + r * vision.width;
        std::int64_t visionBest = 0;
        bool tied = false;
        if (topK)
        {
            const auto* ids = vision.classIds + r * vision.width;
            densifyRow(p, ids, vision.width, numClasses, row, denseVision.data());
            visionBest = topKVisionTop1(p, ids, vision.width, tied);
            p = denseVision.data();
        }
        else
        {
            checkDenseRow(p, numClasses, row);
            visionBest = argmaxFirst(p, numClasses);
            tied = hasTiedMaximum(p, numClasses, visionBest);
        }
        fillGeoRow(logits + r * numColumns, m_classToColumn, combined.data());
        for (std::int64_t c = 0; c < numClasses; ++c)
        {
            combined[static_cast<std::size_t>(c)] *= p[c];
        }
        const auto combinedBest = argmaxFirst(combined.data(), numClasses);
        const bool visionRight = visionBest == label, combinedRight = combinedBest == label;
        const auto visionRank = rankOf(p, numClasses, label);
        const auto combinedRank = rankOf(combined.data(), numClasses, label);
        auto& n = m_counts;
        ++n.observations;
        n.visionTop1 += visionRight ? 1 : 0;
        n.combinedTop1 += combinedRight ? 1 : 0;
        n.visionTop5 += visionRank <= 5 ? 1 : 0;
        n.combinedTop5 += combinedRank <= 5 ? 1 : 0;
        n.visionReciprocalRanks += 1.0 / static_cast<double>(visionRank);
        n.combinedReciprocalRanks += 1.0 / static_cast<double>(combinedRank);
        n.improved += !visionRight && combinedRight ? 1 : 0;
        n.worsened += visionRight && !combinedRight ? 1 : 0;
        n.visionTies += tied ? 1 : 0;
        if (visionPrediction != nullptr)
        {
            visionPrediction[r] = visionBest;
        }
        if (combinedPrediction != nullptr)
        {
            combinedPrediction[r] = combinedBest;
        }
    }
}

GeoPriorSummary GeoPriorEvaluator::summary() const
{
    const auto& n = m_counts;
    GeoPriorSummary s;
    if (n.observations == 0)
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return {nan, nan, nan, nan, nan, nan, nan};
    }
    const auto total = static_cast<double>(n.observations);
    s.visionTop1 = static_cast<double>(n.visionTop1) / total;
    s.combinedTop1 = static_cast<double>(n.combinedTop1) / total;
    // From the counts, so that the difference carries no rounding of the two fractions.
    s.deltaTop1Points = 100.0 * static_cast<double>(n.combinedTop1 - n.visionTop1) / total;
    s.visionTop5 = static_cast<double>(n.visionTop5) / total;
    s.combinedTop5 = static_cast<double>(n.combinedTop5) / total;
    s.visionMrr = n.visionReciprocalRanks / total;
    s.combinedMrr = n.combinedReciprocalRanks / total;
    return s;
}

} // namespace geoinr::core
