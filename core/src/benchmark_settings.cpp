// SPDX-License-Identifier: MIT
#include "locationencoder_hparams_data.h" // generated from resources/benchmarks (CMake)

#include <geoinr/core/benchmark_settings.h>
#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace geoinr::core
{
namespace
{

nlohmann::json scales(const nlohmann::json& run)
{
    return {{"frequency_num", run.at("frequency_num")},
            {"min_radius", run.at("min_radius")},
            // train.py fills in r_max = 360 when the yaml omits it.
            {"max_radius", run.value("max_radius", 360)}};
}

} // namespace

const nlohmann::json& bundledBenchmarkHparams()
{
    static const nlohmann::json doc = nlohmann::json::parse(kLocationencoderHparamsJson);
    return doc;
}

const std::vector<std::string>& benchmarkEncoderNames()
{
    static const std::vector<std::string> names = {
        "direct",  "cartesian3d", "wrap",    "grid",        "theory",
        "spherec", "spherecplus", "spherem", "spheremplus", "sphericalharmonics"};
    return names;
}

const std::vector<std::string>& benchmarkNetworkNames()
{
    static const std::vector<std::string> names = {"linear", "fcnet", "siren"};
    return names;
}

nlohmann::json encoderFromLocationencoder(const std::string& name, const nlohmann::json& run)
{
    if (name == "direct")
    {
        return {{"name", "direct"}};
    }
    if (name == "cartesian3d")
    {
        return {{"name", "xyz"}};
    }
    if (name == "wrap")
    {
        return {{"name", "wrap"}, {"order", "locationencoder"}};
    }
    if (name == "sphericalharmonics")
    {
        return {{"name", "spherical_harmonics"}, {"L", run.at("legendre_polys")}};
    }
    if (name == "grid" || name == "theory")
    {
        auto e = scales(run);
        e["name"] = name == "grid" ? "space2vec_grid" : "space2vec_theory";
        return e;
    }
    static const std::map<std::string, std::string> sphere = {{"spherec", "sphere_c"},
                                                              {"spherecplus", "sphere_c_plus"},
                                                              {"spherem", "sphere_m"},
                                                              {"spheremplus", "sphere_m_plus"}};
    if (const auto it = sphere.find(name); it != sphere.end())
    {
        // [SH]'s numbers come from locationencoder's variant: degree arguments, features twice.
        auto e = scales(run);
        e["name"] = it->second;
        e["legacy_locationencoder"] = true;
        return e;
    }
    throw InvalidArgument(fmt::format("unknown locationencoder positional encoding '{}'; known: {}",
                                      name, fmt::join(benchmarkEncoderNames(), ", ")));
}

nlohmann::json networkFromLocationencoder(const std::string& name, const nlohmann::json& run)
{
    if (name == "linear")
    {
        return {{"name", "linear"}};
    }
    if (name == "fcnet")
    {
        return {{"name", "fcnet"}, {"hidden_dim", run.at("dim_hidden")}};
    }
    if (name == "siren")
    {
        return {{"name", "siren"},
                {"hidden_dim", run.at("dim_hidden")},
                {"num_layers", run.at("num_layers")}};
    }
    throw InvalidArgument(fmt::format("unknown locationencoder network '{}'; known: {}", name,
                                      fmt::join(benchmarkNetworkNames(), ", ")));
}

ClassifierFitOptions benchmarkRunOptions(const nlohmann::json& hparams, const std::string& task,
                                         const std::string& encoder, const std::string& network)
{
    const auto key = encoder + "-" + network;
    if (!hparams.contains(task) || !hparams.at(task).contains("runs") ||
        !hparams.at(task).at("runs").contains(key))
    {
        throw InvalidArgument(
            fmt::format("benchmark settings: no entry '{}' for task '{}'", key, task));
    }
    const auto& dataset = hparams.at(task).at("dataset");
    const auto& run = hparams.at(task).at("runs").at(key);
    try
    {
        ClassifierFitOptions o;
        o.encoder = encoderFromLocationencoder(encoder, run);
        o.network = networkFromLocationencoder(network, run);
        o.maxEpochs = dataset.at("max_epochs").get<int>();
        o.patience = dataset.at("patience").get<int>();
        o.batchSize = dataset.at("batch_size").get<std::int64_t>();
        o.learningRate = run.at("lr").get<double>();
        o.weightDecay = run.at("wd").get<double>();
        return o;
    }
    catch (const nlohmann::json::exception& e)
    {
        throw InvalidArgument(
            fmt::format("benchmark settings: entry '{}' of '{}': {}", key, task, e.what()));
    }
}

} // namespace geoinr::core
