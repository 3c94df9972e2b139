// SPDX-License-Identifier: MIT
// The tuned settings of Russwurm et al. 2024's land-ocean and checkerboard experiments
// (resources/benchmarks/locationencoder_hparams.json, compiled in) translated to GeoINR's encoder
// and network JSON. Torch-free.
#pragma once

#include <geoinr/core/classifier_fit.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace geoinr::core
{

/** The bundled hparams document (resources/benchmarks/locationencoder_hparams.json). */
const nlohmann::json& bundledBenchmarkHparams();

/** locationencoder's positional encodings in the order of the paper's table. */
const std::vector<std::string>& benchmarkEncoderNames();
/** locationencoder's networks in the order of the paper's table: linear, fcnet, siren. */
const std::vector<std::string>& benchmarkNetworkNames();

/**
 * Fit options for one run: `task` is "land-ocean" or "checkerboard" (a top-level key of
 * `hparams`), `encoder` and `network` locationencoder names ("sphericalharmonics", "siren").
 * The dataset block supplies epochs, patience and batch size; the run entry learning rate,
 * weight decay and sizes. Throws InvalidArgument naming the missing entry.
 */
ClassifierFitOptions benchmarkRunOptions(const nlohmann::json& hparams, const std::string& task,
                                         const std::string& encoder, const std::string& network);

/** GeoINR encoder JSON for a locationencoder positional encoding and its hparams entry. */
nlohmann::json encoderFromLocationencoder(const std::string& name, const nlohmann::json& run);
/** GeoINR network JSON for a locationencoder network and its hparams entry. */
nlohmann::json networkFromLocationencoder(const std::string& name, const nlohmann::json& run);

} // namespace geoinr::core
