// SPDX-License-Identifier: MIT
#include "device.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/cuda.h>

namespace geoinr::core
{

torch::Device parseDevice(const std::string& name)
{
    if (name == "cpu")
    {
        return torch::kCPU;
    }
    if (name == "cuda")
    {
        if (!torch::cuda::is_available())
        {
            throw InvalidArgument("--device cuda: no CUDA device is available (or this LibTorch "
                                  "was built without CUDA)");
        }
        return torch::kCUDA;
    }
    throw InvalidArgument(fmt::format("--device: expected cpu or cuda, got '{}'", name));
}

} // namespace geoinr::core
