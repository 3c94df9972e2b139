// SPDX-License-Identifier: MIT
// Prediction throughput of the SINR default model (coords input, wrap encoder, ResidualFCNet
// 256 x 4, bias-free head) at 1 and 100 species on a global 1024 x 1024 EPSG:4326 grid: through
// the engine (GridPredictor::computeWindow, one caller thread), through the GeoTIFF writer
// (writeRangeRaster, 1 and 2 threads) and through the GEOINR GDAL driver (GDALDataset::RasterIO
// of a .geoinr descriptor), against the single-threaded torch::mm reference of the same run (the
// engine pins its math to one thread per call and parallelises over tiles). Diagnostics:
// core::Predictor alone (65,536 and 8,192 locations per call) and a projected (EPSG:3577) grid.
#include "bench_common.h"

#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/gdal_driver/register.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/range_raster.h>
#include <geoinr/rasters/raster_grid.h>

#include <benchmark/benchmark.h>
#include <gdal_priv.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace
{

namespace fs = std::filesystem;
using geoinr::rasters::GridPredictor;
using geoinr::rasters::RasterGrid;

constexpr int kGridSize = 1024; // pixels square, global EPSG:4326
constexpr int kBlock = GridPredictor::kComputeBlock;
constexpr std::int64_t kHidden = 256; // residual_fcnet defaults (geoinr networks)
constexpr std::int64_t kBlocks = 4;
constexpr std::int64_t kWrapDims = 4; // sin/cos of lon and lat

/**
 * Network FLOPs per location (2 x in x out per Linear; biases, ReLUs, residual adds, the encoder
 * and the sigmoid are not counted): input 4 -> 256, 4 residual blocks of two 256 -> 256 Linears,
 * head 256 -> S, so 2 (4 x 256 + 8 x 256^2 + 256 S): 1,051,136 at S = 1, 1,101,824 at S = 100.
 */
double networkFlopsPerPixel(std::int64_t species)
{
    return 2.0 * static_cast<double>(kWrapDims * kHidden + kBlocks * 2 * kHidden * kHidden +
                                     kHidden * species);
}

/** Untrained SINR-default checkpoints (one per species count) in a temporary folder. */
class BenchModels
{
  public:
    BenchModels()
        : m_dir(fs::temp_directory_path() / ("geoinr-prediction-bench-" + std::to_string(getpid())))
    {
        fs::create_directories(m_dir);
    }
    ~BenchModels()
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    BenchModels(const BenchModels&) = delete;
    BenchModels& operator=(const BenchModels&) = delete;

    const fs::path& dir() const { return m_dir; }

    /** The checkpoint of `species` species, written on first use. */
    const std::string& checkpoint(std::int64_t species)
    {
        auto it = m_checkpoints.find(species);
        if (it != m_checkpoints.end())
        {
            return it->second;
        }
        auto model = geoinr::core::makeRangeModel({{"input", "coords"},
                                                   {"encoder", {{"name", "wrap"}}},
                                                   {"network", {{"name", "residual_fcnet"}}},
                                                   {"num_classes", species},
                                                   {"seed", 1}});
        std::vector<std::string> names;
        for (std::int64_t s = 0; s < species; ++s)
        {
            names.push_back("sp" + std::to_string(s));
        }
        const auto path = (m_dir / ("sinr_" + std::to_string(species) + ".ckpt")).string();
        geoinr::core::saveCheckpoint(path, *model, {{"species", names}});
        return m_checkpoints.emplace(species, path).first->second;
    }

    /** A GridPredictor of every species of checkpoint(species), shared across benchmarks. */
    const GridPredictor& predictor(std::int64_t species)
    {
        auto it = m_predictors.find(species);
        if (it == m_predictors.end())
        {
            it = m_predictors
                     .emplace(species,
                              std::make_unique<GridPredictor>(
                                  checkpoint(species), geoinr::rasters::GridPredictorOptions{}))
                     .first;
        }
        return *it->second;
    }

  private:
    fs::path m_dir;
    std::map<std::int64_t, std::string> m_checkpoints;
    std::map<std::int64_t, std::unique_ptr<GridPredictor>> m_predictors;
};

BenchModels* g_models = nullptr; // owned by main()

/** torch::mm 1024^3 GFLOP/s measured by BM_TorchMm/0 in this run; 0 until it runs. */
double g_mmGflops = 0.0;

RasterGrid globalGrid(int size)
{
    geoinr::rasters::GridSpec spec; // EPSG:4326, no extent: the globe
    spec.size = {size, size};
    return geoinr::rasters::resolveGrid(spec);
}

/**
 * Counters shared by the engine benchmarks: Mpx/s, network GFLOP/s and, when BM_TorchMm/0 ran
 * earlier in the process, "of_mm": the network GFLOP/s as a fraction of single-threaded torch::mm
 * 1024^3 (the target: >= 0.7). A rate divided by a constant is a rate too, so the ratio
 * comes from the same timing as GFLOP/s.
 */
void setPixelCounters(benchmark::State& state, double pixelsPerIteration, std::int64_t species)
{
    state.SetItemsProcessed(static_cast<std::int64_t>(pixelsPerIteration) * state.iterations());
    state.counters["Mpx/s"] = benchmark::Counter(pixelsPerIteration * 1e-6,
                                                 benchmark::Counter::kIsIterationInvariantRate);
    const double gflop = networkFlopsPerPixel(species) * pixelsPerIteration * 1e-9;
    state.counters["GFLOP/s"] =
        benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
    if (g_mmGflops > 0.0)
    {
        state.counters["of_mm"] =
            benchmark::Counter(gflop / g_mmGflops, benchmark::Counter::kIsIterationInvariantRate);
    }
    state.counters["MFLOP/px"] = networkFlopsPerPixel(species) * 1e-6;
}

/**
 * Reference: float32 GEMM on one LibTorch/OpenBLAS thread. range(0) = 0: torch::mm 1024 x 1024 x
 * 1024, as in the other benchmark programs; 1: the network's hidden GEMM on one compute block,
 * [65536 x 256] x [256 x 256], into a preallocated output (torch::mm_out) so that it measures the
 * kernel alone: a fresh 64 MiB result is a new mmap whose page faults are the engine's overhead,
 * not part of what its FLOPs allow. Counter GFLOP/s; the 1024^3 value is kept for "of_mm".
 */
void BM_TorchMm(benchmark::State& state)
{
    geoinr::core::useSingleThreadedMath(); // what GridPredictor does: 1 intra-op, 1 OpenBLAS
    const bool network = state.range(0) == 1;
    const std::int64_t m = network ? std::int64_t{kBlock} * kBlock : 1024;
    const std::int64_t k = network ? kHidden : 1024;
    const std::int64_t n = network ? kHidden : 1024;
    const auto a = torch::rand({m, k});
    const auto b = torch::rand({k, n});
    auto c = torch::empty({m, n});
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state)
    {
        if (network)
        {
            torch::mm_out(c, a, b);
            benchmark::DoNotOptimize(c.data_ptr());
        }
        else
        {
            benchmark::DoNotOptimize(torch::mm(a, b).data_ptr());
        }
    }
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    const double gflop = 2.0 * static_cast<double>(m * k * n) * 1e-9;
    if (!network)
    {
        g_mmGflops = gflop * static_cast<double>(state.iterations()) / seconds.count();
    }
    state.SetLabel(network ? "65536x256x256 mm_out" : "1024x1024x1024");
    state.counters["GFLOP/s"] =
        benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_TorchMm)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

