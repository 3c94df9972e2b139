// SPDX-License-Identifier: MIT
// Geo Feature evaluation (science.md §5.6): target raster -> valid pixels -> SINR's checkerboard
// split -> embeddings at the pixels, streamed block by block into a ridge probe -> R².
#include "gdal_util.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/ridge_probe.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/geo_feature_evaluation.h>

#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

namespace geoinr::rasters
{
namespace
{

/** Pixels embedded per call: bounds memory at [block x H] floats whatever the raster size. */
constexpr std::int64_t kEmbedBlock = 16384;

/** True for a test pixel of SINR's checkerboard (row-block 0 starts with a test block). */
bool isTestBlock(std::int64_t row, std::int64_t col, int blockSize)
{
    return (row / blockSize + col / blockSize) % 2 == 0;
}

/** Band 1 of a lon/lat raster at the pixels whose row and column are multiples of `stride`. */
struct BandSample
{
    std::string path;
    int width = 0, height = 0; ///< of the raster
    std::array<double, 6> gt{};
    std::int64_t cols = 0, rows = 0; ///< of the subsampled grid
    std::vector<double> values;      ///< [rows x cols], NaN where invalid
};

BandSample readBand(const std::string& path, const std::string& what, int stride)
{
    detail::requireFileLike(path, what);
    std::unique_ptr<GDALDataset> ds;
    {
        detail::QuietGdalErrors quiet;
        ds.reset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (!ds)
        {
            throw IoError(fmt::format("{} {}: cannot open as a raster ({})", what, path,
                                      detail::lastGdalError()));
        }
    }
    BandSample s;
    s.path = path;
    s.width = ds->GetRasterXSize();
    s.height = ds->GetRasterYSize();
    if (ds->GetRasterCount() < 1 || s.width < 1 || s.height < 1)
    {
        throw InvalidArgument(fmt::format("{} {}: the raster has no band", what, path));
    }
    if (ds->GetGeoTransform(s.gt.data()) != CE_None)
    {
        throw InvalidArgument(fmt::format("{} {}: the raster has no geotransform", what, path));
    }
    const auto* srs = ds->GetSpatialRef();
    if (srs != nullptr && !detail::isMissingCrs(srs) && !srs->IsGeographic())
    {
        throw InvalidArgument(fmt::format("{} {}: expected a lon/lat raster, got CRS {} (warp it "
                                          "to EPSG:4326 first, e.g. with gdalwarp -t_srs "
                                          "EPSG:4326)",
                                          what, path, detail::crsLabel(*srs)));
    }
    auto* band = ds->GetRasterBand(1);
    int hasNodata = 0;
    const double nodata = band->GetNoDataValue(&hasNodata);
    const double scale = band->GetScale(), offset = band->GetOffset();
    s.cols = (s.width + stride - 1) / stride;
    s.rows = (s.height + stride - 1) / stride;
    s.values.resize(static_cast<std::size_t>(s.rows * s.cols));
    std::vector<double> line(static_cast<std::size_t>(s.width));
    for (std::int64_t r = 0; r < s.rows; ++r)
    {
        const int y = static_cast<int>(r * stride);
        if (band->RasterIO(GF_Read, 0, y, s.width, 1, line.data(), s.width, 1, GDT_Float64, 0, 0,
                           nullptr) != CE_None)
        {
            throw IoError(fmt::format("{} {}: read failed at row {}", what, path, y));
        }
        for (std::int64_t c = 0; c < s.cols; ++c)
        {
            const double v = line[static_cast<std::size_t>(c * stride)];
            const bool isNodata = hasNodata != 0 && (v == nodata || static_cast<float>(v) ==
                                                                        static_cast<float>(nodata));
            s.values[static_cast<std::size_t>(r * s.cols + c)] =
                std::isfinite(v) && !isNodata ? v * scale + offset
                                              : std::numeric_limits<double>::quiet_NaN();
        }
    }
    return s;
}

/** lon/lat of pixel (row, col) of the full raster; false when it has none. */
bool pixelLonLat(const BandSample& s, FeatureLocations where, std::int64_t row, std::int64_t col,
                 double& lon, double& lat)
{
    if (where == FeatureLocations::SinrGrid)
    {
        // np.linspace(-180, 180, W) and np.linspace(90, -90, H).
        lon = s.width > 1 ? -180.0 + 360.0 * static_cast<double>(col) / (s.width - 1) : -180.0;
        lat = s.height > 1 ? 90.0 - 180.0 * static_cast<double>(row) / (s.height - 1) : 90.0;
        return true;
    }
    const double px = static_cast<double>(col) + 0.5, py = static_cast<double>(row) + 0.5;
    const double x = s.gt[0] + px * s.gt[1] + py * s.gt[2];
    const double y = s.gt[3] + px * s.gt[4] + py * s.gt[5];
    if (!std::isfinite(x) || !std::isfinite(y) || std::abs(y) > 90.0)
    {
        return false;
    }
    lon = std::remainder(x, 360.0);
    lat = y;
    return true;
}

/** SinrGrid only makes sense on a north-up raster covering -180..180 x -90..90. */
void requireGlobal(const BandSample& s)
{
    const double halfX = 0.5 * std::abs(s.gt[1]), halfY = 0.5 * std::abs(s.gt[5]);
    const double west = s.gt[0], east = s.gt[0] + s.width * s.gt[1];
    const double north = s.gt[3], south = s.gt[3] + s.height * s.gt[5];
    if (s.gt[2] != 0.0 || s.gt[4] != 0.0 || std::abs(west + 180.0) > halfX ||
        std::abs(east - 180.0) > halfX || std::abs(north - 90.0) > halfY ||
        std::abs(south + 90.0) > halfY)
    {
        throw InvalidArgument(fmt::format(
            "--locations sinr: {} covers lon {}..{}, lat {}..{}; SINR's coord_grid needs a global "
            "north-up lon/lat raster (-180..180, 90..-90); use pixel_centres",
            s.path, west, east, south, north));
    }
}

/** The checkpoint's covariate rasters, or null for a coordinate-only model. */
std::unique_ptr<CovariateStack> modelCovariates(const core::Predictor& predictor,
                                                Resampling& resampling)
{
    if (predictor.numEnvFeatures() == 0)
    {
        return nullptr;
    }
    const auto cov =
        predictor.header().at("metadata").value("covariates", nlohmann::json{{"kind", "none"}});
    if (!cov.is_object() || cov.value("kind", std::string("none")) != "rasters")
    {
        throw InvalidArgument("geo-feature: this model was trained on table covariates; its "
                              "features can only be computed where those columns exist, not on "
                              "a raster grid (use a coordinate-only or raster-covariate model)");
    }
    resampling = parseResampling(cov.value("resampling", std::string("bilinear")));
    return std::make_unique<CovariateStack>(CovariateStack::fromDescription(cov));
}

/** The pixels of one target that enter the probe, in row-major order. */
struct Pixels
{
    std::vector<float> lonLat; ///< [n x 2]
    std::vector<float> env;    ///< [n x C] normalised covariates (empty for coordinate models)
    std::vector<double> y;     ///< scaled target
    std::vector<std::uint8_t> split;
    std::int64_t train = 0, test = 0;
    std::size_t size() const { return y.size(); }
};

/** Work done so far and in all, for one progress fraction over every target. */
struct ProgressState
{
    const core::ProgressSink* sink = nullptr;
    double done = 0.0, total = 1.0;
};

/** Embeds the pixels with split == `which` block by block and feeds them to the probe. */
void embedInto(const core::Predictor& predictor, const Pixels& p, std::uint8_t which,
               core::RidgeProbe& probe, ProgressState& progress, const std::string& label)
{
    const auto h = predictor.embeddingDim();
    const auto c = static_cast<std::size_t>(predictor.numEnvFeatures());
    std::vector<float> lonLat, env, emb;
    std::vector<double> y;
    const auto flush = [&]
    {
        const auto n = static_cast<std::int64_t>(y.size());
        emb.resize(static_cast<std::size_t>(n * h));
        predictor.embed(lonLat.data(), env.data(), n, emb.data());
        if (which == 1)
        {
            probe.addTrainRows(emb.data(), y.data(), n);
        }
        else
        {
            probe.addTestRows(emb.data(), y.data(), n);
        }
        progress.done += static_cast<double>(n);
        core::reportProgress(
            *progress.sink, progress.done / progress.total,
            fmt::format("{}: embedding {} pixels", label, which == 1 ? "train" : "test"));
        lonLat.clear();
        env.clear();
        y.clear();
    };
    for (std::size_t i = 0; i < p.size(); ++i)
    {
        if (p.split[i] != which)
        {
            continue;
        }
        lonLat.insert(lonLat.end(), p.lonLat.begin() + static_cast<std::ptrdiff_t>(2 * i),
                      p.lonLat.begin() + static_cast<std::ptrdiff_t>(2 * i + 2));
        env.insert(env.end(), p.env.begin() + static_cast<std::ptrdiff_t>(c * i),
                   p.env.begin() + static_cast<std::ptrdiff_t>(c * (i + 1)));
        y.push_back(p.y[i]);
        if (static_cast<std::int64_t>(y.size()) == kEmbedBlock)
        {
            flush();
        }
    }
    if (!y.empty())
    {
        flush();
    }
}

void checkOptions(const GeoFeatureOptions& o)
{
    if (o.targets.empty())
    {
        throw InvalidArgument("--target: expected at least one raster");
    }
    if (o.blockSize < 1)
    {
        throw InvalidArgument(
            fmt::format("--block-size: expected a number of pixels >= 1, got {}", o.blockSize));
    }
    if (o.stride < 1)
    {
        throw InvalidArgument(fmt::format("--stride: expected an integer >= 1, got {}", o.stride));
    }
    if (o.folds < 2)
    {
        throw InvalidArgument(fmt::format("--folds: expected an integer >= 2, got {}", o.folds));
    }
    if (o.alphas.empty())
    {
        throw InvalidArgument("--alphas: expected at least one value");
    }
    for (double a : o.alphas)
    {
        if (!(a > 0.0) || !std::isfinite(a))
        {
            throw InvalidArgument(fmt::format("--alphas: expected numbers > 0, got {}", a));
        }
    }
}

class Evaluation
{
  public:
    Evaluation(const core::Predictor& predictor, const GeoFeatureOptions& o,
               const core::ProgressSink& progress)
        : m_predictor(predictor), m_o(o)
    {
        m_covariates = modelCovariates(predictor, m_resampling);
        m_progress.sink = &progress;
    }

