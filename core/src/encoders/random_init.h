// SPDX-License-Identifier: MIT
// Seeded draws for fixed (non-learned) encoder parameters, independent of LibTorch's RNG so that
// a configuration's seed gives the same values with every LibTorch version.
#pragma once

#include <cstdint>
#include <vector>

namespace geoinr::core::encoders
{

/** n values ~ N(mean, std^2) from std::mt19937_64(seed). */
std::vector<double> seededNormal(std::size_t n, double mean, double std, std::uint64_t seed);
/** n values ~ U(lo, hi) from std::mt19937_64(seed). */
std::vector<double> seededUniform(std::size_t n, double lo, double hi, std::uint64_t seed);
/** n spherical-uniform (lon, lat) degree pairs, flattened [lon0, lat0, lon1, ...]. */
std::vector<double> seededSphereLonLat(std::size_t n, std::uint64_t seed);

} // namespace geoinr::core::encoders
