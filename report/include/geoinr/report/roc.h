// SPDX-License-Identifier: MIT
// ROC curves from labels and scores (plain data; drawn by render.h), and score histograms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::report
{

/** A ROC curve: false- and true-positive rates from (0, 0) to (1, 1), and its AUC. */
struct RocCurve
{
    std::string label;
    std::vector<double> fpr, tpr;
    double auc = 0.0;
};

/**
 * ROC curve of `scores` for binary `labels` (non-zero = positive): one point per distinct score,
 * so tied scores give one diagonal segment, and the trapezoidal AUC equals the Mann-Whitney AUC
 * with ties counted 1/2 (core::rocAuc). Scores may be logits or probabilities. Throws
 * InvalidArgument when the sizes differ, a score is NaN, or either class is missing.
 */
RocCurve rocCurve(const std::vector<std::uint8_t>& labels, const std::vector<double>& scores,
                  const std::string& label = {});

/**
 * At most about `maxPoints` points of `curve` (first and last kept), sampled evenly along the
 * curve's length, so that hundreds of species with 10^5 cells each stay small to draw.
 */
RocCurve thinRocCurve(const RocCurve& curve, std::size_t maxPoints = 300);

/**
 * Vertical average of `curves`: the mean true-positive rate at `gridPoints` evenly spaced false-
 * positive rates (the highest rate of a curve where it rises vertically), preceded by (0, 0).
 * `auc` is set to the mean of the curves' AUCs (the number the metrics table reports), not the
 * area under the averaged curve. Throws InvalidArgument when `curves` is empty.
 */
RocCurve meanRocCurve(const std::vector<RocCurve>& curves, const std::string& label,
                      std::size_t gridPoints = 201);

/**
 * Counts of `values` in `bins` equal bins over [lo, hi]; values below lo or above hi go to the
 * first or last bin, NaN values are skipped. Throws InvalidArgument for bins == 0 or hi <= lo.
 */
std::vector<double> histogramCounts(const std::vector<double>& values, double lo, double hi,
                                    std::size_t bins);

/** Adds the counts of `values` to `counts` (same binning as histogramCounts). */
void addToHistogram(std::vector<double>& counts, const std::vector<double>& values, double lo,
                    double hi);

/** 1 / (1 + exp(-logit)), for turning the logits the metrics use into probabilities. */
double sigmoid(double logit);

} // namespace geoinr::report
