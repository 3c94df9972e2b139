// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/report/roc.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace geoinr::report
{

RocCurve rocCurve(const std::vector<std::uint8_t>& labels, const std::vector<double>& scores,
                  const std::string& label)
{
    if (labels.size() != scores.size())
    {
        throw InvalidArgument(fmt::format("ROC curve '{}': {} labels but {} scores", label,
                                          labels.size(), scores.size()));
    }
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = 0; i < scores.size(); ++i)
    {
        if (std::isnan(scores[i]))
        {
            throw InvalidArgument(fmt::format("ROC curve '{}': score {} is NaN", label, i));
        }
    }
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    const auto positives = static_cast<double>(
        std::count_if(labels.begin(), labels.end(), [](std::uint8_t v) { return v != 0; }));
    const auto negatives = static_cast<double>(labels.size()) - positives;
    if (positives == 0.0 || negatives == 0.0)
    {
        throw InvalidArgument(
            fmt::format("ROC curve '{}': needs both classes, got {} positives and {} negatives",
                        label, positives, negatives));
    }
    RocCurve curve;
    curve.label = label;
    curve.fpr.push_back(0.0);
    curve.tpr.push_back(0.0);
    double tp = 0.0, fp = 0.0, area = 0.0;
    for (std::size_t k = 0; k < order.size();)
    {
        // One point per distinct score: a group of ties moves diagonally.
        const double s = scores[order[k]];
        for (; k < order.size() && scores[order[k]] == s; ++k)
        {
            (labels[order[k]] != 0 ? tp : fp) += 1.0;
        }
        const double x = fp / negatives, y = tp / positives;
        area += (x - curve.fpr.back()) * (y + curve.tpr.back()) / 2.0;
        curve.fpr.push_back(x);
        curve.tpr.push_back(y);
    }
    curve.auc = area;
    return curve;
}

RocCurve thinRocCurve(const RocCurve& curve, std::size_t maxPoints)
{
    if (curve.fpr.size() <= std::max<std::size_t>(maxPoints, 2))
    {
        return curve;
    }
    // A ROC curve is monotone in both rates, so its L1 length is at most 2.
    const double step = 2.0 / static_cast<double>(std::max<std::size_t>(maxPoints, 2) - 1);
    RocCurve out;
    out.label = curve.label;
    out.auc = curve.auc;
    out.fpr.push_back(curve.fpr.front());
    out.tpr.push_back(curve.tpr.front());
    for (std::size_t i = 1; i + 1 < curve.fpr.size(); ++i)
    {
        const double moved =
            std::abs(curve.fpr[i] - out.fpr.back()) + std::abs(curve.tpr[i] - out.tpr.back());
        if (moved >= step)
        {
            out.fpr.push_back(curve.fpr[i]);
            out.tpr.push_back(curve.tpr[i]);
        }
    }
    out.fpr.push_back(curve.fpr.back());
    out.tpr.push_back(curve.tpr.back());
    return out;
}

namespace
{

/** True-positive rate of a curve at false-positive rate x (the top of a vertical rise). */
double tprAt(const RocCurve& c, double x)
{
    const auto j =
        static_cast<std::size_t>(std::upper_bound(c.fpr.begin(), c.fpr.end(), x) - c.fpr.begin());
    if (j == 0)
    {
        return 0.0;
    }
    if (j == c.fpr.size())
    {
        return c.tpr.back();
    }
    const auto i = j - 1;
    if (c.fpr[i] == x)
    {
        return c.tpr[i];
    }
    const double t = (x - c.fpr[i]) / (c.fpr[j] - c.fpr[i]);
    return c.tpr[i] + t * (c.tpr[j] - c.tpr[i]);
}

} // namespace

RocCurve meanRocCurve(const std::vector<RocCurve>& curves, const std::string& label,
                      std::size_t gridPoints)
{
    if (curves.empty())
    {
        throw InvalidArgument("mean ROC curve: no curves");
    }
    gridPoints = std::max<std::size_t>(gridPoints, 2);
    RocCurve out;
    out.label = label;
    out.fpr.push_back(0.0);
    out.tpr.push_back(0.0);
    for (std::size_t g = 0; g < gridPoints; ++g)
    {
        const double x = static_cast<double>(g) / static_cast<double>(gridPoints - 1);
        double sum = 0.0;
        for (const auto& c : curves)
        {
            sum += tprAt(c, x);
        }
        out.fpr.push_back(x);
        out.tpr.push_back(sum / static_cast<double>(curves.size()));
    }
    double aucSum = 0.0;
    for (const auto& c : curves)
    {
        aucSum += c.auc;
    }
    out.auc = aucSum / static_cast<double>(curves.size());
    return out;
}

double sigmoid(double logit)
{
    return 1.0 / (1.0 + std::exp(-logit));
}

} // namespace geoinr::report