    /** Reads and prepares every target first, so the progress total is known. */
    nlohmann::json run()
    {
        std::vector<Pixels> pixels;
        std::vector<nlohmann::json> reports;
        m_progress.total = 0.0;
        for (std::size_t t = 0; t < m_o.targets.size(); ++t)
        {
            core::reportProgress(*m_progress.sink, 0.0,
                                 fmt::format("reading {}", m_o.targets[t].path));
            nlohmann::json report;
            pixels.push_back(prepare(m_o.targets[t], report));
            m_progress.total += static_cast<double>(pixels.back().train + pixels.back().test);
            reports.push_back(std::move(report));
        }
        m_progress.total = std::max(m_progress.total, 1.0);
        nlohmann::json targets = nlohmann::json::array();
        double sumTest = 0.0, sumTrain = 0.0;
        for (std::size_t t = 0; t < pixels.size(); ++t)
        {
            const auto start = std::chrono::steady_clock::now();
            const auto label = fmt::format("target {}/{}", t + 1, pixels.size());
            core::RidgeProbeOptions po;
            po.alphas = m_o.alphas;
            po.folds = m_o.folds;
            core::RidgeProbe probe(m_predictor.embeddingDim(), pixels[t].train, po);
            embedInto(m_predictor, pixels[t], 1, probe, m_progress, label);
            embedInto(m_predictor, pixels[t], 2, probe, m_progress, label);
            pixels[t] = Pixels{}; // free before the next target
            const auto r = probe.solve();
            auto& report = reports[t];
            report["alpha"] = r.alpha;
            report["alpha_index"] = r.alphaIndex;
            report["mean_fold_r2"] = r.meanFoldR2;
            report["fold_r2"] = r.foldR2;
            report["r2_train"] = r.trainR2;
            report["r2_test"] = r.testR2;
            report["seconds"] =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            sumTest += r.testR2;
            sumTrain += r.trainR2;
            targets.push_back(report);
        }
        const double count = static_cast<double>(targets.size());
        std::vector<double> alphas = m_o.alphas;
        return {{"protocol",
                 "SINR Geo Feature (science.md §5.6): ridge probe of the model's learned "
                 "features, alpha by contiguous k-fold CV, R² on held-out checkerboard "
                 "blocks"},
                {"embedding_dim", m_predictor.embeddingDim()},
                {"covariates", m_covariates ? "checkpoint rasters" : "none"},
                {"mask", m_o.mask},
                {"block_size", m_o.blockSize},
                {"stride", m_o.stride},
                {"alphas", alphas},
                {"folds", m_o.folds},
                {"locations", featureLocationsName(m_o.locations)},
                {"targets", targets},
                {"mean_r2_test", sumTest / count},
                {"mean_r2_train", sumTrain / count}};
    }

