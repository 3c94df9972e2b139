// SPDX-License-Identifier: MIT
// Torch-free view of the location encoders and networks: names, hyperparameters, output sizes.
// Front ends (CLI, QGIS) use this to list and validate without pulling LibTorch headers.
#pragma once

#include <geoinr/core/config.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::core
{

/** Description of one registered encoder or network. */
struct ComponentInfo
{
    std::string name;
    std::string description;
    std::string reference; ///< paper / code base it follows
    std::vector<ParamSpec> params;
};

/** Every location encoder that builds from its defaults, in catalogue order. */
const std::vector<ComponentInfo>& encoderCatalog();

/**
 * Encoders imported from a file (torchscript): usable by name like the others, but they need a
 * `path`, so they have no default output dimension and stay out of encoderCatalog().
 */
const std::vector<ComponentInfo>& importedEncoderCatalog();

/** Every network, in catalogue order. */
const std::vector<ComponentInfo>& networkCatalog();

/** The encoder's output dimension for a configuration ({"name": ..., hyperparameters}). */
std::int64_t encoderOutputDim(const nlohmann::json& encoderConfig);

/** The configuration with every default filled in; throws InvalidArgument naming the field. */
nlohmann::json resolveEncoderConfig(const nlohmann::json& encoderConfig);

/** JSON description of a component: name, description, reference, params (with defaults). */
nlohmann::json describeComponent(const ComponentInfo& info);

} // namespace geoinr::core
