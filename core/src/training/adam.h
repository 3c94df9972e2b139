// SPDX-License-Identifier: MIT
// Adam written out (PyTorch's formula), so that its state is plain named tensors that a checkpoint
// can store and restore exactly, identically under LibTorch 1.13 and 2.x.
#pragma once

#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

namespace geoinr::core::training
{

class Adam
{
  public:
    Adam(std::vector<std::pair<std::string, torch::Tensor>> params, double weightDecay,
         double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);

    void zeroGrad();
    void step(double learningRate);

    std::int64_t steps() const { return m_step; }
    /** Moments and step count as named tensors ("m.<param>", "v.<param>", "step"). */
    std::vector<std::pair<std::string, torch::Tensor>> state() const;
    /** Restores from state(); throws CheckpointError when names or shapes differ. */
    void loadState(const std::vector<std::pair<std::string, torch::Tensor>>& state);

  private:
    std::vector<std::pair<std::string, torch::Tensor>> m_params;
    std::vector<torch::Tensor> m_m, m_v;
    double m_weightDecay, m_beta1, m_beta2, m_eps;
    std::int64_t m_step = 0;
};

} // namespace geoinr::core::training
