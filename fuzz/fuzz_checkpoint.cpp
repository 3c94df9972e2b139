// SPDX-License-Identifier: MIT
// Checkpoint files (header and payload) through the loader every front end uses: any bytes give
// a model or a geoinr::Error, never a crash, a LibTorch exception or an allocation bomb.
#include "fuzz_util.h"

#include <geoinr/core/error.h>
#include <geoinr/core/predictor.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto path = geoinr::fuzz::writeInput(data, size, "model.ckpt");
    try
    {
        const auto model = geoinr::core::Predictor::load(path);
        const float lonLat[2] = {10.0F, 45.0F};
        std::vector<float> env(static_cast<std::size_t>(model->numEnvFeatures()), 0.0F);
        std::vector<float> out(model->speciesNames().size());
        model->predict(lonLat, env.data(), 1, {}, out.data());
    }
    catch (const geoinr::Error&)
    {
    }
    return 0;
}
