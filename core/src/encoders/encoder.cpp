// SPDX-License-Identifier: MIT
// Encoder base class, coordinate validation, factory and torch-free catalogue.
#include "encoder_spec.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

namespace geoinr::core
{

EncoderImpl::EncoderImpl(nlohmann::json resolvedConfig, std::int64_t outputDim)
    : m_config(std::move(resolvedConfig)), m_name(m_config.at("name").get<std::string>()),
      m_outputDim(outputDim)
{
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& lonLatDeg)
{
    validateLonLat(lonLatDeg);
    return encode(lonLatDeg);
}

void EncoderImpl::fitToLocations(const torch::Tensor& /*lonLatDeg*/) {}

void validateLonLat(const torch::Tensor& lonLatDeg)
{
    if (!lonLatDeg.defined() || lonLatDeg.dim() != 2 || lonLatDeg.size(1) != 2)
    {
        throw InvalidArgument(fmt::format(
            "coordinates: expected a tensor of shape [N, 2] (lon, lat in degrees), got {}",
            lonLatDeg.defined() ? fmt::format("shape {}", fmt::join(lonLatDeg.sizes(), "x"))
                                : std::string("an undefined tensor")));
    }
    if (!lonLatDeg.is_floating_point())
    {
        throw InvalidArgument("coordinates: expected float32 or float64 lon/lat in degrees");
    }
    const auto lon = lonLatDeg.select(1, 0);
    const auto lat = lonLatDeg.select(1, 1);
    // Comparisons with NaN are false, so "not inside" also catches non-finite values.
    const auto bad = (lon.abs() <= 180.0).logical_and(lat.abs() <= 90.0).logical_not();
    if (!bad.any().item<bool>())
    {
        return;
    }
    const auto row = bad.nonzero().select(1, 0)[0].item<std::int64_t>();
    const auto values = lonLatDeg[row].to(torch::kCPU, torch::kFloat64);
    throw InvalidArgument(fmt::format(
        "coordinates: row {} has lon={}, lat={}; expected finite lon in [-180, 180] and lat in "
        "[-90, 90] degrees ({} invalid rows in all)",
        row, values[0].item<double>(), values[1].item<double>(), bad.sum().item<std::int64_t>()));
}

namespace encoders
{

const std::vector<EncoderSpec>& allEncoderSpecs()
{
    static const std::vector<EncoderSpec> specs = []
    {
        std::vector<EncoderSpec> all;
        for (auto&& group : {wrapSpecs(), tileSpecs(), rbfSpecs(), rffSpecs(), space2vecSpecs(),
                             cartesianSpecs(), sphere2vecSpecs(), sphericalHarmonicsSpecs()})
        {
            all.insert(all.end(), group.begin(), group.end());
        }
        return all;
    }();
    return specs;
}

namespace
{

const EncoderSpec& findSpec(const nlohmann::json& config)
{
    const auto name = requireString(config, "name", "encoder");
    // Imported encoders (torchscript) are found by name but not listed in the catalogue.
    static const std::vector<EncoderSpec> specs = []
    {
        auto all = allEncoderSpecs();
        const auto imported = torchscriptSpecs();
        all.insert(all.end(), imported.begin(), imported.end());
        return all;
    }();
    const auto it = std::find_if(specs.begin(), specs.end(),
                                 [&](const EncoderSpec& s) { return s.info.name == name; });
    if (it == specs.end())
    {
        std::vector<std::string> names;
        names.reserve(specs.size());
        for (const auto& s : specs)
        {
            names.push_back(s.info.name);
        }
        throw InvalidArgument(fmt::format("encoder.name: unknown encoder '{}' (known: {})", name,
                                          fmt::join(names, ", ")));
    }
    return *it;
}

} // namespace
} // namespace encoders

EncoderPtr makeEncoder(const nlohmann::json& config)
{
    const auto& spec = encoders::findSpec(config);
    return spec.create(resolveParams(spec.info.params, config, "encoder"));
}

nlohmann::json resolveEncoderConfig(const nlohmann::json& encoderConfig)
{
    const auto& spec = encoders::findSpec(encoderConfig);
    return resolveParams(spec.info.params, encoderConfig, "encoder");
}

std::int64_t encoderOutputDim(const nlohmann::json& encoderConfig)
{
    const auto& spec = encoders::findSpec(encoderConfig);
    return spec.outputDim(resolveParams(spec.info.params, encoderConfig, "encoder"));
}

const std::vector<ComponentInfo>& encoderCatalog()
{
    static const std::vector<ComponentInfo> infos = []
    {
        std::vector<ComponentInfo> out;
        for (const auto& s : encoders::allEncoderSpecs())
        {
            out.push_back(s.info);
        }
        return out;
    }();
    return infos;
}

const std::vector<ComponentInfo>& importedEncoderCatalog()
{
    static const std::vector<ComponentInfo> infos = []
    {
        std::vector<ComponentInfo> out;
        for (const auto& s : encoders::torchscriptSpecs())
        {
            out.push_back(s.info);
        }
        return out;
    }();
    return infos;
}

nlohmann::json describeComponent(const ComponentInfo& info)
{
    nlohmann::json params = nlohmann::json::array();
    for (const auto& p : info.params)
    {
        nlohmann::json j = {{"name", p.name},
                            {"expected", describeExpected(p)},
                            {"default", p.defaultValue},
                            {"doc", p.doc}};
        if (p.required)
        {
            j["required"] = true;
        }
        params.push_back(j);
    }
    return {{"name", info.name},
            {"description", info.description},
            {"reference", info.reference},
            {"params", params}};
}

} // namespace geoinr::core
