// SPDX-License-Identifier: MIT
// CovariateStack::randomValidPoints: seeded spherical-uniform background points on valid pixels.
#include "covariate_stack_impl.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace geoinr::rasters
{
namespace
{

constexpr double kPi = 3.14159265358979323846;
constexpr std::size_t kTriesPerPoint = 1000;

/** U[0, 1) from the top 53 bits: the same numbers with every standard library. */
double uniform01(std::mt19937_64& rng)
{
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

bool rowValid(const std::vector<double>& values, std::size_t row, std::size_t width)
{
    const auto begin = values.begin() + static_cast<std::ptrdiff_t>(row * width);
    return std::none_of(begin, begin + static_cast<std::ptrdiff_t>(width),
                        [](double v) { return std::isnan(v); });
}

} // namespace

void CovariateStack::randomValidPoints(std::size_t n, std::uint64_t seed, std::vector<double>& lon,
                                       std::vector<double>& lat) const
{
    lon.clear();
    lat.clear();
    if (n == 0)
    {
        return;
    }
    const auto box = lonLatBounds(0);
    const double west = box[0];
    const double east = box[2] >= box[0] ? box[2] : box[2] + 360.0; // crossing the antimeridian
    // Uniform on the sphere within the box: lon uniform, sin(lat) uniform.
    const double zSouth = std::sin(box[1] * kPi / 180.0);
    const double zNorth = std::sin(box[3] * kPi / 180.0);
    std::mt19937_64 rng(seed);
    const std::size_t width = numFeatures();
    const std::size_t maxTries = kTriesPerPoint * n;
    std::size_t tries = 0;
    std::vector<double> candLon;
    std::vector<double> candLat;
    while (lon.size() < n && tries < maxTries)
    {
        const std::size_t batch =
            std::min(maxTries - tries, std::max<std::size_t>(1024, 2 * (n - lon.size())));
        candLon.resize(batch);
        candLat.resize(batch);
        for (std::size_t i = 0; i < batch; ++i)
        {
            double x = west + uniform01(rng) * (east - west);
            candLon[i] = x > 180.0 ? x - 360.0 : x;
            const double z = zSouth + uniform01(rng) * (zNorth - zSouth);
            candLat[i] = std::asin(std::clamp(z, -1.0, 1.0)) * 180.0 / kPi;
        }
        tries += batch;
        const std::vector<double> values = sample(candLon, candLat, Resampling::Nearest);
        for (std::size_t i = 0; i < batch && lon.size() < n; ++i)
        {
            if (rowValid(values, i, width))
            {
                lon.push_back(candLon[i]);
                lat.push_back(candLat[i]);
            }
        }
    }
    if (lon.size() < n)
    {
        throw InvalidArgument(fmt::format(
            "randomValidPoints: found only {} of {} points valid in every covariate after {} "
            "tries in lon [{}, {}], lat [{}, {}] (the extent of {}); the layers barely overlap",
            lon.size(), n, tries, box[0], box[2], box[1], box[3], m_impl->layers[0].label()));
    }
}

} // namespace geoinr::rasters
