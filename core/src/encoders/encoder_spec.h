// SPDX-License-Identifier: MIT
// Registration record of one encoder: catalogue entry, output size rule and factory.
#pragma once

#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/nn/encoder.h>

#include <functional>
#include <vector>

namespace geoinr::core::encoders
{

struct EncoderSpec
{
    ComponentInfo info;
    /** Output dimension from a resolved configuration. */
    std::function<std::int64_t(const nlohmann::json&)> outputDim;
    /** Builds the module from a resolved configuration (including "name"). */
    std::function<EncoderPtr(const nlohmann::json&)> create;
};

// One function per source file, each returning the encoders that file implements.
std::vector<EncoderSpec> wrapSpecs();               // wrap, direct, wrap_ffn
std::vector<EncoderSpec> tileSpecs();               // tile
std::vector<EncoderSpec> rbfSpecs();                // rbf
std::vector<EncoderSpec> rffSpecs();                // rff
std::vector<EncoderSpec> space2vecSpecs();          // space2vec_grid, space2vec_theory
std::vector<EncoderSpec> cartesianSpecs();          // xyz, nerf
std::vector<EncoderSpec> sphere2vecSpecs();         // sphere_c, sphere_c_plus, sphere_m, ...
std::vector<EncoderSpec> sphericalHarmonicsSpecs(); // spherical_harmonics
/** torchscript: needs a file, so outside the catalogue (whose entries build from defaults). */
std::vector<EncoderSpec> torchscriptSpecs();

/** All specs in catalogue order. */
const std::vector<EncoderSpec>& allEncoderSpecs();

} // namespace geoinr::core::encoders
