// SPDX-License-Identifier: MIT
// The reference every GeoINR benchmark is reported against: float32 torch::mm, n x n x n.
#pragma once

#include <benchmark/benchmark.h>
#include <torch/torch.h>

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

} // namespace geoinr::bench
