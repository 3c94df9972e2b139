// SPDX-License-Identifier: MIT
// SINR's Geo Prior protocol (science.md §5.5, TorchSpatial's §5.9), torch-free: an image
// classifier's class probabilities multiplied by a range model's location prior, top-1 accuracy
// with and without the prior. Observations are processed in blocks, so N x C never needs to be
// dense in memory at once.
#pragma once

#include <cstdint>
#include <vector>

namespace geoinr::core
{

/**
 * Dense [rows x numClasses] vision probabilities from top-k ones (SINR's `probs` and `inds`):
 * probs and classIds are [rows x k] row-major; classes outside a row's top k get 0. The order of
 * the k columns does not matter. Throws InvalidArgument naming the row for a class id outside
 * [0, numClasses) or listed twice in a row, or for a probability that is negative or not finite.
 */
std::vector<double> densifyTopK(const double* probs, const std::int64_t* classIds,
                                std::int64_t rows, std::int64_t k, std::int64_t numClasses);

/**
 * Dense [rows x classToColumn.size()] geo probabilities g: g[r, c] = sigmoid(logits[r, j]) with
 * j = classToColumn[c] >= 0 (the model species of classifier class c), and g = 1 for classes
 * without a model species (classToColumn[c] = -1), as SINR does. logits is [rows x numColumns].
 */
std::vector<double> geoProbabilities(const float* logits, std::int64_t rows,
                                     std::int64_t numColumns,
                                     const std::vector<std::int64_t>& classToColumn);

/** Index of the first largest value (NumPy's argmax); -1 when n is 0. NaN never wins. */
std::int64_t argmaxFirst(const double* scores, std::int64_t n);

/**
 * 1-based rank of `label` when the scores are sorted descending with ties in class-index order
 * (so that rank 1 is argmaxFirst): 1 + #{c : s_c > s_label} + #{c < label : s_c = s_label}.
 */
std::int64_t rankOf(const double* scores, std::int64_t n, std::int64_t label);

/** Vision probabilities of a block of observations. */
struct VisionBlock
{
    std::int64_t rows = 0;
    /** Columns of probs: the number of classes when dense, k for top-k. */
    std::int64_t width = 0;
    /** [rows x width] row-major. */
    const double* probs = nullptr;
    /** [rows x width] class indices of a top-k block; nullptr for dense probabilities. */
    const std::int64_t* classIds = nullptr;
};

/** Counts accumulated over observations; every metric derives from them. */
struct GeoPriorCounts
{
    std::int64_t observations = 0;
    std::int64_t visionTop1 = 0;   ///< correct without the prior
    std::int64_t combinedTop1 = 0; ///< correct with the prior
    std::int64_t visionTop5 = 0;   ///< label among the 5 best (rankOf <= 5)
    std::int64_t combinedTop5 = 0;
    double visionReciprocalRanks = 0.0; ///< sum of 1 / rankOf
    double combinedReciprocalRanks = 0.0;
    std::int64_t improved = 0;   ///< wrong without the prior, right with it
    std::int64_t worsened = 0;   ///< right without the prior, wrong with it
    std::int64_t visionTies = 0; ///< rows whose highest vision probability is shared
};

/** Metrics of GeoPriorCounts; accuracies are fractions in [0, 1]. */
struct GeoPriorSummary
{
    double visionTop1 = 0.0;
    double combinedTop1 = 0.0;
    double deltaTop1Points = 0.0; ///< 100 (combined - vision), percentage points
    double visionTop5 = 0.0;
    double combinedTop5 = 0.0;
    double visionMrr = 0.0; ///< mean reciprocal rank
    double combinedMrr = 0.0;
};

/**
 * Accumulates the Geo Prior metrics block by block (science.md §5.5):
 *  - vision-only top-1: the class with the highest probability. SINR takes `inds[:, -1]`, the last
 *    of its ascending top-k columns, so for top-k input a tie goes to the later column; for dense
 *    input to the lower class index (np.argmax).
 *  - combined top-1: argmaxFirst over classes of p_vision(c) · g_c, with p_vision dense (0 outside
 *    the top k) and g from geoProbabilities().
 *  - top-5 and MRR use rankOf() on the dense vision and combined scores.
 * Memory: O(numClasses) per block row, two dense rows at a time.
 */
class GeoPriorEvaluator
{
  public:
    /**
     * numClasses = classToColumn.size(): the classifier's classes; classToColumn[c] is the column
     * of class c's model species in the logits passed to addBlock(), or -1. Throws
     * InvalidArgument when there is no class or a column is < -1.
     */
    explicit GeoPriorEvaluator(std::vector<std::int64_t> classToColumn);

    /**
     * Adds `vision.rows` observations: logits [rows x numColumns] of the mapped model species at
     * their locations, labels [rows] true class indices. Optional outputs (nullptr = not wanted):
     * the vision-only and combined predicted class per row. Throws InvalidArgument naming the row
     * (offset by `firstRow`) for a label outside [0, numClasses), a bad top-k row, or dense input
     * whose width is not numClasses.
     */
    void addBlock(const VisionBlock& vision, const float* logits, std::int64_t numColumns,
                  const std::int64_t* labels, std::int64_t firstRow = 0,
                  std::int64_t* visionPrediction = nullptr,
                  std::int64_t* combinedPrediction = nullptr);

    const GeoPriorCounts& counts() const { return m_counts; }
    /** NaN everywhere when no observation was added. */
    GeoPriorSummary summary() const;

  private:
    std::vector<std::int64_t> m_classToColumn;
    GeoPriorCounts m_counts;
};

} // namespace geoinr::core
