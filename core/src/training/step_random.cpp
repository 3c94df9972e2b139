// SPDX-License-Identifier: MIT
#include "step_random.h"

#include "../split_mix.h"

#include <ATen/CPUGeneratorImpl.h>

namespace geoinr::core::training
{

/*
 * LibTorch's CPU generator keeps only the low 32 bits of its seed (mt19937), so the three values
 * are hashed together rather than packed into separate bit ranges: packing the epoch into the high
 * bits once made every epoch replay the same batches and pseudo-absences (and cost 0.1 MAP on
 * IUCN).
 */
at::Generator stepGenerator(std::uint64_t seed, std::int64_t epoch, std::int64_t step)
{
    const auto mixed = splitMix64(seed ^ splitMix64(static_cast<std::uint64_t>(epoch) ^
                                                    splitMix64(static_cast<std::uint64_t>(step))));
    return at::detail::createCPUGenerator(mixed & 0xFFFFFFFFULL);
}

} // namespace geoinr::core::training