  private:
    /** Valid pixels of one target with their locations, covariates and scaled values. */
    Pixels prepare(const GeoFeatureTarget& target, nlohmann::json& report)
    {
        auto s = readBand(target.path, "--target", m_o.stride);
        if (m_o.locations == FeatureLocations::SinrGrid)
        {
            requireGlobal(s);
        }
        const std::vector<double>* mask = nullptr;
        if (!m_o.mask.empty())
        {
            mask = &maskFor(s);
        }
        Pixels p;
        std::vector<double> lon, lat;
        std::int64_t noLocation = 0, masked = 0;
        const auto n = s.values.size();
        std::vector<std::size_t> index; // into s.values
        for (std::size_t i = 0; i < n; ++i)
        {
            if (!std::isfinite(s.values[i]))
            {
                continue;
            }
            if (mask != nullptr && !((*mask)[i] != 0.0 && std::isfinite((*mask)[i])))
            {
                ++masked;
                continue;
            }
            const auto row = static_cast<std::int64_t>(i) / s.cols * m_o.stride;
            const auto col = static_cast<std::int64_t>(i) % s.cols * m_o.stride;
            double x = 0.0, y = 0.0;
            if (!pixelLonLat(s, m_o.locations, row, col, x, y))
            {
                ++noLocation;
                continue;
            }
            index.push_back(i);
            lon.push_back(x);
            lat.push_back(y);
        }
        // Covariate models: pixels where a covariate is missing have no features. Sampled in
        // chunks so that only float copies of the covariates are kept.
        const auto c = static_cast<std::size_t>(m_predictor.numEnvFeatures());
        std::vector<double> env, chunkLon, chunkLat;
        std::size_t chunkStart = 0;
        std::int64_t noCovariates = 0;
        for (std::size_t k = 0; k < index.size(); ++k)
        {
            if (m_covariates && k == chunkStart + chunkLon.size())
            {
                chunkStart = k;
                const auto end = std::min(index.size(), k + static_cast<std::size_t>(kEmbedBlock));
                chunkLon.assign(lon.begin() + static_cast<std::ptrdiff_t>(k),
                                lon.begin() + static_cast<std::ptrdiff_t>(end));
                chunkLat.assign(lat.begin() + static_cast<std::ptrdiff_t>(k),
                                lat.begin() + static_cast<std::ptrdiff_t>(end));
                env = m_covariates->sampleNormalised(chunkLon, chunkLat, m_resampling);
            }
            bool ok = true;
            for (std::size_t j = 0; ok && j < c; ++j)
            {
                ok = std::isfinite(env[(k - chunkStart) * c + j]);
            }
            if (!ok)
            {
                ++noCovariates;
                continue;
            }
            const auto i = index[k];
            const auto row = static_cast<std::int64_t>(i) / s.cols * m_o.stride;
            const auto col = static_cast<std::int64_t>(i) % s.cols * m_o.stride;
            p.lonLat.push_back(static_cast<float>(lon[k]));
            p.lonLat.push_back(static_cast<float>(lat[k]));
            for (std::size_t j = 0; j < c; ++j)
            {
                p.env.push_back(static_cast<float>(env[(k - chunkStart) * c + j]));
            }
            p.y.push_back(s.values[i]);
            const bool test = isTestBlock(row, col, m_o.blockSize);
            p.split.push_back(test ? 2 : 1);
            (test ? p.test : p.train) += 1;
        }
        if (p.y.empty())
        {
            throw InvalidArgument(fmt::format("--target {}: no valid pixel{}", target.path,
                                              mask != nullptr ? " inside --mask" : ""));
        }
        // SINR load_raster: optional log1p(v - min), then min-max to [0, 1] over valid pixels.
        const auto [lo, hi] = std::minmax_element(p.y.begin(), p.y.end());
        const double rawMin = *lo, rawMax = *hi;
        if (target.log1p)
        {
            for (auto& v : p.y)
            {
                v = std::log1p(v - rawMin);
            }
        }
        const auto [tlo, thi] = std::minmax_element(p.y.begin(), p.y.end());
        const double vmin = *tlo, vmax = *thi;
        if (!(vmax > vmin))
        {
            throw InvalidArgument(fmt::format(
                "--target {}: constant value {} over its {} valid pixels; R² is undefined",
                target.path, rawMin, p.y.size()));
        }
        for (auto& v : p.y)
        {
            v = (v - vmin) / (vmax - vmin);
        }
        if (p.train < m_o.folds || p.test < 1)
        {
            throw InvalidArgument(fmt::format(
                "--target {}: {} train and {} test pixels; {} folds need at least {} train "
                "pixels and the test needs one (smaller --block-size or --stride?)",
                target.path, p.train, p.test, m_o.folds, m_o.folds));
        }
        report = {{"target", target.path},
                  {"log1p", target.log1p},
                  {"width", s.width},
                  {"height", s.height},
                  {"pixels_sampled", s.values.size()},
                  {"pixels_valid", p.y.size()},
                  {"pixels_masked", masked},
                  {"pixels_without_location", noLocation},
                  {"pixels_without_covariates", noCovariates},
                  {"pixels_train", p.train},
                  {"pixels_test", p.test},
                  {"target_min", rawMin},
                  {"target_max", rawMax}};
        return p;
    }

