// SPDX-License-Identifier: MIT
// GridPredictor: windows of a grid -> lon/lat -> covariates -> Predictor -> stored band values
// (species probabilities and their encodings, or the network's embedding: one "kernel" each).
#include "gdal_util.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/grid_predictor.h>

#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>

namespace geoinr::rasters
{
namespace
{

constexpr double kByteScale = 254.0;
constexpr double kByteNodata = 255.0;

/** The nodata value of bands holding `kind`. */
double nodataOf(RangeOutput kind)
{
    switch (kind)
    {
    case RangeOutput::Probability:
        return -1.0;
    case RangeOutput::Logit:
    case RangeOutput::Embedding:
        return std::numeric_limits<double>::quiet_NaN();
    default:
        return kByteNodata;
    }
}

/** The checkpoint's covariate description with user paths swapped in; null for coords models. */
nlohmann::json covariateDescription(const core::Predictor& predictor,
                                    const std::map<std::string, std::string>& paths)
{
    const auto& meta = predictor.header().at("metadata");
    auto description = meta.value("covariates", nlohmann::json{});
    if (predictor.numEnvFeatures() == 0)
    {
        if (!paths.empty())
        {
            throw InvalidArgument("covariates: this model uses coordinates only, it reads no "
                                  "covariate rasters");
        }
        return nullptr;
    }
    if (!description.is_object() || description.value("kind", "none") != "rasters")
    {
        throw InvalidArgument("this model was trained on table covariates: predicting on a grid "
                              "needs covariate rasters (train with --covariates)");
    }
    auto remaining = paths;
    for (auto& layer : description.at("layers"))
    {
        const auto it = remaining.find(layer.value("name", ""));
        if (it != remaining.end())
        {
            layer["path"] = std::filesystem::absolute(it->second).lexically_normal().string();
            remaining.erase(it);
        }
    }
    if (!remaining.empty())
    {
        std::vector<std::string> names;
        for (const auto& layer : description.at("layers"))
        {
            names.push_back(layer.value("name", ""));
        }
        throw InvalidArgument(fmt::format("covariates: '{}' is not a covariate layer of the model "
                                          "(its layers: {})",
                                          remaining.begin()->first, fmt::join(names, ", ")));
    }
    return description;
}

std::vector<double> resolveThresholds(const core::Predictor& predictor,
                                      const std::vector<std::int64_t>& species,
                                      const std::string& text)
{
    if (text.empty())
    {
        throw InvalidArgument(fmt::format("threshold: binary output needs a probability in [0, 1] "
                                          "or a rule stored in the checkpoint ({})",
                                          fmt::join(core::storedThresholdRules(), ", ")));
    }
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && *end == '\0')
    {
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw InvalidArgument(
                fmt::format("threshold: expected a probability in [0, 1], got {}", text));
        }
        return std::vector<double>(species.size(), value);
    }
    const auto& rules = core::storedThresholdRules();
    if (std::find(rules.begin(), rules.end(), text) == rules.end())
    {
        throw InvalidArgument(fmt::format("threshold: '{}' is neither a probability nor a rule "
                                          "({})",
                                          text, fmt::join(rules, ", ")));
    }
    const auto& meta = predictor.header().at("metadata");
    const auto stored = meta.value("thresholds", nlohmann::json::object());
    if (!stored.contains(text))
    {
        throw InvalidArgument(fmt::format("threshold: the checkpoint stores no '{}' thresholds "
                                          "(it was trained by an older GeoINR or without "
                                          "presences); give a probability instead",
                                          text));
    }
    const auto values = stored.at(text).get<std::vector<double>>();
    std::vector<double> out;
    for (auto s : species)
    {
        if (s >= static_cast<std::int64_t>(values.size()))
        {
            throw CheckpointError(fmt::format("metadata.thresholds.{}: {} values for {} species",
                                              text, values.size(),
                                              predictor.speciesNames().size()));
        }
        out.push_back(values[static_cast<std::size_t>(s)]);
    }
    return out;
}

} // namespace

std::string rangeOutputName(RangeOutput kind)
{
    switch (kind)
    {
    case RangeOutput::Probability:
        return "probability";
    case RangeOutput::Logit:
        return "logit";
    case RangeOutput::ProbabilityByte:
        return "byte";
    case RangeOutput::Binary:
        return "binary";
    case RangeOutput::Embedding:
        return "embedding";
    }
    return "probability";
}

