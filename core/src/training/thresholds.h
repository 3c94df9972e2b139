// SPDX-License-Identifier: MIT
// Per-species thresholds fitted on the training data at the end of training and stored in the
// checkpoint (metadata.thresholds), so that binary range maps need no other file.
#pragma once

#include "pseudo_absences.h"

#include <geoinr/core/nn/range_model.h>

#include <nlohmann/json.hpp>

namespace geoinr::core::training
{

/**
 * Probabilities of each species at its own training presences and at `pseudoAbsences` give:
 * "mtp" (minimum training presence), "presence_95" / "presence_90" (keep 95 % / 90 % of the
 * presences, sdm_metrics' presenceQuantileThreshold) and "max_tss" (maximum sensitivity +
 * specificity - 1, presences against the pseudo-absences). One value per species (null for a
 * species without presences), plus "pseudo_absences": their count.
 */
nlohmann::json fitThresholds(RangeModelImpl& model, const LocationBatch& presences,
                             const torch::Tensor& classIds, const LocationBatch& pseudoAbsences,
                             bool usesEnv);

/** The probability of each record's own species at its location: [N] float64 on the CPU. */
torch::Tensor ownSpeciesProbabilities(RangeModelImpl& model, const LocationBatch& presences,
                                      const torch::Tensor& classIds, bool usesEnv);

/** fitThresholds from ownSpeciesProbabilities (of every rank's records, in record order). */
nlohmann::json fitThresholdsFromPresenceScores(RangeModelImpl& model,
                                               const torch::Tensor& presenceProbabilities,
                                               const torch::Tensor& classIds,
                                               const LocationBatch& pseudoAbsences, bool usesEnv);

} // namespace geoinr::core::training
