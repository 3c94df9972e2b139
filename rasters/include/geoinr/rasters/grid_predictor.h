// SPDX-License-Identifier: MIT
// The one prediction path of every front end (geoinr predict, the GEOINR GDAL driver, the QGIS
// plugin): a checkpoint evaluated on any window of any grid, pixel centres -> lon/lat (PROJ) ->
// covariates from their own rasters -> network -> per-band values ready to store (range maps, or
// the model's learned location embedding).
#pragma once

#include <geoinr/rasters/raster_grid.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace geoinr::core
{
class Predictor;
}

namespace geoinr::rasters
{

/** What a band holds. */
enum class RangeOutput
{
    Probability,     ///< Float32 in [0, 1], nodata -1
    Logit,           ///< Float32 logits, nodata NaN (rank-based evaluation avoids saturation)
    ProbabilityByte, ///< Byte round(254 p), band scale 1/254, nodata 255
    Binary,          ///< Byte 0/1 with p >= threshold, nodata 255
    /** Float32 learned features (core::Predictor::embed), one band per feature named
     *  embedding_0, embedding_1, ...; no species; nodata NaN. */
    Embedding
};

/** "probability", "logit", "byte", "binary", "embedding"; parse throws InvalidArgument listing
 *  them. */
std::string rangeOutputName(RangeOutput kind);
RangeOutput parseRangeOutput(const std::string& name);

struct GridPredictorOptions
{
    /** Names; empty = every species of the model. Must be empty for Embedding. */
    std::vector<std::string> species;
    RangeOutput output = RangeOutput::Probability;
    /** Binary: a probability ("0.5") or a stored rule name (core::storedThresholdRules()). */
    std::string threshold;
    /** Optional raster: pixels where it is nodata, 0 or outside are nodata in the output. */
    std::string mask;
    /** Covariate layer name -> raster path, replacing the paths stored in the checkpoint. */
    std::map<std::string, std::string> covariatePaths;
};

/**
 * A checkpoint ready to be evaluated on grids. Thread-safe: computeWindow may run on several
 * threads at once (each borrows its own covariate readers and coordinate transform from a pool).
 */
class GridPredictor
{
  public:
    /** Loads the checkpoint and opens its covariates; throws IoError / InvalidArgument /
     *  CheckpointError with messages naming the file, species or option. */
    GridPredictor(const std::string& checkpoint, GridPredictorOptions options);
    GridPredictor(std::shared_ptr<const core::Predictor> predictor, GridPredictorOptions options);
    ~GridPredictor();
    GridPredictor(const GridPredictor&) = delete;
    GridPredictor& operator=(const GridPredictor&) = delete;

    const core::Predictor& predictor() const;
    /** Band names: the species in band order, or embedding_0 ... for Embedding. */
    const std::vector<std::string>& bandNames() const;
    int bandCount() const;
    RangeOutput output() const;
    /** Binary output: the probability threshold of each band; empty otherwise. */
    const std::vector<double>& thresholds() const;
    /** True for Byte bands (ProbabilityByte, Binary), false for Float32. */
    bool byteBands() const;
    double nodata() const;
    /** Value scale of the stored numbers (1/254 for ProbabilityByte, else 1). */
    double scale() const;
    /** Key/value provenance for raster metadata (GEOINR_CHECKPOINT, GEOINR_MODEL, ...). */
    std::map<std::string, std::string> metadata(const std::string& checkpointPath) const;

    /**
     * Evaluates pixels [x0, x0 + w) x [y0, y0 + h) of `grid` into out, band-major
     * ([bandCount()][h][w], row-major), in stored units (see RangeOutput). Pixels whose centre has
     * no lon/lat, no covariates or is masked are nodata(). Throws InvalidArgument for a window
     * outside the grid.
     *
     * Same pixels whatever the window: the network always runs on whole compute blocks
     * (kComputeBlock pixels square, anchored at the grid's origin, cropped at its edges) with
     * single-threaded math (core::useSingleThreadedMath), because BLAS rounds a row differently
     * depending on its position in a call. Windows aligned to these blocks cost nothing extra;
     * others compute the blocks they touch.
     */
    void computeWindow(const RasterGrid& grid, int x0, int y0, int w, int h, float* out) const;

    static constexpr int kComputeBlock = 256;

  private:
    struct Worker;
    struct Impl;
    void computeBlocks(Worker& worker, const RasterGrid& grid, int x0, int y0, int w, int h,
                       float* out) const;
    std::unique_ptr<Impl> m_impl;
};

} // namespace geoinr::rasters
