// SPDX-License-Identifier: MIT
// Evaluation metrics of the reference papers (science.md §5.1, §5.2, §5.6), torch-free.
#pragma once

#include <cstdint>
#include <vector>

namespace geoinr::core
{

/** How average precision treats tied scores (science.md §5.1). */
enum class ApMode
{
    TieAware, ///< one step per distinct score (sklearn's definition; the default)
    Sinr      ///< one step per item after a stable descending sort (SINR's formula, defined ties)
};

/**
 * Average precision of `scores` for binary `labels` (non-zero = presence). Scores may be logits or
 * probabilities (rank-based). Returns NaN when there is no positive label. Throws InvalidArgument
 * when the sizes differ or a score is NaN.
 */
double averagePrecision(const std::vector<std::uint8_t>& labels, const std::vector<double>& scores,
                        ApMode mode = ApMode::TieAware);

/**
 * ROC-AUC in the Mann-Whitney form, ties counted as 1/2. Returns NaN when either class is absent.
 */
double rocAuc(const std::vector<std::uint8_t>& labels, const std::vector<double>& scores);

/** Coefficient of determination 1 - SS_res / SS_tot; NaN when the targets are constant. */
double rSquared(const std::vector<double>& truth, const std::vector<double>& predicted);

/** `presences` ones followed by `others` zeros: labels for scores listed presences first. */
std::vector<std::uint8_t> presenceLabels(std::size_t presences, std::size_t others);

/** Mean of the finite values (species whose metric is undefined are skipped); NaN if none. */
double meanOfDefined(const std::vector<double>& values, std::size_t* countDefined = nullptr);

} // namespace geoinr::core
