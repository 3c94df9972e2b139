// SPDX-License-Identifier: MIT
// CovariateStack <-> JSON, so that a checkpoint can carry the covariates and their statistics.
#include "covariate_stack_impl.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <filesystem>

namespace geoinr::rasters
{
namespace
{

constexpr const char* kFormat = "geoinr-covariates";
constexpr int kVersion = 1;

const nlohmann::json& requireField(const nlohmann::json& obj, const std::string& key,
                                   const std::string& path, nlohmann::json::value_t type,
                                   const char* expected)
{
    if (!obj.is_object() || !obj.contains(key))
    {
        throw InvalidArgument(path + "." + key + ": missing (expected " + expected + ")");
    }
    const auto& v = obj.at(key);
    const bool ok = v.type() == type ||
                    (type == nlohmann::json::value_t::number_float && v.is_number()) ||
                    (type == nlohmann::json::value_t::number_integer && v.is_number_integer());
    if (!ok)
    {
        throw InvalidArgument(path + "." + key + ": expected " + expected + ", got " + v.dump());
    }
    return v;
}

std::vector<double> numberList(const nlohmann::json& obj, const std::string& key,
                               const std::string& path, std::size_t size)
{
    const auto& arr =
        requireField(obj, key, path, nlohmann::json::value_t::array, "an array of numbers");
    std::vector<double> out;
    for (const auto& v : arr)
    {
        if (!v.is_number())
        {
            throw InvalidArgument(
                fmt::format("{}.{}: expected numbers, got {}", path, key, v.dump()));
        }
        out.push_back(v.get<double>());
    }
    if (size != 0 && out.size() != size)
    {
        throw InvalidArgument(fmt::format("{}.{}: expected {} values (one per feature), got {}",
                                          path, key, size, out.size()));
    }
    return out;
}

CovariateSpec specFromJson(const nlohmann::json& j, const std::string& path,
                           const std::string& baseDir)
{
    using T = nlohmann::json::value_t;
    CovariateSpec s;
    s.name = requireField(j, "name", path, T::string, "a string").get<std::string>();
    s.path = requireField(j, "path", path, T::string, "a string").get<std::string>();
    s.band = requireField(j, "band", path, T::number_integer, "an integer").get<int>();
    s.categorical = j.value("categorical", false);
    if (s.categorical)
    {
        s.levels = numberList(j, "levels", path, 0);
    }
    if (!baseDir.empty() && std::filesystem::path(s.path).is_relative())
    {
        s.path = (std::filesystem::path(baseDir) / s.path).string();
    }
    return s;
}

} // namespace

nlohmann::json CovariateStack::describe() const
{
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& s : m_impl->specs)
    {
        nlohmann::json l{
            {"name", s.name}, {"path", s.path}, {"band", s.band}, {"categorical", s.categorical}};
        if (s.categorical)
        {
            l["levels"] = s.levels;
        }
        layers.push_back(std::move(l));
    }
    nlohmann::json normalisation = nullptr;
    if (hasNormalisation())
    {
        normalisation = {{"mean", m_impl->mean}, {"std", m_impl->stddev}};
    }
    return {{"format", kFormat},
            {"version", kVersion},
            {"layers", std::move(layers)},
            {"features", m_impl->features},
            {"normalisation", std::move(normalisation)}};
}

CovariateStack CovariateStack::fromDescription(const nlohmann::json& description,
                                               const std::string& baseDir)
{
    const std::string path = "covariates";
    if (!description.is_object())
    {
        throw InvalidArgument(path + ": expected a JSON object, got " + description.dump());
    }
    if (description.contains("version") && description.at("version") != kVersion)
    {
        throw InvalidArgument(fmt::format("{}.version: expected {}, got {}", path, kVersion,
                                          description.at("version").dump()));
    }
    const auto& layers = requireField(description, "layers", path, nlohmann::json::value_t::array,
                                      "an array of layers");
    std::vector<CovariateSpec> specs;
    for (std::size_t i = 0; i < layers.size(); ++i)
    {
        specs.push_back(specFromJson(layers[i], fmt::format("{}.layers[{}]", path, i), baseDir));
    }
    CovariateStack stack = fromSpecs(specs);
    if (description.contains("features") &&
        description.at("features") != nlohmann::json(stack.featureNames()))
    {
        throw InvalidArgument(path + ".features: the rasters give " +
                              nlohmann::json(stack.featureNames()).dump() +
                              " but the description lists " + description.at("features").dump());
    }
    const auto it = description.find("normalisation");
    if (it != description.end() && !it->is_null())
    {
        const std::size_t width = stack.numFeatures();
        stack.m_impl->mean = numberList(*it, "mean", path + ".normalisation", width);
        stack.m_impl->stddev = numberList(*it, "std", path + ".normalisation", width);
    }
    return stack;
}

} // namespace geoinr::rasters
