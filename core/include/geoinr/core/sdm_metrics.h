// SPDX-License-Identifier: MIT
// Presence-only and threshold metrics of the R SDM tools (ecospat, ENMeval, biomod2, dismo) and
// cross-validation fold assignment (issue 5), torch-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace geoinr::core
{

/**
 * Continuous Boyce index (Hirzel et al. 2006, Ecol. Model. 199:142) as ecospat::ecospat.boyce
 * computes it with its defaults (moving window, `nclass = 0`, `rm.duplicate = TRUE`,
 * `method = "spearman"`). `backgroundScores` are ecospat's `fit` (the scores of the whole study
 * area or of background points; ENMeval passes the background plus the presences) and
 * `presenceScores` its `obs`.
 *
 * 1. lo = min(fit ∪ obs), hi = max(fit ∪ obs); window width w = windowWidth · (max fit − min fit).
 * 2. numWindows = res + 1 windows (ecospat's `res` = 100 gives 101): window i (i = 0..res) is the
 *    closed interval [s_i, s_i + w] with s_i = lo + i · (hi − lo − w) / res. The last window's
 *    upper end is at least hi, so the top score is never lost to rounding.
 * 3. F_i = (P_i / n_obs) / (E_i / n_fit), P_i and E_i the presence and background counts in the
 *    window. Windows with E_i = 0 are dropped (ecospat drops 0/0 and keeps P_i / 0 = Inf).
 * 4. Of each run of consecutive equal F (after the drop), only the last window is kept.
 * 5. The index is Spearman's rank correlation (average ranks for ties, Pearson on the ranks)
 *    between the kept windows' positions s_i (equivalently their mid-points) and F_i.
 *
 * Differences from ecospat (4.x): no rounding (ecospat rounds F to 10 and the index to 3
 * decimals; F equality here is exact, by integer cross-multiplication); ecospat's "+1" shift of
 * the last window (a workaround that empties it for scores in [0, 1]) is not copied; ecospat also
 * drops the last window when its F equals 1, GeoINR always keeps it.
 *
 * Returns NaN when undefined: no presence score, constant background scores (w = 0), fewer than
 * two windows left, or a constant F. Throws InvalidArgument when the background is empty, a score
 * is not finite, numWindows < 2 or windowWidth is not in (0, 1].
 */
double continuousBoyceIndex(const std::vector<double>& presenceScores,
                            const std::vector<double>& backgroundScores, int numWindows = 101,
                            double windowWidth = 0.1);

/**
 * Omission rate: the fraction of test presences with score < threshold (ENMeval's `or.mtp` and
 * `or.10p` with the thresholds below). NaN when there is no test presence. Throws InvalidArgument
 * when a score or the threshold is NaN.
 */
double omissionRate(const std::vector<double>& testPresenceScores, double threshold);

/**
 * Minimum training presence threshold (ENMeval's `min(occs.train.pred)`): the smallest training
 * presence score. Throws InvalidArgument when the input is empty or a score is NaN.
 */
double minimumTrainingPresenceThreshold(const std::vector<double>& trainPresenceScores);

/**
 * The largest threshold t such that at least `keepFraction` of the n training presences have
 * score >= t: the m-th largest score (an order statistic, no interpolation), with
 * m = ceil(keepFraction · n) (a product within 1e-9 relative of an integer counts as that integer,
 * so that 0.07 · 100 gives 7, not 8) and m >= 1.
 *
 * keepFraction 0.9 gives ENMeval's 10th-percentile training presence threshold
 * (`calc.10p.trainThresh`: `rev(sort(x))[ceiling(0.9 n)]`) for n >= 10. ENMeval takes
 * floor(0.9 n) below 10 presences (keeping fewer than 90 %, and no threshold at n = 1); GeoINR
 * always keeps at least keepFraction. This is not R's `quantile(x, 0.1)` (type 7 interpolates).
 * Throws InvalidArgument when the input is empty, a score is NaN or keepFraction is not in (0, 1].
 */
double presenceQuantileThreshold(const std::vector<double>& trainPresenceScores,
                                 double keepFraction);

/** A 2x2 confusion matrix; presence is the positive class. */
struct ConfusionCounts
{
    std::size_t truePositives = 0;  ///< presence predicted, label presence
    std::size_t falsePositives = 0; ///< presence predicted, label absence
    std::size_t falseNegatives = 0; ///< absence predicted, label presence
    std::size_t trueNegatives = 0;  ///< absence predicted, label absence
};

/**
 * Confusion counts of binary `labels` (non-zero = presence) when presence is predicted where
 * score >= threshold. Throws InvalidArgument when the sizes differ or a score or the threshold is
 * NaN.
 */
ConfusionCounts confusionAt(const std::vector<std::uint8_t>& labels,
                            const std::vector<double>& scores, double threshold);

/**
 * True skill statistic (Allouche et al. 2006): sensitivity + specificity − 1, in [−1, 1]. NaN when
 * there is no presence or no absence label.
 */
double trueSkillStatistic(const ConfusionCounts& counts);

/**
 * Cohen's kappa (p_o − p_e) / (1 − p_e), computed as
 * 2 (TP·TN − FN·FP) / ((TP + FP)(FP + TN) + (TP + FN)(FN + TN)). NaN when undefined (no item, or
 * predictions and labels all in one and the same class, p_e = 1).
 */
double cohensKappa(const ConfusionCounts& counts);

/** A threshold and the metric value it gives. */
struct ThresholdChoice
{
    double threshold; ///< presence predicted where score >= threshold
    double value;     ///< the metric at that threshold
};

/**
 * The threshold maximising the TSS (biomod2's and dismo's "max spec+sens") over the distinct score
 * values, presence predicted where score >= threshold. Ties (compared exactly, in integer
 * arithmetic) go to the smallest threshold, as dismo's `which.max` over ascending thresholds.
 * Returns {NaN, NaN} when there is no presence or no absence label. Throws InvalidArgument when the
 * input is empty, the sizes differ or a score is NaN.
 */
ThresholdChoice maxTssThreshold(const std::vector<std::uint8_t>& labels,
                                const std::vector<double>& scores);

/**
 * Random k-fold assignment: fold ids 0..k−1 for n items, fold sizes differing by at most 1 (item i
 * starts in fold i mod k, then a Fisher–Yates shuffle driven by std::mt19937_64(seed) with
 * rejection sampling for unbiased indices, so the result is the same on every platform). Throws
 * InvalidArgument unless 2 <= k <= n.
 */
std::vector<int> randomKFolds(std::size_t n, int k, std::uint64_t seed);

/**
 * Spatial block k-fold assignment: point i falls in the block
 * (floor((lon_i + 180) / blockSizeDeg), floor((lat_i + 90) / blockSizeDeg)) (blocks anchored at
 * (−180°, −90°); no wrap at the antimeridian). The blocks, in ascending (lat, lon) block order,
 * are shuffled as in randomKFolds and then each goes whole, in that order, to the fold holding the
 * fewest points so far (the lowest fold id on a tie), so no block is split across folds, the folds
 * are balanced by point count and every fold is non-empty. Deterministic for a seed on every
 * platform. Throws InvalidArgument when the sizes differ, a coordinate is not finite, blockSizeDeg
 * is not finite and > 0, k < 2, k > n, or there are fewer than k non-empty blocks.
 */
std::vector<int> spatialBlockFolds(const std::vector<double>& lon, const std::vector<double>& lat,
                                   double blockSizeDeg, int k, std::uint64_t seed);

} // namespace geoinr::core
