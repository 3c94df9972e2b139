// SPDX-License-Identifier: MIT
// RangeModel: location encoder + optional environmental covariates + network, one logit per
// species. Built from, and described by, one JSON document.
#pragma once

#include <geoinr/core/nn/encoder.h>
#include <geoinr/core/nn/network.h>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

namespace geoinr::core
{

/** Which inputs feed the network (science.md §4.6). */
enum class InputMode
{
    Coords,      ///< encoder(lon, lat)
    Env,         ///< covariates only
    EnvAndCoords ///< [encoder(lon, lat), covariates], encoder first
};

/**
 * Model configuration document:
 * {
 *   "input": "coords" | "env" | "env+coords",   (default "coords")
 *   "encoder": {"name": "wrap", ...},            (required unless input is "env")
 *   "num_env_features": 0,                        (required > 0 when input uses env)
 *   "network": {"name": "residual_fcnet", ...},  (default SINR's ResidualFCNet)
 *   "num_classes": 47375,                         (required)
 *   "seed": 0                                     (initialisation seed)
 * }
 */
class RangeModelImpl : public torch::nn::Module
{
  public:
    explicit RangeModelImpl(const nlohmann::json& config);

    /** Logits [N, S]. `env` is [N, num_env_features] or undefined when unused. */
    torch::Tensor forward(const torch::Tensor& lonLatDeg, const torch::Tensor& env = {});
    /** Network input [N, D]: encoded coordinates and/or covariates. `validate` checks the
     *  coordinates (the trainer validates its data once and skips the per-batch check). */
    torch::Tensor encodeInputs(const torch::Tensor& lonLatDeg, const torch::Tensor& env = {},
                               bool validate = true);
    /** Learned features [N, H] (the Geo Feature embedding). */
    torch::Tensor features(const torch::Tensor& lonLatDeg, const torch::Tensor& env = {});
    /** Logits for the species indices `species` [K] only: [N, K]. */
    torch::Tensor logitsFor(const torch::Tensor& lonLatDeg, const torch::Tensor& env,
                            const torch::Tensor& species);

    InputMode inputMode() const { return m_inputMode; }
    std::int64_t numClasses() const { return m_network->numOutputs(); }
    std::int64_t numEnvFeatures() const { return m_numEnv; }
    /** Null when the input mode is Env. */
    const EncoderPtr& encoder() const { return m_encoder; }
    const NetworkPtr& network() const { return m_network; }
    /** Resolved configuration: rebuilds the same architecture. */
    const nlohmann::json& config() const { return m_config; }

  private:
    nlohmann::json m_config;
    InputMode m_inputMode = InputMode::Coords;
    std::int64_t m_numEnv = 0;
    EncoderPtr m_encoder;
    NetworkPtr m_network;
};

using RangeModelPtr = std::shared_ptr<RangeModelImpl>;

/** Builds a model from its configuration; throws InvalidArgument naming the bad field. */
RangeModelPtr makeRangeModel(const nlohmann::json& config);

} // namespace geoinr::core
