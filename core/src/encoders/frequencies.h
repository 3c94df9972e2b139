// SPDX-License-Identifier: MIT
// Frequency lists of the multi-scale sinusoidal encoders (science.md §2.0) and their params.
#pragma once

#include <geoinr/core/config.h>

#include <nlohmann/json.hpp>

#include <vector>

namespace geoinr::core::encoders
{

/** omega_f = 1 / (rMin * g^f), g = (rMax/rMin)^(1/(F-1)): highest first. F = 1 gives 1/rMin. */
std::vector<double> geometricFrequencies(int count, double minRadius, double maxRadius);

/** TorchSpatial sphereM+/dfs rule: omega_f = rMax^(-f/(F-1)) (min radius ignored). */
std::vector<double> maxOnlyFrequencies(int count, double maxRadius);

/** NeRF: omega_f = pi * 2^f. */
std::vector<double> nerfFrequencies(int count);

/** The frequency list a resolved config asks for (frequency_num, min/max_radius, freq_rule). */
std::vector<double> frequenciesFromConfig(const nlohmann::json& resolved);

/** frequency_num, min_radius, max_radius and freq_rule specs with the given defaults. */
std::vector<ParamSpec> frequencyParams(int defaultCount, double defaultMin, double defaultMax,
                                       const char* defaultRule, const char* unit);

} // namespace geoinr::core::encoders
