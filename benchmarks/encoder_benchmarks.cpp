// SPDX-License-Identifier: MIT
// Encoder throughput (points/s at batch 65,536), SINR default network forward+backward, and the
// torch::mm GFLOP/s reference measured in the same run (ratios are what we compare).
#include "bench_common.h"

#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/nn/encoder.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/runtime_info.h>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

namespace
{

constexpr std::int64_t kBatch = 65536;

torch::Tensor randomLonLat(std::int64_t n)
{
    torch::manual_seed(1);
    auto lon = torch::rand({n}, torch::kFloat32) * 360.0 - 180.0;
    auto lat = torch::asin(torch::rand({n}, torch::kFloat32) * 2.0 - 1.0) * (180.0 / M_PI);
    return torch::stack({lon, lat}, 1);
}

/** Reference: float32 GEMM 1024 x 1024 x 1024; counter GFLOP/s. */
void BM_TorchMm(benchmark::State& state)
{
    geoinr::bench::torchMmReference(state);
}
BENCHMARK(BM_TorchMm)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void runEncoder(benchmark::State& state, const nlohmann::json& config)
{
    torch::NoGradGuard noGrad;
    auto enc = geoinr::core::makeEncoder(config);
    enc->eval();
    const auto x = randomLonLat(kBatch);
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(enc->encode(x).data_ptr());
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
    state.counters["dims"] = static_cast<double>(enc->outputDim());
}

/** SINR default: wrap -> ResidualFCNet(256, 4 blocks) -> S species; forward + backward of a
 *  BCE-with-logits loss on 2048 observed + 2048 random locations (one SINR step without Adam). */
void BM_SinrForwardBackward(benchmark::State& state)
{
    const auto species = state.range(0);
    auto model = geoinr::core::makeRangeModel({{"encoder", {{"name", "wrap"}}},
                                               {"network", {{"name", "residual_fcnet"}}},
                                               {"num_classes", species}});
    model->train();
    const auto x = randomLonLat(4096);
    const auto target = torch::zeros({4096, species});
    for (auto _ : state)
    {
        model->zero_grad();
        auto loss = torch::binary_cross_entropy_with_logits(model->forward(x), target);
        loss.backward();
        benchmark::DoNotOptimize(loss.item<float>());
    }
    state.SetItemsProcessed(state.iterations() * 4096);
}
BENCHMARK(BM_SinrForwardBackward)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void registerEncoderBenchmarks()
{
    std::vector<nlohmann::json> configs;
    for (const auto& info : geoinr::core::encoderCatalog())
    {
        configs.push_back({{"name", info.name}});
    }
    configs.push_back({{"name", "spherical_harmonics"}, {"L", 20}});
    configs.push_back({{"name", "spherical_harmonics"}, {"L", 40}});
    for (const auto& cfg : configs)
    {
        std::string label = "BM_Encoder/" + cfg.at("name").get<std::string>();
        if (cfg.contains("L"))
        {
            label += "_L" + std::to_string(cfg.at("L").get<int>());
        }
        benchmark::RegisterBenchmark(label.c_str(),
                                     [cfg](benchmark::State& s) { runEncoder(s, cfg); })
            ->Unit(benchmark::kMillisecond);
    }
}

} // namespace

int main(int argc, char** argv)
{
    registerEncoderBenchmarks();
    return geoinr::bench::runBenchmarks(argc, argv);
}
