// SPDX-License-Identifier: MIT
// Private: average ranks, shared by ROC-AUC (metrics.cpp) and Spearman's correlation
// (sdm_metrics.cpp).
#pragma once

#include <vector>

namespace geoinr::core::detail
{

/** 1-based ranks, ties sharing their average rank (R's `rank`, ties.method = "average"). */
std::vector<double> averageRanks(const std::vector<double>& values);

} // namespace geoinr::core::detail
