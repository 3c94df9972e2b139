// SPDX-License-Identifier: MIT
// The reference every GeoINR benchmark is reported against: float32 torch::mm, n x n x n.
#pragma once

#include <benchmark/benchmark.h>
#include <torch/torch.h>

namespace geoinr::bench
{

/** range(0) = n; range(1), when given, = LibTorch threads. Counter "GFLOP/s". */
inline void torchMmReference(benchmark::State& state)
{
    if (state.range_size() > 1)
    {
        at::set_num_threads(static_cast<int>(state.range(1)));
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

} // namespace geoinr::bench
