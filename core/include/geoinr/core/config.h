// SPDX-License-Identifier: MIT
// Declarative hyperparameter specs and validation of JSON configuration against them.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace geoinr::core
{

/** JSON type a hyperparameter accepts. */
enum class ParamType
{
    Integer,
    Number,
    Boolean,
    String,      ///< one of ParamSpec::choices when choices is non-empty
    NumberList,  ///< array of numbers
    NumberMatrix ///< array of equally long arrays of numbers
};

/** One hyperparameter: name, type, default, bounds and a one-line description. */
struct ParamSpec
{
    std::string name;
    ParamType type = ParamType::Number;
    nlohmann::json defaultValue; ///< null = optional with no default (e.g. fixed weights)
    std::string doc;
    std::optional<double> min;        ///< inclusive lower bound for numbers
    std::optional<double> max;        ///< inclusive upper bound for numbers
    std::vector<std::string> choices; ///< allowed strings
    bool required = false;            ///< no default: the user must give it
};

/** Human-readable type description, e.g. "an integer >= 0" or "one of: coords, env". */
std::string describeExpected(const ParamSpec& spec);

/**
 * Validates `given` (a JSON object) against `specs` and returns it with every default filled in.
 * `path` prefixes error messages ("encoder" -> "encoder.L: expected an integer >= 0, got -1").
 * Unknown keys are errors that list the known ones; `ignoredKeys` are passed through untouched.
 * Throws geoinr::InvalidArgument.
 */
nlohmann::json resolveParams(const std::vector<ParamSpec>& specs, const nlohmann::json& given,
                             const std::string& path,
                             const std::vector<std::string>& ignoredKeys = {"name"});

/** Reads a required string field (e.g. "name") with a clear error naming `path.field`. */
std::string requireString(const nlohmann::json& obj, const std::string& field,
                          const std::string& path);

} // namespace geoinr::core
