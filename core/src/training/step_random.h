// SPDX-License-Identifier: MIT
// Per-step random generators of the trainer, derived from (seed, epoch, step) only.
#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>

namespace geoinr::core::training
{

/**
 * A CPU generator whose stream depends only on (seed, epoch, step), so a resumed run replays it.
 * step = -1 is the epoch's shuffle.
 */
at::Generator stepGenerator(std::uint64_t seed, std::int64_t epoch, std::int64_t step);

} // namespace geoinr::core::training
