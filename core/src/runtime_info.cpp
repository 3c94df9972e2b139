// SPDX-License-Identifier: MIT
#include <geoinr/core/runtime_info.h>

#include <ATen/Parallel.h>
#include <climits>
#include <torch/cuda.h>
#include <torch/version.h>

#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <malloc.h>
#include <thread>

#ifndef GEOINR_VERSION
#define GEOINR_VERSION "unknown"
#endif

extern "C" void sgemm_(); // resolved by the BLAS LibTorch links (libblas.so.3 on Debian)

namespace geoinr::core
{

std::string geoinrVersion()
{
    return GEOINR_VERSION;
}

std::string torchVersion()
{
    return TORCH_VERSION;
}

std::string blasLibrary()
{
    void* sym = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info info{};
    if (sym == nullptr || dladdr(sym, &info) == 0 || info.dli_fname == nullptr)
    {
        return "unknown (no sgemm_ symbol loaded)";
    }
    char resolved[PATH_MAX];
    // Debian's alternatives make libblas.so.3 a link to the chosen BLAS: report the target.
    if (realpath(info.dli_fname, resolved) != nullptr)
    {
        return resolved;
    }
    return info.dli_fname;
}

int defaultTrainingThreads()
{
    const auto cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    return trainingGemmsOnOneDnn() ? cores : std::max(1, cores / 2);
}

int torchThreads()
{
    return at::get_num_threads();
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

void reuseLargeAllocations()
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

namespace
{
std::atomic<bool> g_singleThreadedMath{false};
}

bool singleThreadedMath()
{
    return g_singleThreadedMath;
}

void pinCallingThreadIfSingleThreaded()
{
    // OpenMP's thread count is per thread: threads the host created (GDAL, QGIS, our tile
    // workers) start with the default, so each one is pinned on its first prediction.
    if (g_singleThreadedMath && at::get_num_threads() != 1)
    {
        at::set_num_threads(1);
    }
}

void useSingleThreadedMath()
{
    g_singleThreadedMath = true;
    if (at::get_num_threads() != 1)
    {
        at::set_num_threads(1);
    }
    using SetThreads = void (*)(int);
    if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    {
        set(1);
    }
}

} // namespace geoinr::core