    /** The mask on the target's grid (read once per grid). */
    const std::vector<double>& maskFor(const BandSample& target)
    {
        if (!m_mask || m_mask->width != target.width || m_mask->height != target.height)
        {
            m_mask = std::make_unique<BandSample>(readBand(m_o.mask, "--mask", m_o.stride));
        }
        const double tol = 1e-6 * std::max(std::abs(target.gt[1]), std::abs(target.gt[5]));
        bool same = m_mask->width == target.width && m_mask->height == target.height;
        for (std::size_t k = 0; same && k < 6; ++k)
        {
            same = std::abs(m_mask->gt[k] - target.gt[k]) <= tol;
        }
        if (!same)
        {
            throw InvalidArgument(fmt::format(
                "--mask {}: its grid ({} x {} pixels from {}, {} at {}) differs from --target "
                "{} ({} x {} pixels from {}, {} at {}); expected the same grid",
                m_o.mask, m_mask->width, m_mask->height, m_mask->gt[0], m_mask->gt[3],
                m_mask->gt[1], target.path, target.width, target.height, target.gt[0], target.gt[3],
                target.gt[1]));
        }
        return m_mask->values;
    }

    const core::Predictor& m_predictor;
    const GeoFeatureOptions& m_o;
    std::unique_ptr<CovariateStack> m_covariates;
    Resampling m_resampling = Resampling::Bilinear;
    std::unique_ptr<BandSample> m_mask;
    ProgressState m_progress;
};

} // namespace

std::string featureLocationsName(FeatureLocations l)
{
    return l == FeatureLocations::SinrGrid ? "sinr" : "pixel_centres";
}

FeatureLocations parseFeatureLocations(const std::string& name)
{
    for (auto l : {FeatureLocations::PixelCentres, FeatureLocations::SinrGrid})
    {
        if (featureLocationsName(l) == name)
        {
            return l;
        }
    }
    throw InvalidArgument(
        fmt::format("--locations: expected pixel_centres or sinr, got '{}'", name));
}

std::vector<std::uint8_t> spatialSplit(int width, int height,
                                       const std::vector<std::uint8_t>& valid, int blockSize)
{
    if (width < 0 || height < 0 ||
        valid.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height))
    {
        throw InvalidArgument(fmt::format("spatial split: {} validity flags for a {} x {} grid",
                                          valid.size(), width, height));
    }
    if (blockSize < 1)
    {
        throw InvalidArgument(
            fmt::format("--block-size: expected a number of pixels >= 1, got {}", blockSize));
    }
    std::vector<std::uint8_t> out(valid.size(), 0);
    for (int r = 0; r < height; ++r)
    {
        for (int c = 0; c < width; ++c)
        {
            const auto i = static_cast<std::size_t>(r) * static_cast<std::size_t>(width) +
                           static_cast<std::size_t>(c);
            if (valid[i] != 0)
            {
                out[i] = isTestBlock(r, c, blockSize) ? 2 : 1;
            }
        }
    }
    return out;
}

nlohmann::json evaluateGeoFeature(const core::Predictor& predictor,
                                  const GeoFeatureOptions& options,
                                  const core::ProgressSink& progress)
{
    ensureGdalRegistered();
    checkOptions(options);
    auto report = Evaluation(predictor, options, progress).run();
    core::reportProgress(progress, 1.0, "done");
    return report;
}

nlohmann::json evaluateGeoFeature(const std::string& checkpoint, const GeoFeatureOptions& options,
                                  const core::ProgressSink& progress)
{
    checkOptions(options);
    const auto predictor = core::Predictor::load(checkpoint);
    auto report = evaluateGeoFeature(*predictor, options, progress);
    report["checkpoint"] = checkpoint;
    return report;
}

} // namespace geoinr::rasters
