// SPDX-License-Identifier: MIT
// RangeModel: configuration, input assembly and logits.
#include <geoinr/core/config.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/range_model.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

namespace geoinr::core
{
namespace
{

const std::vector<ParamSpec>& modelParams()
{
    static const std::vector<ParamSpec> specs = {
        {"input",
         ParamType::String,
         "coords",
         "network input: coords, env or env+coords",
         {},
         {},
         {"coords", "env", "env+coords"}},
        {"num_env_features", ParamType::Integer, 0, "number of covariate channels", 0.0, 1e5},
        {"num_classes",
         ParamType::Integer,
         nullptr,
         "number of species (outputs)",
         1.0,
         1e8,
         {},
         true},
        {"seed", ParamType::Integer, 0, "initialisation seed", 0.0, {}},
    };
    return specs;
}

InputMode parseInputMode(const std::string& s)
{
    if (s == "env")
    {
        return InputMode::Env;
    }
    if (s == "env+coords")
    {
        return InputMode::EnvAndCoords;
    }
    return InputMode::Coords;
}

} // namespace

namespace
{

/** Weights a configuration would allocate, refused above this (1 GiB of float32) before any
 *  allocation: SINR at 47,000 species has 1.3e7; a hidden width of 10^6 would need terabytes. */
constexpr double kMaxModelParameters = 268435456.0;

void checkModelSize(const nlohmann::json& network, std::int64_t inputDim, std::int64_t classes)
{
    const auto number = [&](const char* key, double fallback)
    {
        const auto it = network.is_object() ? network.find(key) : network.end();
        return it != network.end() && it->is_number() ? it->get<double>() : fallback;
    };
    const double width = number("hidden_dim", 256.0);
    const double layers =
        std::max({number("num_blocks", 0.0), number("num_layers", 0.0), number("depth", 0.0), 4.0});
    const double estimate = width * (static_cast<double>(inputDim) + 2.0 * layers * width +
                                     static_cast<double>(classes));
    if (estimate > kMaxModelParameters)
    {
        throw InvalidArgument(fmt::format(
            "model: about {:.3g} weights (input {}, width {}, {} layers, {} species) exceed the "
            "limit of {:.3g}",
            estimate, inputDim, width, layers, classes, kMaxModelParameters));
    }
}

} // namespace

RangeModelImpl::RangeModelImpl(const nlohmann::json& config)
{
    if (!config.is_object())
    {
        throw InvalidArgument(fmt::format("model: expected a JSON object, got {}", config.dump()));
    }
    // encoder/network are objects; validate the scalar fields with the spec, the rest by hand.
    auto scalars = config;
    scalars.erase("encoder");
    scalars.erase("network");
    m_config = resolveParams(modelParams(), scalars, "model", {});
    m_inputMode = parseInputMode(m_config.at("input").get<std::string>());
    m_numEnv = m_config.at("num_env_features").get<std::int64_t>();
    torch::manual_seed(m_config.at("seed").get<std::uint64_t>());

    std::int64_t inputDim = 0;
    if (m_inputMode != InputMode::Coords)
    {
        if (m_numEnv < 1)
        {
            throw InvalidArgument(fmt::format(
                "model.num_env_features: input '{}' needs covariates; expected an integer >= 1, "
                "got {}",
                m_config.at("input").get<std::string>(), m_numEnv));
        }
        inputDim += m_numEnv;
    }
    if (m_inputMode != InputMode::Env)
    {
        if (!config.contains("encoder"))
        {
            throw InvalidArgument("model.encoder: missing required field (expected an object "
                                  "such as {\"name\": \"wrap\"})");
        }
        m_encoder = register_module("encoder", makeEncoder(config.at("encoder")));
        m_config["encoder"] = m_encoder->config();
        inputDim += m_encoder->outputDim();
    }
    else
    {
        m_config.erase("encoder");
    }
    const auto networkConfig = config.contains("network")
                                   ? config.at("network")
                                   : nlohmann::json{{"name", "residual_fcnet"}};
    checkModelSize(networkConfig, inputDim, m_config.at("num_classes").get<std::int64_t>());
    m_network =
        register_module("network", makeNetwork(networkConfig, inputDim,
                                               m_config.at("num_classes").get<std::int64_t>()));
    m_config["network"] = m_network->config();
}

torch::Tensor RangeModelImpl::encodeInputs(const torch::Tensor& lonLatDeg, const torch::Tensor& env,
                                           bool validate)
{
    std::vector<torch::Tensor> parts;
    if (m_encoder)
    {
        parts.push_back(validate ? m_encoder->forward(lonLatDeg) : m_encoder->encode(lonLatDeg));
    }
    if (m_inputMode != InputMode::Coords)
    {
        if (!env.defined() || env.dim() != 2 || env.size(1) != m_numEnv)
        {
            throw InvalidArgument(fmt::format(
                "covariates: expected a tensor of shape [N, {}], got {}", m_numEnv,
                env.defined() ? fmt::format("{}", fmt::join(env.sizes(), "x")) : "none"));
        }
        if (!parts.empty() && env.size(0) != parts.front().size(0))
        {
            throw InvalidArgument(fmt::format("covariates: {} rows but {} coordinates", env.size(0),
                                              parts.front().size(0)));
        }
        parts.push_back(parts.empty() ? env : env.to(parts.front().scalar_type()));
    }
    return parts.size() == 1 ? parts.front() : torch::cat(parts, 1);
}

torch::Tensor RangeModelImpl::forward(const torch::Tensor& lonLatDeg, const torch::Tensor& env)
{
    return m_network->forward(encodeInputs(lonLatDeg, env));
}

torch::Tensor RangeModelImpl::features(const torch::Tensor& lonLatDeg, const torch::Tensor& env)
{
    return m_network->features(encodeInputs(lonLatDeg, env));
}

torch::Tensor RangeModelImpl::logitsFor(const torch::Tensor& lonLatDeg, const torch::Tensor& env,
                                        const torch::Tensor& species)
{
    return m_network->logitsFor(encodeInputs(lonLatDeg, env), species);
}

RangeModelPtr makeRangeModel(const nlohmann::json& config)
{
    return std::make_shared<RangeModelImpl>(config);
}

} // namespace geoinr::core
