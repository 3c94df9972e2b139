// SPDX-License-Identifier: MIT
// SplitMix64 finaliser: every output bit depends on every input bit. Used to derive independent
// random streams from (seed, counters) without generator state.
#pragma once

#include <cstdint>

namespace geoinr::core
{

inline std::uint64_t splitMix64(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

} // namespace geoinr::core
