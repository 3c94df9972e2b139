// SPDX-License-Identifier: MIT
// Data-parallel training on c10d/Gloo, two ranks on this machine (threads of one process, TCP over
// 127.0.0.1): the all-reduce of one step's gradients of SINR's default model at 1,000 and 47,000
// species against a local add over the same bytes (the reference, same run), and training
// throughput with 1 and 2 ranks (1 LibTorch thread each). Run with OPENBLAS_NUM_THREADS=1.
#include "bench_common.h"
#include "training/process_group.h"

#include <geoinr/core/training.h>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <atomic>
#include <random>
#include <thread>
#include <unistd.h>

namespace
{

/** SINR default: input 4 -> 256, 4 residual blocks (2 x 256x256 + bias), head 256 x species. */
std::vector<torch::Tensor> sinrGradients(std::int64_t species)
{
    std::vector<torch::Tensor> g = {torch::rand({256, 4}), torch::rand({256})};
    for (int i = 0; i < 8; ++i)
    {
        g.push_back(torch::rand({256, 256}));
        g.push_back(torch::rand({256}));
    }
    g.push_back(torch::rand({species, 256}));
    return g;
}

double megabytes(const std::vector<torch::Tensor>& tensors)
{
    double bytes = 0;
    for (const auto& t : tensors)
    {
        bytes += static_cast<double>(t.numel()) * 4.0;
    }
    return bytes / 1e6;
}

int nextPort()
{
    static std::atomic<int> n{0};
    return 31000 + static_cast<int>(::getpid() % 10000) + n++;
}

geoinr::core::DistributedOptions rankOptions(int rank, int world, int port)
{
    geoinr::core::DistributedOptions d;
    d.rank = rank;
    d.worldSize = world;
    d.masterPort = port;
    d.timeoutSeconds = 120;
    return d;
}

void BM_LocalAddReference(benchmark::State& state)
{
    auto grads = sinrGradients(state.range(0));
    for (auto _ : state)
    {
        for (auto& t : grads)
        {
            t.add_(t);
        }
    }
    state.counters["MB"] = megabytes(grads);
}
BENCHMARK(BM_LocalAddReference)->Arg(1000)->Arg(47000)->Unit(benchmark::kMillisecond);

/** Rank 0 is timed; rank 1 runs the same number of all-reduces on a thread. */
void BM_AllReduceTwoRanks(benchmark::State& state)
{
    const auto species = state.range(0);
    const auto iterations = static_cast<int>(state.max_iterations);
    const int port = nextPort();
    std::thread peer(
        [&]
        {
            geoinr::core::training::ProcessGroup group(rankOptions(1, 2, port));
            auto grads = sinrGradients(species);
            for (int i = 0; i < iterations + 1; ++i)
            {
                group.allReduceSum(grads);
            }
        });
    geoinr::core::training::ProcessGroup group(rankOptions(0, 2, port));
    auto grads = sinrGradients(species);
    group.allReduceSum(grads); // connections warm
    for (auto _ : state)
    {
        group.allReduceSum(grads);
    }
    peer.join();
    state.counters["MB"] = megabytes(grads);
}
BENCHMARK(BM_AllReduceTwoRanks)
    ->Arg(1000)
    ->Arg(47000)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/** Args: species, ranks. Items = presence records trained (global batch 2048, 48 steps). */
void BM_TrainingRanks(benchmark::State& state)
{
    const auto species = state.range(0);
    const int world = static_cast<int>(state.range(1));
    constexpr std::int64_t kRecords =
        2048 * 48; // enough steps that set-up and rendezvous do not dominate
    at::set_num_threads(1);
    for (auto _ : state)
    {
        const int port = nextPort();
        std::vector<std::thread> ranks;
        for (int r = 0; r < world; ++r)
        {
            ranks.emplace_back(
                [=]
                {
                    geoinr::core::TrainOptions o;
                    o.model = {{"input", "coords"},
                               {"encoder", {{"name", "wrap"}}},
                               {"network", {{"name", "residual_fcnet"}, {"dropout", 0.0}}}};
                    o.epochs = 1;
                    o.threads = 1;
                    if (world > 1)
                    {
                        o.distributed = rankOptions(r, world, port);
                    }
                    const auto [first, last] =
                        geoinr::core::shardRange(static_cast<std::size_t>(kRecords), r, world);
                    geoinr::core::trainRangeModel(
                        geoinr::bench::syntheticPresences(species, kRecords,
                                                          static_cast<std::int64_t>(first),
                                                          static_cast<std::int64_t>(last - first)),
                        o);
                });
        }
        for (auto& t : ranks)
        {
            t.join();
        }
    }
    state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_TrainingRanks)
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

int main(int argc, char** argv)
{
    return geoinr::bench::runBenchmarks(argc, argv);
}
