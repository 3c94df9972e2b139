// SPDX-License-Identifier: MIT
// Linear probe of learned features (SINR's Geo Feature protocol, science.md §5.6), torch-free:
// MinMax-scaled features, closed-form ridge with an unpenalised intercept, α chosen by k-fold CV
// exactly as sklearn's RidgeCV(cv=KFold(k)), R² on held-out rows. Rows are streamed: only
// per-fold Gram matrices are kept, so millions of rows cost O(d²) memory.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace geoinr::core
{

/**
 * First row of each fold of sklearn's KFold(k) (contiguous, unshuffled) over n rows, plus n at the
 * end: fold f is [starts[f], starts[f+1]). The first n % k folds hold one extra row. Throws
 * InvalidArgument for k < 2 or n < k.
 */
std::vector<std::int64_t> kFoldStarts(std::int64_t n, int k);

/**
 * sklearn's r2_score: 1 - SSE/SST with SST around the mean of `truth`. When SST is 0 it returns
 * 1 if SSE is 0, else 0 (sklearn's force_finite). NaN for no rows or mismatched sizes.
 */
double ridgeR2(const std::vector<double>& truth, const std::vector<double>& predicted);

/**
 * Ridge regression with intercept on n rows x [n x d] row-major: minimises
 * |y - Xw - b|² + α|w|² (b unpenalised) by centring and solving (XcᵀXc + αI) w = Xcᵀyc with a
 * double-precision Cholesky. Throws InvalidArgument for α <= 0, n < 1 or non-finite input.
 */
struct RidgeFit
{
    std::vector<double> weights;
    double intercept = 0.0;
};
RidgeFit fitRidge(const double* x, const double* y, std::int64_t n, std::int64_t d, double alpha);

struct RidgeProbeOptions
{
    std::vector<double> alphas = {0.1, 1.0, 10.0}; ///< candidates, each > 0; first wins ties
    int folds = 10;                                ///< KFold(folds) over the train rows, >= 2
    bool minMaxScale = true; ///< sklearn MinMaxScaler fitted on the train rows (SINR does)
};

struct RidgeProbeResult
{
    double alpha = 0.0;                      ///< the selected α
    std::size_t alphaIndex = 0;              ///< its position in options.alphas
    std::vector<std::vector<double>> foldR2; ///< [alpha][fold] R² of each held-out fold
    std::vector<double> meanFoldR2;          ///< [alpha] mean over folds (the selection score)
    double trainR2 = 0.0;                    ///< refit on all train rows, scored on them
    double testR2 = 0.0;                     ///< the same model on the test rows
    std::int64_t trainRows = 0, testRows = 0;
    /** The refit model on the (scaled) features: y ≈ intercept + Σ weights[j] · scaled_j. */
    std::vector<double> weights;
    double intercept = 0.0;
    std::vector<double> featureMin, featureScale; ///< scaled_j = (x_j - min_j) · scale_j
};

/**
 * Streams the rows of one probe: train rows in their order (folds are contiguous ranges of it),
 * test rows in any order, then solve(). Features are float32 (as Predictor::embed gives them),
 * targets double. Not thread-safe.
 */
class RidgeProbe
{
  public:
    /** `trainRows` fixes the fold boundaries; throws InvalidArgument for bad options or sizes. */
    RidgeProbe(std::int64_t featureDim, std::int64_t trainRows, RidgeProbeOptions options = {});
    ~RidgeProbe();
    RidgeProbe(RidgeProbe&&) noexcept;
    RidgeProbe& operator=(RidgeProbe&&) noexcept;
    RidgeProbe(const RidgeProbe&) = delete;
    RidgeProbe& operator=(const RidgeProbe&) = delete;

    /** n more train rows: x [n x featureDim] row-major, y [n]. Throws InvalidArgument when a
     *  value is not finite or more rows arrive than announced. */
    void addTrainRows(const float* x, const double* y, std::int64_t n);
    /** n test rows, as addTrainRows. */
    void addTestRows(const float* x, const double* y, std::int64_t n);

    /** Selects α, refits on all train rows and scores. Throws InvalidArgument when fewer train
     *  rows arrived than announced or there is no test row. */
    RidgeProbeResult solve() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace geoinr::core
