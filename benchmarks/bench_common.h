// SPDX-License-Identifier: MIT
// What every GeoINR benchmark program shares: the float32 torch::mm reference it is reported
// against, and a main() that records the versions, BLAS and threads in the output.
#pragma once

#include <geoinr/core/runtime_info.h>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

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

/** Benchmark main(): context (GeoINR, LibTorch, BLAS, threads), then the registered benchmarks. */
inline int runBenchmarks(int argc, char** argv)
{
    benchmark::AddCustomContext("geoinr", geoinr::core::geoinrVersion());
    benchmark::AddCustomContext("libtorch", geoinr::core::torchVersion());
    benchmark::AddCustomContext("blas", geoinr::core::blasLibrary());
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