RangeOutput parseRangeOutput(const std::string& name)
{
    for (auto kind : {RangeOutput::Probability, RangeOutput::Logit, RangeOutput::ProbabilityByte,
                      RangeOutput::Binary, RangeOutput::Embedding})
    {
        if (rangeOutputName(kind) == name)
        {
            return kind;
        }
    }
    throw InvalidArgument(fmt::format(
        "output: expected probability, logit, byte, binary or embedding, got '{}'", name));
}

/** What one thread needs: its own covariate readers and transform (neither is thread-safe). */
struct GridPredictor::Worker
{
    std::unique_ptr<CovariateStack> covariates;
    std::unique_ptr<CovariateStack> mask;
    std::string gridWkt;
    bool gridIsLonLat = false;
    detail::TransformPtr toLonLat;
    std::vector<double> xs, ys, lon, lat;
    std::vector<int> ok;
    std::vector<float> lonLat, env, values;
    std::vector<std::size_t> valid;
};

struct GridPredictor::Impl
{
    std::shared_ptr<const core::Predictor> predictor;
    GridPredictorOptions options;
    std::vector<std::string> names;
    std::vector<std::int64_t> species;
    std::vector<double> thresholds;
    nlohmann::json covariates;
    Resampling resampling = Resampling::Bilinear;

    std::mutex poolMutex;
    std::vector<std::unique_ptr<Worker>> idle;

    std::unique_ptr<Worker> makeWorker() const
    {
        auto w = std::make_unique<Worker>();
        if (!covariates.is_null())
        {
            w->covariates =
                std::make_unique<CovariateStack>(CovariateStack::fromDescription(covariates));
        }
        if (!options.mask.empty())
        {
            w->mask = std::make_unique<CovariateStack>(
                CovariateStack::fromSpecs({{"mask", options.mask, 1, false, {}}}));
        }
        return w;
    }
    std::unique_ptr<Worker> borrow()
    {
        {
            std::lock_guard<std::mutex> lock(poolMutex);
            if (!idle.empty())
            {
                auto w = std::move(idle.back());
                idle.pop_back();
                return w;
            }
        }
        return makeWorker();
    }
    void giveBack(std::unique_ptr<Worker> w)
    {
        std::lock_guard<std::mutex> lock(poolMutex);
        idle.push_back(std::move(w));
    }
    void compute(Worker& wk, const RasterGrid& grid, int x0, int y0, int w, int h,
                 float* out) const;
    /** The kernel: wk.values[kept x bands] in stored units for the kept points of wk. */
    void evaluate(Worker& wk, std::size_t kept) const;
};

GridPredictor::GridPredictor(const std::string& checkpoint, GridPredictorOptions options)
    : GridPredictor(core::Predictor::load(checkpoint), std::move(options))
{
}

GridPredictor::GridPredictor(std::shared_ptr<const core::Predictor> predictor,
                             GridPredictorOptions options)
    : m_impl(std::make_unique<Impl>())
{
    ensureGdalRegistered();
    auto& m = *m_impl;
    m.predictor = std::move(predictor);
    m.options = std::move(options);
    if (m.options.output == RangeOutput::Embedding)
    {
        if (!m.options.species.empty())
        {
            throw InvalidArgument("species: the embedding output has one band per learned "
                                  "feature of the model, not per species; give no species");
        }
        for (std::int64_t i = 0; i < m.predictor->embeddingDim(); ++i)
        {
            m.names.push_back(fmt::format("embedding_{}", i));
        }
    }
    else
    {
        m.names = m.options.species.empty() ? m.predictor->speciesNames() : m.options.species;
        for (const auto& n : m.names)
        {
            m.species.push_back(m.predictor->speciesIndex(n));
        }
    }
    if (m.options.output == RangeOutput::Binary)
    {
        m.thresholds = resolveThresholds(*m.predictor, m.species, m.options.threshold);
    }
    else if (!m.options.threshold.empty())
    {
        throw InvalidArgument(fmt::format("threshold: only used with binary output, not {}",
                                          rangeOutputName(m.options.output)));
    }
    m.covariates = covariateDescription(*m.predictor, m.options.covariatePaths);
    if (!m.covariates.is_null())
    {
        m.resampling = parseResampling(m.covariates.value("resampling", "bilinear"));
    }
    m.idle.push_back(m.makeWorker()); // opens every raster now, so errors surface here
    core::useSingleThreadedMath();
}

GridPredictor::~GridPredictor() = default;

