// SPDX-License-Identifier: MIT
// What every GeoINR benchmark program shares: the float32 torch::mm reference it is reported
// against, and a main() that records the versions, BLAS and threads in the output.
#pragma once

#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <random>
#include <string>

namespace geoinr::bench
{

/** range(0) = n; `threads` > 0 sets LibTorch's intra-op threads first. Counter "GFLOP/s". */
inline void torchMmReference(benchmark::State& state, std::int64_t threads = 0)
{
    if (threads > 0)
    {
        at::set_num_threads(static_cast<int>(threads));
    }
    const auto n = state.range(0);
    const auto a = torch::rand({n, n});
    const auto b = torch::rand({n, n});
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(torch::mm(a, b).data_ptr());
    }
    state.counters["GFLOP/s"] =
        benchmark::Counter(2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

/**
 * Presence records of `species` species at uniform random places (seed 1): records
 * [first, first + count) of one fixed stream of `total`, so a rank's shard is a slice of the
 * same data a single process sees.
 */
inline geoinr::core::TrainingSet syntheticPresences(std::int64_t species, std::int64_t total,
                                                    std::int64_t first = 0, std::int64_t count = -1)
{
    geoinr::core::TrainingSet d;
    for (std::int64_t s = 0; s < species; ++s)
    {
        d.speciesNames.push_back("sp" + std::to_string(s));
    }
    count = count < 0 ? total - first : count;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> lon(-180.0f, 180.0f), lat(-80.0f, 80.0f);
    std::uniform_int_distribution<std::int32_t> cls(0, static_cast<std::int32_t>(species - 1));
    for (std::int64_t i = 0; i < total; ++i)
    {
        const auto c = cls(rng);
        const auto x = lon(rng), y = lat(rng);
        if (i >= first && i < first + count)
        {
            d.classIds.push_back(c);
            d.lonLat.push_back(x);
            d.lonLat.push_back(y);
        }
    }
    return d;
}

/** Benchmark main(): context (GeoINR, LibTorch, BLAS, threads), then the registered benchmarks. */
inline int runBenchmarks(int argc, char** argv)
{
    benchmark::AddCustomContext("geoinr", geoinr::core::geoinrVersion());
    benchmark::AddCustomContext("libtorch", geoinr::core::torchVersion());
    benchmark::AddCustomContext("blas", geoinr::core::blasLibrary());
    benchmark::AddCustomContext("training_gemm", geoinr::core::trainingGemmLibrary());
    benchmark::AddCustomContext("torch_threads", std::to_string(geoinr::core::torchThreads()));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
    {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // namespace geoinr::bench
