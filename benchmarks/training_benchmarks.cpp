// SPDX-License-Identifier: MIT
// Training throughput of the SINR default model (sin-cos input, ResidualFCNet 256 x 4, AN-full,
// batch 2048 + 2048 uniform pseudo-absences, Adam) at 1,000 and 10,000 species, with the
// torch::mm GFLOP/s reference of the same run and the process's peak memory.
#include "bench_common.h"

#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <random>
#include <sys/resource.h>
#include <thread>
#include <vector>

#if defined(GEOINR_HAVE_DNNL)
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#endif

namespace
{

constexpr std::int64_t kBatch = 2048;
constexpr std::int64_t kStepsPerRun = 24; // amortises model set-up over a realistic run

double peakRssMiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void BM_TorchMm(benchmark::State& state)
{
    geoinr::bench::torchMmReference(state, state.range(1));
}
BENCHMARK(BM_TorchMm)
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

#if defined(GEOINR_HAVE_DNNL)
/** oneDNN's sgemm (n x n, all cores): the kernel training's GEMMs run on, as a second reference. */
void BM_OneDnnSgemm(benchmark::State& state)
{
    const auto n = state.range(0);
    std::vector<float> a(static_cast<std::size_t>(n * n), 0.5F);
    std::vector<float> b(a.size(), 0.25F);
    std::vector<float> c(a.size());
    const int previous = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
    for (auto _ : state)
    {
        dnnl_sgemm('N', 'N', n, n, n, 1.0F, a.data(), n, b.data(), n, 0.0F, c.data(), n);
        benchmark::DoNotOptimize(c.data());
    }
    omp_set_num_threads(previous);
    state.counters["GFLOP/s"] =
        benchmark::Counter(2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_OneDnnSgemm)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

/** Args: species, torch threads. Items = presence samples; MFLOP/sample from the layer sizes. */
void BM_SinrTrainingStep(benchmark::State& state)
{
    const auto species = state.range(0);
    const auto data = geoinr::bench::syntheticPresences(species, kBatch * kStepsPerRun);
    geoinr::core::TrainOptions o;
    o.epochs = 1;
    o.batchSize = kBatch;
    o.threads = static_cast<int>(state.range(1));
    for (auto _ : state)
    {
        const auto r = geoinr::core::trainRangeModel(data, o);
        benchmark::DoNotOptimize(r.finalLoss);
    }
    state.SetItemsProcessed(state.iterations() * kBatch * kStepsPerRun);
    // Forward: 2 locations x 2 x (4*256 + 8*256^2 + 256*S) FLOP; backward ~2x forward.
    const double mflop = 3.0 * 2.0 * 2.0 * (4.0 * 256 + 8.0 * 256 * 256 + 256.0 * species) * 1e-6;
    state.counters["MFLOP/sample"] = mflop;
    state.counters["GFLOP/s"] =
        benchmark::Counter(mflop * 1e-3 * static_cast<double>(kBatch * kStepsPerRun),
                           benchmark::Counter::kIsIterationInvariantRate);
    state.counters["peak_RSS_MiB"] = peakRssMiB();
}
BENCHMARK(BM_SinrTrainingStep)
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Args({10000, 1})
    ->Args({10000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime() // OpenBLAS threads do part of the work: wall-clock rates, not CPU time
    ->Iterations(2);

} // namespace

int main(int argc, char** argv)
{
    geoinr::core::reuseLargeAllocations(); // as geoinr train does
    return geoinr::bench::runBenchmarks(argc, argv);
}
