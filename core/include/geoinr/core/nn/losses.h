// SPDX-License-Identifier: MIT
// SINR's presence-only losses (science.md §4) on logits. "Assume negative" (AN) losses treat
// unobserved species/places as absences; maximum-entropy (ME) variants replace every negative term
// by -H(1 - p). eps = 1e-5 sits inside every log, as in SINR.
#pragma once

#include <geoinr/core/training.h>

#include <torch/types.h>

#include <string>
#include <vector>

namespace geoinr::core
{

/** SINR's eps inside -log(p + eps). */
inline constexpr double kLossEps = 1e-5;
/** SINR's default positive weight lambda. */
inline constexpr double kDefaultPositiveWeight = 2048.0;

// presenceOnlyLossNames() is declared in the torch-free <geoinr/core/training.h>.

/** What a loss needs computed besides the logits of the observed species. */
struct LossNeeds
{
    bool allSpeciesAtObserved = false;    ///< [B, S] logits at observed locations
    bool allSpeciesAtRandom = false;      ///< [B, S] logits at random background locations
    bool observedSpeciesAtRandom = false; ///< [B] logit of z_i at the random location (SSDL)
    bool otherSpeciesAtObserved = false;  ///< [B] logit of a random other species z'_i (SLDS)
};

/** Throws InvalidArgument ("loss: unknown loss 'x' (known: ...)") for unknown names. */
LossNeeds lossNeeds(const std::string& name);

/**
 * Inputs of one loss evaluation; fill what lossNeeds() asks for.
 * classIds: [B] int64 observed species z_i.
 */
struct LossInputs
{
    torch::Tensor classIds;
    torch::Tensor logitsAtObserved; ///< [B, S] (full losses)
    torch::Tensor logitsAtRandom;   ///< [B, S] (full losses)
    /** Alternative to the two above: [2B, S], the observed rows, then the random rows (one
     *  network pass, and no gradient slices to materialise in the backward pass). */
    torch::Tensor logitsStacked;
    torch::Tensor positiveLogits;         ///< [B] logit of z_i at x_i (SSDL/SLDS)
    torch::Tensor observedAtRandomLogits; ///< [B] logit of z_i at r_i (SSDL)
    torch::Tensor otherAtObservedLogits;  ///< [B] logit of z'_i at x_i (SLDS)
};

/**
 * Evaluates loss `name`. positiveWeight is lambda for an_full/me_full (ignored by SSDL/SLDS);
 * gp uses lambda = S whatever is given (Mac Aodha et al. / TorchSpatial, no user terms).
 */
torch::Tensor presenceOnlyLoss(const std::string& name, const LossInputs& in,
                               double positiveWeight = kDefaultPositiveWeight);

/**
 * The same losses composed of plain LibTorch operations (autograd does the backward pass). The
 * default presenceOnlyLoss() evaluates full losses on the CPU in one fused pass over the [B, S]
 * logits, computing the gradient as it goes (the element-wise work otherwise dominates a step at
 * thousands of species); this reference is what the fused path is tested against.
 */
torch::Tensor presenceOnlyLossReference(const std::string& name, const LossInputs& in,
                                        double positiveWeight = kDefaultPositiveWeight);

/** z'_i uniform over the S-1 species other than z_i: u in {0..S-2}, z' = u + [u >= z_i]. */
torch::Tensor drawOtherSpecies(const torch::Tensor& classIds, std::int64_t numClasses,
                               torch::Generator& generator);

} // namespace geoinr::core
