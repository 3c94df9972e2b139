// SPDX-License-Identifier: MIT
// Draws pseudo-absence (background) locations, and their covariates, for one training step.
#pragma once

#include "env_grid.h"

#include <geoinr/core/training.h>

#include <torch/types.h>

#include <memory>

namespace geoinr::core::training
{

struct LocationBatch
{
    torch::Tensor lonLat; ///< [n, 2] float on the training device
    torch::Tensor env;    ///< [n, C] float, or undefined when the model takes no covariates
};

class PseudoAbsenceSampler
{
  public:
    /** `observations` is the full presence set (for target-group draws), already on `device`. */
    PseudoAbsenceSampler(const TrainOptions& options, bool needsEnv,
                         const LocationBatch& observations, const BackgroundSet* background,
                         const EnvGrid* envGrid, torch::Device device);

    LocationBatch sample(std::int64_t n, torch::Generator& gen) const;

  private:
    torch::Tensor drawSphere(std::int64_t n, torch::Generator& gen) const;

    PseudoAbsenceKind m_kind;
    std::vector<double> m_extent;
    bool m_needsEnv;
    LocationBatch m_pool; ///< target-group or background pool
    const EnvGrid* m_envGrid;
    torch::Device m_device;
};

} // namespace geoinr::core::training
