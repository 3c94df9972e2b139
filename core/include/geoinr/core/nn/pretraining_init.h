// SPDX-License-Identifier: MIT
// Starting a species model from a pretrained location encoder (`geoinr train --init-from`,
// pretraining.h): copy the encoder and network trunk, optionally frozen.
#pragma once

#include <geoinr/core/nn/range_model.h>

#include <string>
#include <vector>

namespace geoinr::core
{

/**
 * Copies into `model` every parameter and buffer of the model in checkpoint `path` whose name and
 * shape match, except the network's head (the species head is new). With `freeze` the copied
 * parameters get requires_grad = false, so training leaves them as they are. Returns the names
 * of the copied parameters. Throws InvalidArgument naming the file when nothing matches (e.g. a
 * different encoder or network width) and CheckpointError for a bad file.
 */
std::vector<std::string> initFromPretrained(RangeModelImpl& model, const std::string& path,
                                            bool freeze);

/** requires_grad = false for the named parameters; InvalidArgument for an unknown name. */
void freezeParameters(RangeModelImpl& model, const std::vector<std::string>& names);

} // namespace geoinr::core
