// SPDX-License-Identifier: MIT
// Peak memory of the range-raster writer on a large grid (issue: a 20,000 x 20,000 grid within
// 1 GiB peak RSS beyond the model). A coordinate-only model (wrap encoder, linear network, one
// species) keeps the FLOPs small: what is measured is the grid machinery (tiles, buffers, GDAL's
// block cache, the GeoTIFF writer). Prints peak RSS (getrusage ru_maxrss) before the model is
// loaded, after, and at the end, with the wall time; the output file is deleted afterwards.
//
// Usage: prediction_peak_rss [--size N] [--threads T]   (defaults: 20000, 2)
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/grid_predictor.h>
#include <geoinr/rasters/range_raster.h>
#include <geoinr/rasters/raster_grid.h>

#include <fmt/format.h>
#include <gdal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace
{

namespace fs = std::filesystem;

double peakRssMiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

/** Current resident set (VmRSS) in MiB, 0 when /proc is unavailable. */
double currentRssMiB()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key)
    {
        if (key == "VmRSS:")
        {
            double kib = 0.0;
            status >> kib;
            return kib / 1024.0;
        }
        status.ignore(1 << 20, '\n');
    }
    return 0.0;
}

void report(const char* stage)
{
    fmt::print("{:<22} peak RSS {:8.1f} MiB   current RSS {:8.1f} MiB\n", stage, peakRssMiB(),
               currentRssMiB());
    std::fflush(stdout);
}

int positiveArg(int argc, char** argv, int& i)
{
    if (i + 1 >= argc)
    {
        throw std::invalid_argument(fmt::format("{}: expected a value", argv[i]));
    }
    const std::string text = argv[++i];
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < 1 || value > 1'000'000)
    {
        throw std::invalid_argument(
            fmt::format("{}: expected a positive integer, got '{}'", argv[i - 1], text));
    }
    return static_cast<int>(value);
}

int run(int argc, char** argv)
{
    int size = 20000;
    int threads = 2;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == "--size")
        {
            size = positiveArg(argc, argv, i);
        }
        else if (arg == "--threads")
        {
            threads = positiveArg(argc, argv, i);
        }
        else
        {
            fmt::print(stderr, "usage: {} [--size N] [--threads T]   (defaults: 20000, 2)\n",
                       argv[0]);
            return 2;
        }
    }
    geoinr::rasters::ensureGdalRegistered();
    report("start");

    const fs::path dir =
        fs::temp_directory_path() / ("geoinr-peak-rss-" + std::to_string(getpid()));
    fs::create_directories(dir);
    struct Cleanup
    {
        fs::path dir;
        ~Cleanup()
        {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{dir};

    const auto checkpoint = (dir / "linear.ckpt").string();
    {
        auto model = geoinr::core::makeRangeModel({{"input", "coords"},
                                                   {"encoder", {{"name", "wrap"}}},
                                                   {"network", {{"name", "linear"}}},
                                                   {"num_classes", 1},
                                                   {"seed", 1}});
        geoinr::core::saveCheckpoint(checkpoint, *model, {{"species", {"sp0"}}});
    }
    report("before model load");
    const geoinr::rasters::GridPredictor predictor(checkpoint, {});
    report("after model load");

    geoinr::rasters::GridSpec spec; // EPSG:4326 over the globe
    spec.size = {size, size};
    const auto grid = geoinr::rasters::resolveGrid(spec);
    geoinr::rasters::RasterWriteOptions o;
    o.output = (dir / "range.tif").string();
    o.threads = threads;
    o.checkpoint = checkpoint;
    fmt::print("grid {} x {} (EPSG:4326, {} x {} degrees per pixel), {} thread(s), "
               "GDAL_CACHEMAX {:.0f} MiB\n",
               grid.width, grid.height, grid.geoTransform[1], -grid.geoTransform[5], threads,
               static_cast<double>(GDALGetCacheMax64()) / (1024.0 * 1024.0));
    std::fflush(stdout);

    int lastDecile = -1;
    const auto progress = [&](double fraction, const std::string&)
    {
        const int decile = static_cast<int>(fraction * 10.0);
        if (decile != lastDecile)
        {
            lastDecile = decile;
            fmt::print(stderr, "  {:3d} %  peak RSS {:.1f} MiB\n", decile * 10, peakRssMiB());
        }
        return true;
    };
    const auto start = std::chrono::steady_clock::now();
    geoinr::rasters::writeRangeRaster(predictor, grid, o, progress);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    report("end");

    const double pixels = static_cast<double>(grid.width) * grid.height;
    fmt::print("wall time {:.1f} s ({:.2f} Mpx/s), file {:.1f} MiB (deleted)\n", seconds.count(),
               pixels * 1e-6 / seconds.count(),
               static_cast<double>(fs::file_size(o.output)) / (1024.0 * 1024.0));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try
    {
        return run(argc, argv);
    }
    catch (const std::exception& e)
    {
        fmt::print(stderr, "prediction_peak_rss: {}\n", e.what());
        return 1;
    }
}
