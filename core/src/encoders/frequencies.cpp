// SPDX-License-Identifier: MIT
#include "frequencies.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <cmath>

namespace geoinr::core::encoders
{

std::vector<double> geometricFrequencies(int count, double minRadius, double maxRadius)
{
    std::vector<double> out(static_cast<size_t>(count));
    if (count == 1)
    {
        out[0] = 1.0 / minRadius;
        return out;
    }
    const double g = std::pow(maxRadius / minRadius, 1.0 / (count - 1));
    for (int f = 0; f < count; ++f)
    {
        out[static_cast<size_t>(f)] = 1.0 / (minRadius * std::pow(g, f));
    }
    return out;
}

std::vector<double> maxOnlyFrequencies(int count, double maxRadius)
{
    std::vector<double> out(static_cast<size_t>(count), 1.0);
    for (int f = 0; count > 1 && f < count; ++f)
    {
        out[static_cast<size_t>(f)] = std::pow(maxRadius, -static_cast<double>(f) / (count - 1));
    }
    return out;
}

std::vector<double> nerfFrequencies(int count)
{
    std::vector<double> out(static_cast<size_t>(count));
    for (int f = 0; f < count; ++f)
    {
        out[static_cast<size_t>(f)] = M_PI * std::ldexp(1.0, f);
    }
    return out;
}

std::vector<double> frequenciesFromConfig(const nlohmann::json& resolved)
{
    const int count = resolved.at("frequency_num").get<int>();
    const double minRadius = resolved.at("min_radius").get<double>();
    const double maxRadius = resolved.at("max_radius").get<double>();
    const auto rule = resolved.at("freq_rule").get<std::string>();
    if (rule == "maxonly")
    {
        return maxOnlyFrequencies(count, maxRadius);
    }
    if (minRadius >= maxRadius && count > 1)
    {
        throw InvalidArgument(
            fmt::format("encoder.min_radius: expected a value below max_radius ({}), got {}",
                        maxRadius, minRadius));
    }
    return geometricFrequencies(count, minRadius, maxRadius);
}

std::vector<ParamSpec> frequencyParams(int defaultCount, double defaultMin, double defaultMax,
                                       const char* defaultRule, const char* unit)
{
    const double tiny = 1e-12;
    return {
        {"frequency_num", ParamType::Integer, defaultCount, "number of scales F", 1.0, 4096.0},
        {"min_radius",
         ParamType::Number,
         defaultMin,
         fmt::format("smallest scale r_min ({}); highest frequency is 1/r_min", unit),
         tiny,
         {}},
        {"max_radius",
         ParamType::Number,
         defaultMax,
         fmt::format("largest scale r_max ({}); lowest frequency is 1/r_max", unit),
         tiny,
         {}},
        {"freq_rule",
         ParamType::String,
         defaultRule,
         "geometric (Space2Vec/Sphere2Vec) or maxonly (TorchSpatial sphereM+/dfs reproduction)",
         {},
         {},
         {"geometric", "maxonly"}},
    };
}

} // namespace geoinr::core::encoders
