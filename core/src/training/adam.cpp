// SPDX-License-Identifier: MIT
#include "adam.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <map>

namespace geoinr::core::training
{

Adam::Adam(std::vector<std::pair<std::string, torch::Tensor>> params, double weightDecay,
           double beta1, double beta2, double eps)
    : m_params(std::move(params)), m_weightDecay(weightDecay), m_beta1(beta1), m_beta2(beta2),
      m_eps(eps)
{
    for (const auto& [name, p] : m_params)
    {
        m_m.push_back(torch::zeros_like(p));
        m_v.push_back(torch::zeros_like(p));
    }
}

void Adam::zeroGrad()
{
    for (auto& [name, p] : m_params)
    {
        if (p.grad().defined())
        {
            p.mutable_grad().zero_();
        }
    }
}

void Adam::step(double learningRate)
{
    torch::NoGradGuard noGrad;
    ++m_step;
    const double bc1 = 1.0 - std::pow(m_beta1, static_cast<double>(m_step));
    const double bc2 = 1.0 - std::pow(m_beta2, static_cast<double>(m_step));
    for (std::size_t i = 0; i < m_params.size(); ++i)
    {
        auto& p = m_params[i].second;
        if (!p.grad().defined())
        {
            continue;
        }
        auto g = p.grad();
        if (m_weightDecay != 0.0)
        {
            g = g.add(p, m_weightDecay);
        }
        m_m[i].mul_(m_beta1).add_(g, 1.0 - m_beta1);
        m_v[i].mul_(m_beta2).addcmul_(g, g, 1.0 - m_beta2);
        const auto denom = (m_v[i].sqrt() / std::sqrt(bc2)).add_(m_eps);
        p.addcdiv_(m_m[i], denom, -learningRate / bc1);
    }
}

std::vector<std::pair<std::string, torch::Tensor>> Adam::state() const
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (std::size_t i = 0; i < m_params.size(); ++i)
    {
        out.emplace_back("m." + m_params[i].first, m_m[i]);
        out.emplace_back("v." + m_params[i].first, m_v[i]);
    }
    out.emplace_back("step", torch::tensor({m_step}, torch::kLong));
    return out;
}

void Adam::loadState(const std::vector<std::pair<std::string, torch::Tensor>>& state)
{
    std::map<std::string, torch::Tensor> byName(state.begin(), state.end());
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < m_params.size(); ++i)
    {
        for (auto* slot : {&m_m[i], &m_v[i]})
        {
            const auto key = (slot == &m_m[i] ? "m." : "v.") + m_params[i].first;
            const auto it = byName.find(key);
            if (it == byName.end() || !it->second.sizes().equals(slot->sizes()))
            {
                throw CheckpointError(fmt::format("optimizer state '{}' is missing or has the "
                                                  "wrong shape",
                                                  key));
            }
            slot->copy_(it->second);
        }
    }
    const auto it = byName.find("step");
    if (it == byName.end())
    {
        throw CheckpointError("optimizer state 'step' is missing");
    }
    m_step = it->second.item<std::int64_t>();
}

} // namespace geoinr::core::training