const core::Predictor& GridPredictor::predictor() const
{
    return *m_impl->predictor;
}
const std::vector<std::string>& GridPredictor::bandNames() const
{
    return m_impl->names;
}
int GridPredictor::bandCount() const
{
    return static_cast<int>(m_impl->names.size());
}
RangeOutput GridPredictor::output() const
{
    return m_impl->options.output;
}
const std::vector<double>& GridPredictor::thresholds() const
{
    return m_impl->thresholds;
}
bool GridPredictor::byteBands() const
{
    return output() == RangeOutput::ProbabilityByte || output() == RangeOutput::Binary;
}
double GridPredictor::nodata() const
{
    return nodataOf(output());
}
double GridPredictor::scale() const
{
    return output() == RangeOutput::ProbabilityByte ? 1.0 / kByteScale : 1.0;
}

std::map<std::string, std::string> GridPredictor::metadata(const std::string& checkpointPath) const
{
    const auto& header = predictor().header();
    std::string kind = rangeOutputName(output());
    if (output() == RangeOutput::Binary)
    {
        kind += " p>=" + m_impl->options.threshold;
    }
    std::map<std::string, std::string> items = {
        {"GEOINR_CHECKPOINT", std::filesystem::absolute(checkpointPath).string()},
        {"GEOINR_MODEL", header.at("model").dump()},
        {"GEOINR_OUTPUT", kind}};
    if (output() == RangeOutput::Embedding)
    {
        items["GEOINR_EMBEDDING_DIM"] = std::to_string(m_impl->names.size());
    }
    else
    {
        items["GEOINR_SPECIES"] = nlohmann::json(m_impl->names).dump();
    }
    if (output() == RangeOutput::Binary)
    {
        items["GEOINR_THRESHOLDS"] = nlohmann::json(m_impl->thresholds).dump();
    }
    if (header.contains("software"))
    {
        items["GEOINR_SOFTWARE"] = header.at("software").dump();
    }
    return items;
}

void GridPredictor::computeWindow(const RasterGrid& grid, int x0, int y0, int w, int h,
                                  float* out) const
{
    if (x0 < 0 || y0 < 0 || w < 0 || h < 0 || x0 + w > grid.width || y0 + h > grid.height)
    {
        throw InvalidArgument(fmt::format("window {} {} {} {} is outside the {} x {} grid", x0, y0,
                                          w, h, grid.width, grid.height));
    }
    auto worker = m_impl->borrow();
    try
    {
        computeBlocks(*worker, grid, x0, y0, w, h, out);
    }
    catch (...)
    {
        m_impl->giveBack(std::move(worker));
        throw;
    }
    m_impl->giveBack(std::move(worker));
}

void GridPredictor::computeBlocks(Worker& worker, const RasterGrid& grid, int x0, int y0, int w,
                                  int h, float* out) const
{
    const int b = kComputeBlock;
    const auto bands = static_cast<std::size_t>(bandCount());
    std::vector<float> block;
    for (int by = y0 / b; h > 0 && by <= (y0 + h - 1) / b; ++by)
    {
        for (int bx = x0 / b; w > 0 && bx <= (x0 + w - 1) / b; ++bx)
        {
            const int bx0 = bx * b, by0 = by * b;
            const int bw = std::min(b, grid.width - bx0), bh = std::min(b, grid.height - by0);
            if (bx0 == x0 && by0 == y0 && bw == w && bh == h)
            {
                m_impl->compute(worker, grid, x0, y0, w, h, out);
                return;
            }
            block.resize(static_cast<std::size_t>(bw) * static_cast<std::size_t>(bh) * bands);
            m_impl->compute(worker, grid, bx0, by0, bw, bh, block.data());
            // Copy the part of the block inside the window.
            const int cx0 = std::max(x0, bx0), cx1 = std::min(x0 + w, bx0 + bw);
            const int cy0 = std::max(y0, by0), cy1 = std::min(y0 + h, by0 + bh);
            const auto windowPixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
            const auto blockPixels = static_cast<std::size_t>(bw) * static_cast<std::size_t>(bh);
            for (std::size_t band = 0; band < bands; ++band)
            {
                for (int r = cy0; r < cy1; ++r)
                {
                    const float* src = block.data() + band * blockPixels +
                                       static_cast<std::size_t>(r - by0) * bw + (cx0 - bx0);
                    float* dst = out + band * windowPixels + static_cast<std::size_t>(r - y0) * w +
                                 (cx0 - x0);
                    std::copy(src, src + (cx1 - cx0), dst);
                }
            }
        }
    }
}

