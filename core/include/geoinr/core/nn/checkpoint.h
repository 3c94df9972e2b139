// SPDX-License-Identifier: MIT
// Saving and loading a RangeModel as one self-describing checkpoint file (checkpoint_file.h).
#pragma once

#include <geoinr/core/nn/range_model.h>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace geoinr::core
{

/**
 * Writes `model` atomically. The header is
 * {"format": "geoinr-checkpoint", "model": model.config(), "metadata": metadata,
 *  "software": {"geoinr": ..., "libtorch": ...}}; every parameter and buffer is stored by name
 * (float32/float64/int64 as they are).
 */
/** Extra named tensors stored beside the model's (e.g. optimizer moments for resuming). */
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

void saveCheckpoint(const std::string& path, RangeModelImpl& model,
                    const nlohmann::json& metadata = nlohmann::json::object(),
                    const NamedTensors& extra = {});

struct LoadedCheckpoint
{
    RangeModelPtr model; ///< in eval mode, on the CPU
    nlohmann::json header;
    NamedTensors extra; ///< tensors saved with a name starting "extra."
};

/** Reads, verifies and rebuilds the model; throws CheckpointError saying what does not match. */
LoadedCheckpoint loadCheckpoint(const std::string& path);

} // namespace geoinr::core
