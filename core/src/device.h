// SPDX-License-Identifier: MIT
// The `--device` option: "cpu" or "cuda" (only where LibTorch has CUDA and a device exists).
#pragma once

#include <torch/types.h>

#include <string>

namespace geoinr::core
{

/** Throws InvalidArgument naming --device for other names or when CUDA is unavailable. */
torch::Device parseDevice(const std::string& name);

} // namespace geoinr::core