void GridPredictor::Impl::compute(Worker& wk, const RasterGrid& grid, int x0, int y0, int w, int h,
                                  float* out) const
{
    if (wk.gridWkt != grid.crsWkt || (!wk.toLonLat && !wk.gridIsLonLat))
    {
        const auto srs = detail::parseCrs(grid.crsWkt, "grid CRS");
        wk.gridIsLonLat = detail::isWgs84(srs);
        wk.toLonLat = wk.gridIsLonLat ? nullptr : detail::makeTransform(srs, detail::wgs84LonLat());
        wk.gridWkt = grid.crsWkt;
    }
    const auto n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    wk.xs.resize(n);
    wk.ys.resize(n);
    for (int r = 0; r < h; ++r)
    {
        for (int c = 0; c < w; ++c)
        {
            const auto p = grid.pixelCentre(x0 + c, y0 + r);
            const auto i = static_cast<std::size_t>(r) * static_cast<std::size_t>(w) +
                           static_cast<std::size_t>(c);
            wk.xs[i] = p[0];
            wk.ys[i] = p[1];
        }
    }
    wk.ok.assign(n, 1);
    if (wk.toLonLat && n > 0)
    {
        detail::QuietGdalErrors quiet; // points outside the projection's domain just fail
        wk.toLonLat->Transform(static_cast<int>(n), wk.xs.data(), wk.ys.data(), nullptr,
                               wk.ok.data());
    }
    // Centres with a lon/lat; longitudes wrapped into [-180, 180].
    wk.valid.clear();
    wk.lon.clear();
    wk.lat.clear();
    for (std::size_t i = 0; i < n; ++i)
    {
        if (wk.ok[i] != 0 && std::isfinite(wk.xs[i]) && std::isfinite(wk.ys[i]) &&
            std::abs(wk.ys[i]) <= 90.0)
        {
            wk.valid.push_back(i);
            wk.lon.push_back(std::remainder(wk.xs[i], 360.0));
            wk.lat.push_back(wk.ys[i]);
        }
    }
    const auto c = static_cast<std::size_t>(predictor->numEnvFeatures());
    std::vector<double> env;
    if (wk.covariates && !wk.valid.empty())
    {
        env = wk.covariates->sampleNormalised(wk.lon, wk.lat, resampling);
    }
    std::vector<double> maskValues;
    if (wk.mask && !wk.valid.empty())
    {
        maskValues = wk.mask->sample(wk.lon, wk.lat, Resampling::Nearest);
    }
    // Keep the points with every covariate and inside the mask.
    std::size_t kept = 0;
    wk.lonLat.clear();
    wk.env.clear();
    for (std::size_t k = 0; k < wk.valid.size(); ++k)
    {
        bool keep = maskValues.empty() || (std::isfinite(maskValues[k]) && maskValues[k] != 0.0);
        for (std::size_t j = 0; keep && j < c; ++j)
        {
            keep = std::isfinite(env[k * c + j]);
        }
        if (!keep)
        {
            continue;
        }
        wk.valid[kept++] = wk.valid[k];
        wk.lonLat.push_back(static_cast<float>(wk.lon[k]));
        wk.lonLat.push_back(static_cast<float>(wk.lat[k]));
        for (std::size_t j = 0; j < c; ++j)
        {
            wk.env.push_back(static_cast<float>(env[k * c + j]));
        }
    }
    wk.valid.resize(kept);
    const std::size_t bands = names.size();
    wk.values.assign(kept * bands, 0.0f);
    evaluate(wk, kept);
    // Point-major values -> band-major window, nodata where no point was kept.
    std::fill(out, out + n * bands, static_cast<float>(nodataOf(options.output)));
    for (std::size_t b = 0; b < bands; ++b)
    {
        float* band = out + b * n;
        for (std::size_t k = 0; k < kept; ++k)
        {
            band[wk.valid[k]] = wk.values[k * bands + b];
        }
    }
}

void GridPredictor::Impl::evaluate(Worker& wk, std::size_t kept) const
{
    const auto n = static_cast<std::int64_t>(kept);
    if (options.output == RangeOutput::Embedding)
    {
        predictor->embed(wk.lonLat.data(), wk.env.data(), n, wk.values.data());
        return;
    }
    const auto kind = options.output == RangeOutput::Logit ? core::OutputKind::Logit
                                                           : core::OutputKind::Probability;
    predictor->predict(wk.lonLat.data(), wk.env.data(), n, species, wk.values.data(), kind);
    const std::size_t bands = species.size();
    for (std::size_t k = 0; k < kept; ++k)
    {
        for (std::size_t b = 0; b < bands; ++b)
        {
            float& v = wk.values[k * bands + b];
            if (options.output == RangeOutput::ProbabilityByte)
            {
                v = static_cast<float>(std::lround(v * kByteScale));
            }
            else if (options.output == RangeOutput::Binary)
            {
                v = v >= thresholds[b] ? 1.0f : 0.0f;
            }
        }
    }
}

} // namespace geoinr::rasters