/** Times `grid` (a multiple of kBlock on both sides) through GridPredictor::computeWindow, block
 *  by block, on the calling thread (pixel centres, lon/lat, encoder, network, sigmoid, bands). */
void runEngineOverGrid(benchmark::State& state, const GridPredictor& predictor,
                       const geoinr::rasters::RasterGrid& grid, std::int64_t species)
{
    std::vector<float> out(static_cast<std::size_t>(kBlock) * kBlock *
                           static_cast<std::size_t>(predictor.bandCount()));
    for (auto _ : state)
    {
        for (int y = 0; y < grid.height; y += kBlock)
        {
            for (int x = 0; x < grid.width; x += kBlock)
            {
                predictor.computeWindow(grid, x, y, kBlock, kBlock, out.data());
            }
        }
        benchmark::DoNotOptimize(out.data());
    }
    setPixelCounters(state, static_cast<double>(grid.width) * grid.height, species);
}

/** range(0) = species: the global lon/lat grid through the engine. */
void BM_EngineWindow(benchmark::State& state)
{
    const auto species = state.range(0);
    runEngineOverGrid(state, g_models->predictor(species), globalGrid(kGridSize), species);
}
BENCHMARK(BM_EngineWindow)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

/**
 * Args: species, locations per call. The same pixel count straight through
 * core::Predictor::predict, lon/lat prepared beforehand: the engine's time minus this is its grid
 * machinery. Predictor::predict splits each call into batches of 8,192 locations, so the two
 * chunk sizes now run the same batches; 65,536-row batches (before) made every [N x 256]
 * intermediate 64 MiB, above glibc's mmap threshold, each a fresh mmap paid for in page faults.
 * 8 MiB ones stay in the heap, though glibc may still trim and refault them: run alone (a fresh
 * heap) this is slower than after the other benchmarks, unless GLIBC_TUNABLES raises
 * trim_threshold.
 */
