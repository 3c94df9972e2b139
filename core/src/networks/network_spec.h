// SPDX-License-Identifier: MIT
// Registration record of one network: catalogue entry and factory.
#pragma once

#include <geoinr/core/encoder_catalog.h>
#include <geoinr/core/nn/network.h>

#include <functional>
#include <vector>

namespace geoinr::core::networks
{

/** Factory arguments: resolved config (with "name"), input size, number of outputs. */
using NetworkFactory = std::function<NetworkPtr(const nlohmann::json&, std::int64_t, std::int64_t)>;

struct NetworkSpec
{
    ComponentInfo info;
    NetworkFactory create;
};

std::vector<NetworkSpec> residualFcnetSpecs(); // residual_fcnet, fcnet
std::vector<NetworkSpec> sirenSpecs();         // siren
std::vector<NetworkSpec> simpleSpecs();        // linear, mlp, ffn

const std::vector<NetworkSpec>& allNetworkSpecs();

/** Exposes NetworkImpl's protected constructor to the implementations. */
class NetworkBase : public NetworkImpl
{
  protected:
    using NetworkImpl::mutableHead;
    using NetworkImpl::NetworkImpl;
};

} // namespace geoinr::core::networks
