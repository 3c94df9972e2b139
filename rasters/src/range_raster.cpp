// SPDX-License-Identifier: MIT
// Tiled prediction of a checkpoint onto a raster grid (GDAL writer, PROJ transforms).
#include "gdal_util.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/range_raster.h>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <unistd.h>

namespace geoinr::rasters
{
namespace
{

struct ResolvedGrid
{
    OGRSpatialReference srs;
    double geoTransform[6] = {0, 1, 0, 0, 0, -1};
    int width = 0;
    int height = 0;
};

ResolvedGrid resolveGrid(const GridSpec& spec, const nlohmann::json& covariates,
                         const CovariateStack* openStack)
{
    ResolvedGrid g;
    if (!spec.likeRaster.empty())
    {
        std::unique_ptr<GDALDataset> ds(
            GDALDataset::Open(spec.likeRaster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (!ds)
        {
            throw IoError(fmt::format("--like {}: cannot open as a raster", spec.likeRaster));
        }
        ds->GetGeoTransform(g.geoTransform);
        g.width = ds->GetRasterXSize();
        g.height = ds->GetRasterYSize();
        const auto* srs = ds->GetSpatialRef();
        g.srs = srs != nullptr ? *srs : detail::wgs84LonLat();
        g.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        return g;
    }
    g.srs = detail::parseCrs(spec.crs, "--crs");
    std::vector<double> extent = spec.extent;
    double res = spec.resolution;
    if (extent.empty())
    {
        if (covariates.value("kind", "none") == "rasters" && detail::isWgs84(g.srs))
        {
            // The model's own stack when prediction opened one; else only for the bounds.
            const auto b = openStack != nullptr
                               ? openStack->lonLatBounds(0)
                               : CovariateStack::fromDescription(covariates).lonLatBounds(0);
            extent = {b[0], b[1], b[2], b[3]};
            if (res <= 0.0)
            {
                res = covariates.value("grid_resolution_deg", 0.5);
            }
        }
        else if (g.srs.IsGeographic())
        {
            extent = {-180.0, -90.0, 180.0, 90.0};
        }
        else
        {
            throw InvalidArgument("--extent: required for a projected --crs");
        }
    }
    if (extent.size() != 4 || !(extent[0] < extent[2]) || !(extent[1] < extent[3]))
    {
        throw InvalidArgument("--extent: expected xmin ymin xmax ymax with min < max");
    }
    if (res <= 0.0)
    {
        res = g.srs.IsGeographic() ? 0.5 : (extent[2] - extent[0]) / 1000.0;
    }
    const double w = std::ceil((extent[2] - extent[0]) / res - 1e-9);
    const double h = std::ceil((extent[3] - extent[1]) / res - 1e-9);
    if (w * h > 4e9 || w < 1 || h < 1)
    {
        throw InvalidArgument(fmt::format("--resolution {}: gives a {} x {} grid", res, w, h));
    }
    g.width = static_cast<int>(w);
    g.height = static_cast<int>(h);
    const double gt[6] = {extent[0], res, 0.0, extent[3], 0.0, -res};
    std::copy(gt, gt + 6, g.geoTransform);
    return g;
}

/** Covariate access for the model's inputs, or nothing for coordinate-only models. */
std::unique_ptr<CovariateStack> openCovariates(const core::Predictor& predictor)
{
    if (predictor.numEnvFeatures() == 0)
    {
        return nullptr;
    }
    const auto& cov = predictor.header().at("metadata").value("covariates", nlohmann::json{});
    if (cov.value("kind", "none") != "rasters")
    {
        throw InvalidArgument("this model was trained on table covariates: predicting on a grid "
                              "needs covariate rasters (train with --covariates)");
    }
    return std::make_unique<CovariateStack>(CovariateStack::fromDescription(cov));
}

class TempFile
{
  public:
    explicit TempFile(std::string path) : m_path(std::move(path)) {}
    ~TempFile()
    {
        if (!m_released)
        {
            VSIUnlink(m_path.c_str());
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return m_path; }
    void release() { m_released = true; }

  private:
    std::string m_path;
    bool m_released = false;
};

} // namespace

void predictRangeRaster(const PredictRasterOptions& o, const core::ProgressSink& progress)
{
    ensureGdalRegistered();
    if (o.output.empty())
    {
        throw InvalidArgument("--output: required");
    }
    if (o.format != "GTiff" && o.format != "COG")
    {
        throw InvalidArgument(fmt::format("--format: expected GTiff or COG, got '{}'", o.format));
    }
    if (o.blockSize < 16 || o.blockSize > 4096 || o.blockSize % 16 != 0)
    {
        throw InvalidArgument(fmt::format(
            "--block-size: expected a multiple of 16 in [16, 4096] (GeoTIFF tiles), got {}",
            o.blockSize));
    }
    if (o.grid.resolution < 0.0 || !std::isfinite(o.grid.resolution))
    {
        throw InvalidArgument(
            fmt::format("--resolution: expected a positive pixel size, got {}", o.grid.resolution));
    }
    if (o.threshold > 1.0)
    {
        throw InvalidArgument(
            fmt::format("--threshold: expected a probability in [0, 1], got {}", o.threshold));
    }
    const auto predictor = core::Predictor::load(o.checkpoint);
    std::vector<std::int64_t> species;
    const std::vector<std::string> names =
        o.species.empty() ? predictor->speciesNames() : o.species;
    species.reserve(names.size());
    for (const auto& n : names)
    {
        species.push_back(predictor->speciesIndex(n));
    }
    const auto covariates = openCovariates(*predictor);
    const auto& meta = predictor->header().at("metadata");
    const auto grid =
        resolveGrid(o.grid, meta.value("covariates", nlohmann::json::object()), covariates.get());
    const auto resampling = parseResampling(meta.value("covariates", nlohmann::json::object())
                                                .value("resampling", std::string("bilinear")));

    const bool binary = o.threshold >= 0.0;
    const auto bands = static_cast<int>(species.size());
    TempFile tmp(fmt::format("{}.tmp-{}.tif", o.output, getpid()));
    auto* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    const std::string bx = fmt::format("BLOCKXSIZE={}", o.blockSize);
    const std::string by = fmt::format("BLOCKYSIZE={}", o.blockSize);
    const char* createOptions[] = {"TILED=YES",        bx.c_str(),         by.c_str(),
                                   "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER", nullptr};
    std::unique_ptr<GDALDataset> ds(gtiff->Create(tmp.path().c_str(), grid.width, grid.height,
                                                  bands, binary ? GDT_Byte : GDT_Float32,
                                                  const_cast<char**>(createOptions)));
    if (!ds)
    {
        throw IoError(fmt::format("{}: cannot create ({})", tmp.path(), CPLGetLastErrorMsg()));
    }
    ds->SetGeoTransform(const_cast<double*>(grid.geoTransform));
    ds->SetSpatialRef(&grid.srs);
    // Probabilities use -1 as nodata; logits can take any value, so they use NaN.
    const double nodata = binary ? 255.0 : (o.logits ? std::nan("") : -1.0);
    for (int b = 0; b < bands; ++b)
    {
        auto* band = ds->GetRasterBand(b + 1);
        band->SetDescription(names[static_cast<std::size_t>(b)].c_str());
        band->SetNoDataValue(nodata);
    }
    ds->SetMetadataItem("GEOINR_CHECKPOINT",
                        std::filesystem::absolute(o.checkpoint).string().c_str());
    ds->SetMetadataItem("GEOINR_MODEL", predictor->header().at("model").dump().c_str());
    const auto kindText = binary ? fmt::format("binary p>={}", o.threshold)
                                 : (o.logits ? std::string("logit") : std::string("probability"));
    ds->SetMetadataItem("GEOINR_OUTPUT", kindText.c_str());

    auto wgs84 = detail::wgs84LonLat();
    std::unique_ptr<OGRCoordinateTransformation> toLonLat(
        OGRCreateCoordinateTransformation(&grid.srs, &wgs84));
    if (!toLonLat)
    {
        throw InvalidArgument("--crs: no transformation to WGS84 lon/lat");
    }

    const int bs = o.blockSize;
    const int tilesX = (grid.width + bs - 1) / bs;
    const int tilesY = (grid.height + bs - 1) / bs;
    const double total = static_cast<double>(tilesX) * tilesY;
    std::vector<float> out;
    std::vector<float> bandBuf;
    std::vector<std::uint8_t> byteBuf;
    for (int ty = 0; ty < tilesY; ++ty)
    {
        for (int tx = 0; tx < tilesX; ++tx)
        {
            const int x0 = tx * bs, y0 = ty * bs;
            const int w = std::min(bs, grid.width - x0), h = std::min(bs, grid.height - y0);
            const auto n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
            std::vector<double> xs(n), ys(n);
            for (int r = 0; r < h; ++r)
            {
                for (int c = 0; c < w; ++c)
                {
                    const double px = x0 + c + 0.5, py = y0 + r + 0.5;
                    const auto i = static_cast<std::size_t>(r) * w + c;
                    xs[i] = grid.geoTransform[0] + px * grid.geoTransform[1] +
                            py * grid.geoTransform[2];
                    ys[i] = grid.geoTransform[3] + px * grid.geoTransform[4] +
                            py * grid.geoTransform[5];
                }
            }
            std::vector<int> ok(n, 0);
            toLonLat->Transform(static_cast<int>(n), xs.data(), ys.data(), nullptr, ok.data());
            std::vector<double> env;
            if (covariates)
            {
                env = covariates->sampleNormalised(xs, ys, resampling);
            }
            const auto c = static_cast<std::size_t>(predictor->numEnvFeatures());
            std::vector<float> lonLat, envValid;
            std::vector<std::size_t> validIdx;
            for (std::size_t i = 0; i < n; ++i)
            {
                bool valid = ok[i] != 0 && std::isfinite(xs[i]) && std::isfinite(ys[i]) &&
                             std::abs(ys[i]) <= 90.0;
                for (std::size_t j = 0; valid && j < c; ++j)
                {
                    valid = std::isfinite(env[i * c + j]);
                }
                if (!valid)
                {
                    continue;
                }
                double lon = std::remainder(xs[i], 360.0);
                lonLat.push_back(static_cast<float>(lon));
                lonLat.push_back(static_cast<float>(ys[i]));
                for (std::size_t j = 0; j < c; ++j)
                {
                    envValid.push_back(static_cast<float>(env[i * c + j]));
                }
                validIdx.push_back(i);
            }
            out.assign(validIdx.size() * species.size(), 0.0f);
            predictor->predict(lonLat.data(), envValid.data(),
                               static_cast<std::int64_t>(validIdx.size()), species, out.data(),
                               o.logits && !binary ? core::OutputKind::Logit
                                                   : core::OutputKind::Probability);
            for (int b = 0; b < bands; ++b)
            {
                bandBuf.assign(n, static_cast<float>(nodata));
                for (std::size_t k = 0; k < validIdx.size(); ++k)
                {
                    const float p = out[k * species.size() + static_cast<std::size_t>(b)];
                    bandBuf[validIdx[k]] = binary ? (p >= o.threshold ? 1.0f : 0.0f) : p;
                }
                CPLErr err = CE_None;
                if (binary)
                {
                    byteBuf.assign(bandBuf.begin(), bandBuf.end());
                    err = ds->GetRasterBand(b + 1)->RasterIO(GF_Write, x0, y0, w, h, byteBuf.data(),
                                                             w, h, GDT_Byte, 0, 0);
                }
                else
                {
                    err = ds->GetRasterBand(b + 1)->RasterIO(GF_Write, x0, y0, w, h, bandBuf.data(),
                                                             w, h, GDT_Float32, 0, 0);
                }
                if (err != CE_None)
                {
                    throw IoError(
                        fmt::format("{}: write failed ({})", tmp.path(), CPLGetLastErrorMsg()));
                }
            }
            core::reportProgress(
                progress, (ty * tilesX + tx + 1) / total,
                fmt::format("tile {}/{}", ty * tilesX + tx + 1, static_cast<long>(total)));
        }
    }
    ds->FlushCache();
    if (o.format == "COG")
    {
        auto* cog = GetGDALDriverManager()->GetDriverByName("COG");
        TempFile cogTmp(fmt::format("{}.tmp-{}.cog.tif", o.output, getpid()));
        const char* cogOptions[] = {"COMPRESS=DEFLATE", "OVERVIEWS=AUTO", nullptr};
        std::unique_ptr<GDALDataset> c(cog->CreateCopy(cogTmp.path().c_str(), ds.get(), FALSE,
                                                       const_cast<char**>(cogOptions), nullptr,
                                                       nullptr));
        if (!c)
        {
            throw IoError(
                fmt::format("{}: COG conversion failed ({})", o.output, CPLGetLastErrorMsg()));
        }
        c.reset();
        ds.reset();
        if (std::rename(cogTmp.path().c_str(), o.output.c_str()) != 0)
        {
            throw IoError(fmt::format("{}: cannot move the result into place", o.output));
        }
        cogTmp.release();
        return;
    }
    ds.reset(); // closes and flushes
    if (std::rename(tmp.path().c_str(), o.output.c_str()) != 0)
    {
        throw IoError(fmt::format("{}: cannot move the result into place", o.output));
    }
    tmp.release();
}

} // namespace geoinr::rasters
