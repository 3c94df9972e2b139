// SPDX-License-Identifier: MIT
// Validation of JSON hyperparameters against declarative specs.
#include <geoinr/core/config.h>
#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace geoinr::core
{
namespace
{

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
    {
        out += (out.empty() ? "" : ", ") + n;
    }
    return out;
}

std::string boundsText(const ParamSpec& spec)
{
    if (spec.min && spec.max)
    {
        return fmt::format(" in [{}, {}]", *spec.min, *spec.max);
    }
    if (spec.min)
    {
        return fmt::format(" >= {}", *spec.min);
    }
    if (spec.max)
    {
        return fmt::format(" <= {}", *spec.max);
    }
    return "";
}

bool inBounds(const ParamSpec& spec, double v)
{
    return std::isfinite(v) && (!spec.min || v >= *spec.min) && (!spec.max || v <= *spec.max);
}

bool isNumberList(const nlohmann::json& v)
{
    return v.is_array() &&
           std::all_of(v.begin(), v.end(), [](const nlohmann::json& e) { return e.is_number(); });
}

bool matches(const ParamSpec& spec, const nlohmann::json& v)
{
    switch (spec.type)
    {
    case ParamType::Integer:
        return v.is_number_integer() && inBounds(spec, v.get<double>());
    case ParamType::Number:
        return v.is_number() && inBounds(spec, v.get<double>());
    case ParamType::Boolean:
        return v.is_boolean();
    case ParamType::String:
        return v.is_string() &&
               (spec.choices.empty() || std::find(spec.choices.begin(), spec.choices.end(),
                                                  v.get<std::string>()) != spec.choices.end());
    case ParamType::NumberList:
        return isNumberList(v);
    case ParamType::NumberMatrix:
        if (!v.is_array() || v.empty())
        {
            return false;
        }
        return std::all_of(v.begin(), v.end(),
                           [&](const nlohmann::json& row)
                           { return isNumberList(row) && row.size() == v.front().size(); });
    }
    return false;
}

} // namespace

std::string describeExpected(const ParamSpec& spec)
{
    switch (spec.type)
    {
    case ParamType::Integer:
        return "an integer" + boundsText(spec);
    case ParamType::Number:
        return "a number" + boundsText(spec);
    case ParamType::Boolean:
        return "true or false";
    case ParamType::String:
        return spec.choices.empty() ? "a string" : "one of: " + joinNames(spec.choices);
    case ParamType::NumberList:
        return "an array of numbers";
    case ParamType::NumberMatrix:
        return "an array of equally long arrays of numbers";
    }
    return "a value";
}

nlohmann::json resolveParams(const std::vector<ParamSpec>& specs, const nlohmann::json& given,
                             const std::string& path, const std::vector<std::string>& ignoredKeys)
{
    if (!given.is_object())
    {
        throw InvalidArgument(
            fmt::format("{}: expected a JSON object, got {}", path, given.dump()));
    }
    std::vector<std::string> known;
    known.reserve(specs.size());
    for (const auto& s : specs)
    {
        known.push_back(s.name);
    }
    for (const auto& [key, value] : given.items())
    {
        const bool isKnown = std::find(known.begin(), known.end(), key) != known.end();
        const bool isIgnored =
            std::find(ignoredKeys.begin(), ignoredKeys.end(), key) != ignoredKeys.end();
        if (!isKnown && !isIgnored)
        {
            throw InvalidArgument(fmt::format("{}.{}: unknown field (known fields: {})", path, key,
                                              known.empty() ? "none" : joinNames(known)));
        }
    }

    nlohmann::json out = nlohmann::json::object();
    for (const auto& key : ignoredKeys)
    {
        if (given.contains(key))
        {
            out[key] = given.at(key);
        }
    }
    for (const auto& spec : specs)
    {
        const auto it = given.find(spec.name);
        if (it == given.end() || it->is_null())
        {
            if (spec.required)
            {
                throw InvalidArgument(fmt::format("{}.{}: missing required field (expected {})",
                                                  path, spec.name, describeExpected(spec)));
            }
            out[spec.name] = spec.defaultValue;
            continue;
        }
        if (!matches(spec, *it))
        {
            throw InvalidArgument(fmt::format("{}.{}: expected {}, got {}", path, spec.name,
                                              describeExpected(spec), it->dump()));
        }
        out[spec.name] = *it;
    }
    return out;
}

std::string requireString(const nlohmann::json& obj, const std::string& field,
                          const std::string& path)
{
    if (!obj.is_object())
    {
        throw InvalidArgument(fmt::format("{}: expected a JSON object, got {}", path, obj.dump()));
    }
    const auto it = obj.find(field);
    if (it == obj.end())
    {
        throw InvalidArgument(fmt::format("{}.{}: missing required field", path, field));
    }
    if (!it->is_string())
    {
        throw InvalidArgument(
            fmt::format("{}.{}: expected a string, got {}", path, field, it->dump()));
    }
    return it->get<std::string>();
}

} // namespace geoinr::core
