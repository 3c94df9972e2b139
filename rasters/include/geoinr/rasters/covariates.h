// SPDX-License-Identifier: MIT
// A stack of covariate rasters (GDAL), sampled at WGS84 lon/lat points, with one-hot expansion of
// categorical layers and z-score normalisation that travels in a checkpoint as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geoinr::rasters
{

/** How a raster is read between pixels. Categorical layers always use Nearest. */
enum class Resampling
{
    /** The pixel containing the point (pixel-is-area geotransform; lon wraps on global rasters). */
    Nearest,
    /** Between the 4 surrounding pixel centres; any needed neighbour nodata/outside -> Nearest. */
    Bilinear,
    /** SINR's sampler (science.md §1.3): a global lon/lat raster treated as pixel-is-point. */
    SinrCompat
};

/** "nearest", "bilinear", "sinr_compat". */
std::string resamplingName(Resampling r);
/** Inverse of resamplingName; throws InvalidArgument listing the valid names. */
Resampling parseResampling(const std::string& name);

/** One covariate layer: one band of one raster. */
struct CovariateSpec
{
    std::string name;           ///< feature name (file stem, band description, ...)
    std::string path;           ///< raster path as given by the user
    int band = 1;               ///< 1-based band number
    bool categorical = false;   ///< one-hot expanded, sampled with Nearest
    std::vector<double> levels; ///< categorical levels; empty = discover from the raster's values
};

/**
 * Covariate rasters, each keeping its own GDAL dataset and its own transform from WGS84 lon/lat
 * (rasters may differ in CRS and resolution). Values are band value * scale + offset; nodata
 * (and pixels masked by the band's mask) are NaN.
 *
 * Not thread-safe: a stack caches each band in memory on first use (float32 for types it holds
 * exactly, float64 otherwise); give each thread its own stack (fromDescription(describe())).
 * Move-only.
 */
class CovariateStack
{
  public:
    /**
     * Opens rasters. A folder contributes every .tif/.tiff in it, sorted naturally by name
     * (bio_2 before bio_10). A multi-band file gives one covariate per band, named by the band
     * description (file stem + "_b<k>" where descriptions are missing or repeated); a single-band
     * file is named by its stem. `categoricalNames` marks covariates (by name) to one-hot.
     * Throws IoError (unreadable file, empty folder) or InvalidArgument (unknown categorical
     * name, duplicate covariate names).
     */
    static CovariateStack open(const std::vector<std::string>& pathsOrFolders,
                               const std::vector<std::string>& categoricalNames = {});

    /** Opens exactly these layers (paths are used as given). */
    static CovariateStack fromSpecs(const std::vector<CovariateSpec>& specs);

    /**
     * Reopens a stack from describe(); relative paths are resolved against `baseDir` (when not
     * empty). Throws InvalidArgument naming the JSON field, IoError for unreadable rasters.
     */
    static CovariateStack fromDescription(const nlohmann::json& description,
                                          const std::string& baseDir = "");

    CovariateStack(CovariateStack&&) noexcept;
    CovariateStack& operator=(CovariateStack&&) noexcept;
    CovariateStack(const CovariateStack&) = delete;
    CovariateStack& operator=(const CovariateStack&) = delete;
    ~CovariateStack();

    /** The layers (one per raster band), with categorical levels filled in. */
    const std::vector<CovariateSpec>& layers() const;

    /** Feature names after one-hot expansion: "bio1", "biome=1", "biome=2", ... */
    std::vector<std::string> featureNames() const;
    std::size_t numFeatures() const;
    /** True for the 0/1 columns of categorical layers. */
    bool isOneHot(std::size_t feature) const;

    /**
     * Raw values at WGS84 lon/lat points (degrees): [n x numFeatures()] row-major. NaN where a
     * layer is nodata or the point is outside it; one-hot columns are 0/1, all NaN when nodata,
     * all 0 for a value that is no level. SinrCompat returns SINR's bilinear of the raw values
     * (NaN if a corner with non-zero weight is nodata) and needs global lon/lat rasters.
     * Throws InvalidArgument when lon and lat differ in size.
     */
    std::vector<double> sample(const std::vector<double>& lon, const std::vector<double>& lat,
                               Resampling resampling = Resampling::Bilinear) const;

    /**
     * Normalised values: sample() followed by normalise(), except for SinrCompat, which follows
     * SINR exactly: each corner is z-scored with NaN -> 0 before the bilinear weights are applied
     * (so the result is never NaN for continuous layers). Needs fitNormalisation first.
     */
    std::vector<double> sampleNormalised(const std::vector<double>& lon,
                                         const std::vector<double>& lat,
                                         Resampling resampling = Resampling::Bilinear) const;

    /**
     * Fits mean and population standard deviation per feature on `samples` ([n x F], rows with
     * any NaN ignored). One-hot columns keep mean 0, std 1; a std of 0 becomes 1. Throws
     * InvalidArgument on a size mismatch or when no row is complete.
     */
    void fitNormalisation(const std::vector<double>& samples);
    bool hasNormalisation() const;
    const std::vector<double>& mean() const;
    const std::vector<double>& stddev() const;

    /** In place (x - mean) / std on [n x F]; NaN stays NaN. Needs fitNormalisation. */
    void normalise(std::vector<double>& samples) const;

    /**
     * JSON: {"format": "geoinr-covariates", "version": 1, "layers": [{name, path, band,
     * categorical, levels}], "features": [...], "normalisation": {"mean": [...], "std": [...]}
     * or null}.
     */
    nlohmann::json describe() const;

    /** lon/lat bounding box of layer `layer`: {west, south, east, north} (degrees). */
    std::vector<double> lonLatBounds(std::size_t layer = 0) const;

    /**
     * n points drawn uniformly on the sphere inside the first layer's lon/lat bounding box,
     * keeping those where every layer is valid; deterministic for a seed (std::mt19937_64).
     * Throws InvalidArgument after 1000 * n candidates without n valid points.
     */
    void randomValidPoints(std::size_t n, std::uint64_t seed, std::vector<double>& lon,
                           std::vector<double>& lat) const;

    struct Impl;

  private:
    explicit CovariateStack(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace geoinr::rasters
