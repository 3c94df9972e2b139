// SPDX-License-Identifier: MIT
// Location encoder interface (LibTorch). Include only from core/, tests and benchmarks:
// front ends use geoinr/core/encoder_catalog.h, which has no LibTorch types.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

namespace geoinr::core
{

/**
 * A location encoder: lon/lat in degrees -> feature vector (TorchSpatial's Enc = NN(PE)).
 * Every encoder is built from one JSON object (`makeEncoder`) and reports that object, with all
 * defaults filled in, through `config()`: the same object rebuilds the same architecture.
 */
class EncoderImpl : public torch::nn::Module
{
  public:
    ~EncoderImpl() override = default;

    /**
     * Validates and encodes. `lonLatDeg` is [N, 2] (lon, lat) in degrees, float32 or float64, on
     * any device. Returns [N, outputDim()] with the input's dtype and device. Throws
     * InvalidArgument naming the first row with |lat| > 90, |lon| > 180 or a non-finite value.
     */
    torch::Tensor forward(const torch::Tensor& lonLatDeg);

    /** Encodes already validated coordinates (the hot path used by the trainer). */
    virtual torch::Tensor encode(const torch::Tensor& lonLatDeg) = 0;

    /** Data-dependent initialisation (RBF anchors from training locations); no-op by default. */
    virtual void fitToLocations(const torch::Tensor& lonLatDeg);

    std::int64_t outputDim() const { return m_outputDim; }
    const std::string& name() const { return m_name; }
    /** Resolved configuration including "name". */
    const nlohmann::json& config() const { return m_config; }

  protected:
    EncoderImpl(nlohmann::json resolvedConfig, std::int64_t outputDim);

  private:
    nlohmann::json m_config;
    std::string m_name;
    std::int64_t m_outputDim;
};

using EncoderPtr = std::shared_ptr<EncoderImpl>;

/** Builds an encoder from {"name": ..., hyperparameters...}; throws InvalidArgument. */
EncoderPtr makeEncoder(const nlohmann::json& config);

/**
 * Throws InvalidArgument naming the first bad row unless `lonLatDeg` is an [N, 2] floating tensor
 * with finite values, |lon| <= 180 and |lat| <= 90.
 */
void validateLonLat(const torch::Tensor& lonLatDeg);

/** The flat grid cell id (row * ncol + col) a "tile" encoder looks up; [N] int64. */
torch::Tensor tileCellIndex(const EncoderPtr& encoder, const torch::Tensor& lonLatDeg);

} // namespace geoinr::core
