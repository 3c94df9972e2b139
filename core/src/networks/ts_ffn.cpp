// SPDX-License-Identifier: MIT
#include "ts_ffn.h"

#include "fast_dropout.h"
#include "fast_linear.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/dropout.h>
#include <torch/nn/init.h>

namespace geoinr::core::networks
{

TsFfnOptions tsFfnOptionsFromConfig(const nlohmann::json& resolved)
{
    TsFfnOptions o;
    o.hiddenDim = resolved.at("hidden_dim").get<std::int64_t>();
    o.numHiddenLayers = resolved.at("num_hidden_layers").get<int>();
    o.dropout = resolved.at("dropout").get<double>();
    o.activation = resolved.at("activation").get<std::string>();
    o.layerNorm = resolved.at("layernorm").get<bool>();
    o.skip = resolved.at("skip").get<bool>();
    return o;
}

std::vector<ParamSpec> tsFfnParams()
{
    return {
        {"hidden_dim", ParamType::Integer, 512, "width of the hidden blocks", 1.0, 1e6},
        {"num_hidden_layers", ParamType::Integer, 1, "hidden blocks (0: a single in->out block)",
         0.0, 1000.0},
        {"dropout", ParamType::Number, 0.5, "dropout probability after each block", 0.0, 1.0},
        {"activation",
         ParamType::String,
         "leakyrelu",
         "block activation",
         {},
         {},
         {"leakyrelu", "relu", "sigmoid", "tanh"}},
        {"layernorm", ParamType::Boolean, true, "LayerNorm after hidden blocks"},
        {"skip", ParamType::Boolean, true, "residual connection in hidden blocks"},
    };
}

TsFfnBlockImpl::TsFfnBlockImpl(std::int64_t in, std::int64_t out, const TsFfnOptions& opts,
                               bool layerNorm, bool skip)
    : m_activation(opts.activation), m_dropout(opts.dropout), m_skip(skip && in == out)
{
    m_linear = register_module("linear", torch::nn::Linear(in, out));
    torch::nn::init::xavier_uniform_(m_linear->weight); // TorchSpatial: Xavier weight, default bias
    if (layerNorm)
    {
        m_norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({out})));
    }
}

torch::Tensor TsFfnBlockImpl::forward(const torch::Tensor& x)
{
    auto h = linear(x, m_linear);
    if (m_activation == "leakyrelu")
    {
        h = torch::leaky_relu(h, 0.2);
    }
    else if (m_activation == "relu")
    {
        h = torch::relu(h);
    }
    else if (m_activation == "sigmoid")
    {
        h = torch::sigmoid(h);
    }
    else
    {
        h = torch::tanh(h);
    }
    h = fastDropout(h, m_dropout, is_training());
    if (m_skip)
    {
        h = h + x;
    }
    if (m_norm)
    {
        h = m_norm->forward(h);
    }
    return h;
}

TsFfnImpl::TsFfnImpl(std::int64_t in, std::int64_t out, const TsFfnOptions& opts)
{
    m_blocks = register_module("blocks", torch::nn::ModuleList());
    if (opts.numHiddenLayers <= 0)
    {
        m_blocks->push_back(TsFfnBlock(in, out, opts, false, false));
        return;
    }
    m_blocks->push_back(TsFfnBlock(in, opts.hiddenDim, opts, opts.layerNorm, opts.skip));
    for (int i = 1; i < opts.numHiddenLayers; ++i)
    {
        m_blocks->push_back(
            TsFfnBlock(opts.hiddenDim, opts.hiddenDim, opts, opts.layerNorm, opts.skip));
    }
    // The code (not the docstring) applies the activation and dropout on the output block too.
    m_blocks->push_back(TsFfnBlock(opts.hiddenDim, out, opts, false, false));
}

torch::Tensor TsFfnImpl::forward(torch::Tensor x)
{
    for (const auto& block : *m_blocks)
    {
        x = block->as<TsFfnBlockImpl>()->forward(x);
    }
    return x;
}

} // namespace geoinr::core::networks