void BM_PredictorOnly(benchmark::State& state)
{
    const auto species = state.range(0);
    const auto chunk = state.range(1);
    const auto& predictor = g_models->predictor(species).predictor();
    const auto grid = globalGrid(kGridSize);
    const std::int64_t n = std::int64_t{kBlock} * kBlock;
    std::vector<float> lonLat;
    for (int r = 0; r < kBlock; ++r)
    {
        for (int c = 0; c < kBlock; ++c)
        {
            const auto p = grid.pixelCentre(c, r);
            lonLat.push_back(static_cast<float>(p[0]));
            lonLat.push_back(static_cast<float>(p[1]));
        }
    }
    std::vector<float> out(static_cast<std::size_t>(n * species));
    const int blocks = (grid.width / kBlock) * (grid.height / kBlock);
    for (auto _ : state)
    {
        for (int b = 0; b < blocks; ++b)
        {
            for (std::int64_t start = 0; start < n; start += chunk)
            {
                predictor.predict(lonLat.data() + 2 * start, nullptr, std::min(chunk, n - start),
                                  {}, out.data() + start * species);
            }
        }
        benchmark::DoNotOptimize(out.data());
    }
    setPixelCounters(state, static_cast<double>(n) * blocks, species);
}
BENCHMARK(BM_PredictorOnly)
    ->Args({1, 65536})
    ->Args({1, 8192})
    ->Args({100, 65536})
    ->Args({100, 8192})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/** The engine on a projected grid (EPSG:3577, Australian Albers, 1024 x 1024 over Australia):
 *  adds PROJ's inverse transform of every pixel centre. range(0) = species. */
void BM_EngineWindowProjected(benchmark::State& state)
{
    const auto species = state.range(0);
    const auto& predictor = g_models->predictor(species);
    geoinr::rasters::GridSpec spec;
    spec.crs = "EPSG:3577";
    spec.extent = {-2'000'000.0, -5'000'000.0, 2'200'000.0, -1'000'000.0};
    spec.size = {kGridSize, kGridSize};
    runEngineOverGrid(state, predictor, geoinr::rasters::resolveGrid(spec), species);
}
BENCHMARK(BM_EngineWindowProjected)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

/** Args: species, writer threads. The whole grid to a tiled DEFLATE GeoTIFF (256 x 256 tiles,
 *  Float32 probabilities) in the temporary folder; rates are wall-clock. */
void BM_EngineWriter(benchmark::State& state)
{
    const auto species = state.range(0);
    const auto& predictor = g_models->predictor(species);
    const auto grid = globalGrid(kGridSize);
    geoinr::rasters::RasterWriteOptions o;
    o.output = (g_models->dir() / ("range_" + std::to_string(species) + ".tif")).string();
    o.threads = static_cast<int>(state.range(1));
    o.checkpoint = g_models->checkpoint(species);
    for (auto _ : state)
    {
        geoinr::rasters::writeRangeRaster(predictor, grid, o);
    }
    state.counters["file_MiB"] = static_cast<double>(fs::file_size(o.output)) / (1024.0 * 1024.0);
    fs::remove(o.output);
    setPixelCounters(state, static_cast<double>(grid.width) * grid.height, species);
}
BENCHMARK(BM_EngineWriter)
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({100, 1})
    ->Args({100, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Driver benchmark: see gdal_driver/ (the GEOINR driver registered in-process; descriptor format
// in gdal_driver/README.md).

/**
 * range(0) = species: the whole grid read through the GEOINR driver, as gdal_translate would: a
 * `.geoinr` descriptor of the same grid, opened afresh each iteration (so GDAL's block cache
 * starts empty) and read with one GDALDataset::RasterIO of every band. A second dataset stays open
 * so that the shared model is not loaded again on each open.
 */
void BM_DriverRead(benchmark::State& state)
{
    const auto species = state.range(0);
    const auto descriptor =
        (g_models->dir() / ("sinr_" + std::to_string(species) + ".geoinr")).string();
    {
        std::ofstream out(descriptor);
        out << nlohmann::json{{"geoinr_raster", 1},
                              {"checkpoint", g_models->checkpoint(species)},
                              {"species", "all"},
                              {"grid", {{"crs", "EPSG:4326"}, {"size", {kGridSize, kGridSize}}}},
                              {"values", "probability"},
                              {"block_size", kBlock}}
                   .dump(2);
    }
    const GDALDatasetUniquePtr keeper(GDALDataset::Open(descriptor.c_str(), GDAL_OF_RASTER));
    if (!keeper)
    {
        state.SkipWithError(CPLGetLastErrorMsg());
        return;
    }
    const int bands = keeper->GetRasterCount();
    std::vector<float> out(static_cast<std::size_t>(kGridSize) * kGridSize *
                           static_cast<std::size_t>(bands));
    for (auto _ : state)
    {
        const GDALDatasetUniquePtr ds(GDALDataset::Open(descriptor.c_str(), GDAL_OF_RASTER));
        if (!ds ||
            ds->RasterIO(GF_Read, 0, 0, kGridSize, kGridSize, out.data(), kGridSize, kGridSize,
                         GDT_Float32, bands, nullptr, 0, 0, 0, nullptr) != CE_None)
        {
            state.SkipWithError(CPLGetLastErrorMsg());
            return;
        }
        benchmark::DoNotOptimize(out.data());
    }
    setPixelCounters(state, static_cast<double>(kGridSize) * kGridSize, species);
}
BENCHMARK(BM_DriverRead)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char** argv)
{
    geoinr::core::useSingleThreadedMath(); // as GridPredictor does; the context then says so
    GDALAllRegister();
    GDALRegister_GEOINR();
    BenchModels models;
    g_models = &models;
    const int rc = geoinr::bench::runBenchmarks(argc, argv);
    g_models = nullptr;
    return rc;
}
