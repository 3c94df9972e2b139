// SPDX-License-Identifier: MIT
// Multithreaded tiled writer of a GridPredictor onto a grid (GeoTIFF, then COG if asked).
#include "gdal_util.h"
#include "output_file.h"

#include <geoinr/core/distributed.h>
#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/range_raster.h>

#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <numeric>
#include <thread>
#include <unistd.h>

namespace geoinr::rasters
{
namespace
{

using detail::closeChecked;
using detail::moveIntoPlace;
using detail::TempFile;
using detail::throwOnGdalFailure;

constexpr GIntBig kMaxCachedBytes = GIntBig{256} << 20;

void validate(const RasterWriteOptions& o)
{
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
    if (o.threads < 0)
    {
        throw InvalidArgument(fmt::format("--threads: expected >= 0, got {}", o.threads));
    }
}

/** A tiled GeoTIFF for bands [firstBand, firstBand + bands) of `p`. */
std::unique_ptr<GDALDataset> createTiff(const GridPredictor& p, const RasterGrid& grid,
                                        const RasterWriteOptions& o, const std::string& path,
                                        int firstBand, int bands)
{
    auto* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    const std::string bx = fmt::format("BLOCKXSIZE={}", o.blockSize);
    const std::string by = fmt::format("BLOCKYSIZE={}", o.blockSize);
    const char* createOptions[] = {"TILED=YES",        bx.c_str(),         by.c_str(),
                                   "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER", nullptr};
    std::unique_ptr<GDALDataset> ds(gtiff->Create(path.c_str(), grid.width, grid.height, bands,
                                                  p.byteBands() ? GDT_Byte : GDT_Float32,
                                                  const_cast<char**>(createOptions)));
    if (!ds)
    {
        throw IoError(fmt::format("{}: cannot create ({})", path, CPLGetLastErrorMsg()));
    }
    auto gt = grid.geoTransform;
    ds->SetGeoTransform(gt.data());
    auto srs = detail::parseCrs(grid.crsWkt, "grid CRS");
    ds->SetSpatialRef(&srs);
    for (int i = 0; i < bands; ++i)
    {
        const auto b = static_cast<std::size_t>(firstBand + i);
        auto* band = ds->GetRasterBand(i + 1);
        band->SetDescription(p.bandNames()[b].c_str());
        band->SetNoDataValue(p.nodata());
        if (p.scale() != 1.0)
        {
            band->SetScale(p.scale());
            band->SetOffset(0.0);
        }
        if (!p.thresholds().empty())
        {
            band->SetMetadataItem("GEOINR_THRESHOLD", fmt::format("{}", p.thresholds()[b]).c_str());
        }
    }
    for (const auto& [key, value] : p.metadata(o.checkpoint))
    {
        ds->SetMetadataItem(key.c_str(), value.c_str());
    }
    return ds;
}

/**
 * Computes tiles on `threads` threads; one thread at a time writes. `files` hold the bands in order
 * (one file with every band, or one file per band).
 */
void fillTiles(const GridPredictor& p, const RasterGrid& grid,
               const std::vector<std::unique_ptr<GDALDataset>>& files, int blockSize, int threads,
               const core::ProgressSink& progress, int firstRow, int rows)
{
    const int bandsPerFile = p.bandCount() / static_cast<int>(files.size());
    const int tilesX = (grid.width + blockSize - 1) / blockSize;
    const int tilesY = (rows + blockSize - 1) / blockSize;
    const long total = static_cast<long>(tilesX) * tilesY;
    std::atomic<long> next{0};
    std::atomic<bool> stop{false};
    std::mutex writeMutex;
    std::exception_ptr failure;
    long done = 0;
    auto work = [&]
    {
        std::vector<float> buffer;
        std::vector<std::uint8_t> bytes;
        try
        {
            for (long t = next++; t < total && !stop; t = next++)
            {
                const int x0 = static_cast<int>(t % tilesX) * blockSize;
                const int y0 = static_cast<int>(t / tilesX) * blockSize;
                const int w = std::min(blockSize, grid.width - x0);
                const int h = std::min(blockSize, rows - y0);
                const auto n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
                buffer.resize(n * static_cast<std::size_t>(p.bandCount()));
                // File rows y0.. are grid rows firstRow + y0.. (a part of the grid).
                p.computeWindow(grid, x0, firstRow + y0, w, h, buffer.data());
                if (p.byteBands())
                {
                    bytes.assign(buffer.begin(), buffer.end());
                }
                std::lock_guard<std::mutex> lock(writeMutex);
                if (stop)
                {
                    return;
                }
                for (std::size_t f = 0; f < files.size(); ++f)
                {
                    const std::size_t offset = f * static_cast<std::size_t>(bandsPerFile) * n;
                    auto& ds = *files[f];
                    const CPLErr err =
                        p.byteBands()
                            ? ds.RasterIO(GF_Write, x0, y0, w, h, bytes.data() + offset, w, h,
                                          GDT_Byte, bandsPerFile, nullptr, 0, 0, 0, nullptr)
                            : ds.RasterIO(GF_Write, x0, y0, w, h, buffer.data() + offset, w, h,
                                          GDT_Float32, bandsPerFile, nullptr, 0, 0, 0, nullptr);
                    if (err != CE_None)
                    {
                        throw IoError(fmt::format("{}: write failed ({})", ds.GetDescription(),
                                                  CPLGetLastErrorMsg()));
                    }
                }
                ++done;
                // Written tiles are complete: flush them rather than let GDAL's block cache
                // (5 % of RAM by default) grow with the grid.
                if (GDALGetCacheUsed64() > kMaxCachedBytes)
                {
                    for (const auto& file : files)
                    {
                        file->FlushCache(false);
                    }
                }
                try
                {
                    core::reportProgress(progress, static_cast<double>(done) / total,
                                         fmt::format("tile {}/{}", done, total));
                }
                catch (...)
                {
                    // Stop the others while the lock is still held: otherwise one of them could
                    // write its tile and call the progress sink again after a cancel.
                    stop = true;
                    throw;
                }
            }
        }
        catch (...)
        {
            std::lock_guard<std::mutex> lock(writeMutex);
            if (!failure)
            {
                failure = std::current_exception();
            }
            stop = true;
        }
    };
    const long count = std::min<long>(std::max(threads, 1), total);
    std::vector<std::thread> pool;
    for (long i = 1; i < count; ++i)
    {
        pool.emplace_back(work);
    }
    work();
    for (auto& t : pool)
    {
        t.join();
    }
    if (failure)
    {
        std::rethrow_exception(failure);
    }
}

/** COG copy of a finished GeoTIFF, with overviews. */
void convertToCog(const GridPredictor& p, GDALDataset& tiff, const RasterWriteOptions& o,
                  const std::string& path)
{
    auto* cog = GetGDALDriverManager()->GetDriverByName("COG");
    // Averaged overviews for probabilities; the most frequent class for 0/1 ranges.
    const std::string resampling = fmt::format(
        "OVERVIEW_RESAMPLING={}", p.output() == RangeOutput::Binary ? "MODE" : "AVERAGE");
    const std::string blocks = fmt::format("BLOCKSIZE={}", o.blockSize);
    const char* cogOptions[] = {"COMPRESS=DEFLATE", "OVERVIEWS=AUTO", resampling.c_str(),
                                blocks.c_str(), nullptr};
    CPLErrorReset();
    std::unique_ptr<GDALDataset> c(cog->CreateCopy(
        path.c_str(), &tiff, FALSE, const_cast<char**>(cogOptions), nullptr, nullptr));
    if (!c)
    {
        throw IoError(fmt::format("{}: COG conversion failed ({})", path, CPLGetLastErrorMsg()));
    }
    throwOnGdalFailure(path); // CreateCopy may return a dataset after failed writes
    closeChecked(c, path);
}

/** Writes `outputs` (one file, or one per band) through temporary names, renamed at the end. */
void writeFiles(const GridPredictor& p, const RasterGrid& grid, const RasterWriteOptions& o,
                const std::vector<std::string>& outputs, const core::ProgressSink& progress)
{
    ensureGdalRegistered();
    validate(o);
    const int threads = o.threads > 0
                            ? o.threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const int bandsPerFile = outputs.size() == 1 ? p.bandCount() : 1;
    // A part covers a band of rows; its file's grid starts at the band's first row.
    const auto [firstRow, endRow] =
        partRows(grid.height, o.part, o.parts, std::lcm(o.blockSize, GridPredictor::kComputeBlock));
    auto fileGrid = grid;
    fileGrid.height = endRow - firstRow;
    fileGrid.geoTransform[0] += firstRow * grid.geoTransform[2];
    fileGrid.geoTransform[3] += firstRow * grid.geoTransform[5];
    std::vector<std::unique_ptr<TempFile>> tiffs;
    std::vector<std::unique_ptr<GDALDataset>> files;
    for (std::size_t f = 0; f < outputs.size(); ++f)
    {
        tiffs.push_back(
            std::make_unique<TempFile>(fmt::format("{}.tmp-{}.tif", outputs[f], getpid())));
        files.push_back(createTiff(p, fileGrid, o, tiffs.back()->path(),
                                   static_cast<int>(f) * bandsPerFile, bandsPerFile));
        if (o.parts > 1)
        {
            files.back()->SetMetadataItem("GEOINR_PART",
                                          fmt::format("{}/{}", o.part, o.parts).c_str());
            files.back()->SetMetadataItem("GEOINR_GRID",
                                          fmt::format("{} {}", grid.width, grid.height).c_str());
        }
    }
    fillTiles(p, grid, files, o.blockSize, threads, progress, firstRow, fileGrid.height);
    for (std::size_t f = 0; f < outputs.size(); ++f)
    {
        if (o.format == "GTiff")
        {
            closeChecked(files[f], outputs[f]);
            moveIntoPlace(*tiffs[f], outputs[f]);
            continue;
        }
        CPLErrorReset();
        files[f]->FlushCache();
        throwOnGdalFailure(outputs[f]);
        TempFile cogTmp(fmt::format("{}.tmp-{}.cog.tif", outputs[f], getpid()));
        convertToCog(p, *files[f], o, cogTmp.path());
        files[f].reset();
        moveIntoPlace(cogTmp, outputs[f]);
    }
}

} // namespace

void writeRangeRaster(const GridPredictor& p, const RasterGrid& grid, const RasterWriteOptions& o,
                      const core::ProgressSink& progress)
{
    writeFiles(p, grid, o, {o.output}, progress);
}

std::pair<int, int> partRows(int height, int part, int parts, int unit)
{
    if (parts < 1 || part < 0 || part >= parts)
    {
        throw InvalidArgument(
            fmt::format("--part {}/{}: expected i/N with 0 <= i < N", part, parts));
    }
    const int units = (height + unit - 1) / unit;
    if (parts > units)
    {
        throw InvalidArgument(fmt::format("--part {}/{}: the grid has only {} bands of {} rows; "
                                          "use at most {} parts",
                                          part, parts, units, unit, units));
    }
    const auto [first, last] = core::shardRange(static_cast<std::size_t>(units), part, parts);
    return {static_cast<int>(first) * unit, std::min(height, static_cast<int>(last) * unit)};
}

std::string speciesFileName(const std::string& species)
{
    std::string out;
    for (char ch : species)
    {
        const bool keep = std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' ||
                          ch == '.' || ch == '_';
        out += keep ? ch : '_';
    }
    return out.empty() || out[0] == '.' ? "_" + out : out;
}

std::vector<std::string> predictRangeRaster(const PredictRasterOptions& o,
                                            const core::ProgressSink& progress)
{
    ensureGdalRegistered();
    RasterWriteOptions write;
    write.format = o.format;
    write.blockSize = o.blockSize;
    write.threads = o.threads;
    write.checkpoint = o.checkpoint;
    write.output = o.output;
    write.part = o.part;
    write.parts = o.parts;
    validate(write);
    if (o.parts > 1 && o.perSpeciesFiles)
    {
        throw InvalidArgument("--part cannot be combined with --per-species (yet)");
    }
    if (o.perSpeciesFiles && o.model.output == RangeOutput::Embedding)
    {
        throw InvalidArgument("--per-species: not with the embedding output (its bands are the "
                              "model's features, written to one file)");
    }
    const auto model = core::Predictor::load(o.checkpoint, o.device);
    const auto& meta = model->header().at("metadata");
    const auto grid = resolveGrid(o.grid, meta.value("covariates", nlohmann::json::object()));
    if (!o.perSpeciesFiles)
    {
        writeRangeRaster(GridPredictor(model, o.model), grid, write, progress);
        return {o.output};
    }
    std::filesystem::create_directories(o.output);
    const std::vector<std::string> names =
        o.model.species.empty() ? model->speciesNames() : o.model.species;
    // Groups of species share a network pass per tile; each species is its own file.
    const std::size_t group = 64;
    std::vector<std::string> written;
    for (std::size_t start = 0; start < names.size(); start += group)
    {
        auto options = o.model;
        const auto end = std::min(names.size(), start + group);
        options.species.assign(names.begin() + static_cast<std::ptrdiff_t>(start),
                               names.begin() + static_cast<std::ptrdiff_t>(end));
        std::vector<std::string> outputs;
        for (const auto& name : options.species)
        {
            outputs.push_back(
                (std::filesystem::path(o.output) / (speciesFileName(name) + ".tif")).string());
        }
        const double base = static_cast<double>(start) / static_cast<double>(names.size());
        const double span = static_cast<double>(end - start) / static_cast<double>(names.size());
        writeFiles(GridPredictor(model, options), grid, write, outputs,
                   [&](double f, const std::string& what)
                   {
                       return !progress ||
                              progress(base + f * span,
                                       fmt::format("species {}-{} of {}: {}", start + 1, end,
                                                   names.size(), what));
                   });
        written.insert(written.end(), outputs.begin(), outputs.end());
    }
    return written;
}

} // namespace geoinr::rasters
