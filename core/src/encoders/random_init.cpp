// SPDX-License-Identifier: MIT
#include "random_init.h"

#include <cmath>
#include <random>

namespace geoinr::core::encoders
{

std::vector<double> seededNormal(std::size_t n, double mean, double std, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    // Box-Muller by hand: std::normal_distribution's algorithm differs between standard libraries.
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; i += 2)
    {
        const double u1 = 1.0 - uni(rng);
        const double u2 = uni(rng);
        const double r = std::sqrt(-2.0 * std::log(u1));
        out[i] = mean + std * r * std::cos(2.0 * M_PI * u2);
        if (i + 1 < n)
        {
            out[i + 1] = mean + std * r * std::sin(2.0 * M_PI * u2);
        }
    }
    return out;
}

std::vector<double> seededUniform(std::size_t n, double lo, double hi, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uni(lo, hi);
    std::vector<double> out(n);
    for (auto& v : out)
    {
        v = uni(rng);
    }
    return out;
}

std::vector<double> seededSphereLonLat(std::size_t n, std::uint64_t seed)
{
    const auto u = seededUniform(2 * n, 0.0, 1.0, seed);
    std::vector<double> out(2 * n);
    for (std::size_t i = 0; i < n; ++i)
    {
        out[2 * i] = 360.0 * u[2 * i] - 180.0;
        out[2 * i + 1] = 90.0 - 180.0 / M_PI * std::acos(2.0 * u[2 * i + 1] - 1.0);
    }
    return out;
}

} // namespace geoinr::core::encoders
