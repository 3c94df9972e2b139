// SPDX-License-Identifier: MIT
// "torchscript": a location encoder exported from Python (e.g. SatCLIP's) and loaded with
// torch::jit::load. Its parameters are registered with this module, so checkpoints store them and
// the trainer sees them (frozen: requires_grad false, never changed; trainable: fine-tuned). The
// file's SHA-256 and the probed output size go into the configuration, hence into checkpoints.
#include "encoder_spec.h"
#include "torchscript_sha256.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace geoinr::core::encoders
{
namespace
{

namespace fs = std::filesystem;

/** The first line of a LibTorch error, without the C++ backtrace. */
std::string firstLine(const std::exception& e)
{
    const auto* c10 = dynamic_cast<const c10::Error*>(&e);
    std::string text = c10 != nullptr ? c10->what_without_backtrace() : e.what();
    return text.substr(0, text.find('\n'));
}

/** 'path', with where it leads when relative (resolved against the current directory). */
std::string describePath(const std::string& path)
{
    const auto resolved = fs::absolute(path).lexically_normal().string();
    return resolved == path ? fmt::format("'{}'", path) : fmt::format("'{}' ({})", path, resolved);
}

std::string readBytes(const std::string& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
    {
        throw IoError(fmt::format("encoder.path: TorchScript module {} does not exist or is not a "
                                  "file (relative paths are resolved against the current "
                                  "directory)",
                                  describePath(path)));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in.good() && !in.eof())
    {
        throw IoError(
            fmt::format("encoder.path: cannot read TorchScript module {}", describePath(path)));
    }
    return bytes.str();
}

/** A loaded module with its configuration completed (sha256, output_dim). */
struct LoadedModule
{
    torch::jit::Module module;
    nlohmann::json config;
    std::int64_t outputDim = 0;
};

/** The dtype the module is fed: its first floating parameter's (SatCLIP: float64), else float32. */
torch::ScalarType inputDtype(const torch::jit::Module& module)
{
    for (const auto& p : module.parameters())
    {
        if (p.is_floating_point())
        {
            return p.scalar_type();
        }
    }
    return torch::kFloat32;
}

/** Runs the module on two points and returns D of its [2, D] output. */
std::int64_t probeOutputDim(torch::jit::Module& module, const std::string& path)
{
    const auto points =
        torch::tensor({0.0f, 0.0f, 90.0f, 45.0f}).reshape({2, 2}).to(inputDtype(module));
    torch::NoGradGuard noGrad;
    c10::IValue result;
    try
    {
        result = module.forward({points});
    }
    catch (const std::exception& e)
    {
        throw InvalidArgument(fmt::format("encoder.path: TorchScript module '{}' fails on a [2, 2] "
                                          "{} lon/lat input: {}",
                                          path, c10::toString(points.scalar_type()), firstLine(e)));
    }
    const auto out = result.isTensor() ? result.toTensor() : torch::Tensor();
    if (!out.defined() || out.dim() != 2 || out.size(0) != 2 || out.size(1) < 1 ||
        !out.is_floating_point())
    {
        throw InvalidArgument(fmt::format(
            "encoder.path: TorchScript module '{}' maps a [2, 2] lon/lat input to {}; expected a "
            "floating tensor of shape [2, D]",
            path,
            out.defined() ? fmt::format("shape [{}]", fmt::join(out.sizes(), ", "))
                          : std::string("something that is not a tensor")));
    }
    return out.size(1);
}

/**
 * Reads the file once, checks a given checksum against its bytes before loading anything, loads
 * the module from those same bytes and probes its output size.
 */
LoadedModule loadModule(const nlohmann::json& cfg)
{
    const auto path = cfg.at("path").get<std::string>();
    const auto bytes = readBytes(path);
    const auto sha256 = sha256Hex(bytes);
    if (!cfg.at("sha256").is_null() && cfg.at("sha256").get<std::string>() != sha256)
    {
        throw InvalidArgument(fmt::format(
            "encoder.sha256: TorchScript module {} has SHA-256 {}, the configuration (or "
            "checkpoint) expects {}; the file changed since the model was built",
            describePath(path), sha256, cfg.at("sha256").get<std::string>()));
    }
    LoadedModule out;
    try
    {
        std::istringstream in(bytes);
        out.module = torch::jit::load(in, torch::kCPU);
    }
    catch (const std::exception& e)
    {
        throw InvalidArgument(
            fmt::format("encoder.path: '{}' is not a TorchScript module (export "
                        "with torch.jit.script or torch.jit.trace, then .save): {}",
                        path, firstLine(e)));
    }
    out.module.eval(); // the probe must not update batch-norm statistics
    out.outputDim = probeOutputDim(out.module, path);
    if (!cfg.at("output_dim").is_null() &&
        cfg.at("output_dim").get<std::int64_t>() != out.outputDim)
    {
        throw InvalidArgument(fmt::format("encoder.output_dim: TorchScript module '{}' gives {} "
                                          "dimensions, the configuration expects {}",
                                          path, out.outputDim, cfg.at("output_dim").dump()));
    }
    out.config = cfg;
    out.config["sha256"] = sha256;
    out.config["output_dim"] = out.outputDim;
    return out;
}

/**
 * The child module at dotted `path` below `root` ("a.b" -> root.a.b), created empty where missing:
 * nn::Module names cannot contain dots, so the TorchScript hierarchy is mirrored instead.
 */
torch::nn::Module& childAt(torch::nn::Module& root, const std::vector<std::string>& path)
{
    torch::nn::Module* current = &root;
    for (const auto& part : path)
    {
        const auto children = current->named_children();
        const auto* found = children.find(part);
        current = found != nullptr
                      ? found->get()
                      : current->register_module(part, std::make_shared<torch::nn::Module>()).get();
    }
    return *current;
}

std::vector<std::string> splitDots(const std::string& name)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start))
    {
        parts.push_back(name.substr(start, dot - start));
        start = dot + 1;
    }
    parts.push_back(name.substr(start));
    return parts;
}

class TorchScriptEncoder : public EncoderImpl
{
  public:
    explicit TorchScriptEncoder(LoadedModule loaded)
        : EncoderImpl(loaded.config, loaded.outputDim), m_module(std::move(loaded.module)),
          m_trainable(config().at("trainable").get<bool>())
    {
        // Same tensors as the TorchScript module's slots: checkpoint loads, to(device) and the
        // optimiser act on the module itself. Names: encoder.module.<TorchScript name>.
        auto holder = register_module("module", std::make_shared<torch::nn::Module>());
        for (const auto& p : m_module.named_parameters(/*recurse=*/true))
        {
            auto parts = splitDots(p.name);
            const auto leaf = parts.back();
            parts.pop_back();
            childAt(*holder, parts).register_parameter(leaf, p.value, m_trainable);
        }
        for (const auto& b : m_module.named_buffers(/*recurse=*/true))
        {
            auto parts = splitDots(b.name);
            const auto leaf = parts.back();
            parts.pop_back();
            childAt(*holder, parts).register_buffer(leaf, b.value);
        }
        m_module.train(is_training() && m_trainable);
    }

    /** A frozen module stays in eval mode (no dropout, no batch-norm statistics updates). */
    void train(bool on = true) override
    {
        EncoderImpl::train(on);
        m_module.train(on && m_trainable);
    }

    torch::Tensor encode(const torch::Tensor& lonLatDeg) override
    {
        // Follows the weights, so also after the model has been converted to float64.
        const auto out = m_module.forward({lonLatDeg.to(inputDtype(m_module))}).toTensor();
        if (out.dim() != 2 || out.size(0) != lonLatDeg.size(0) || out.size(1) != outputDim())
        {
            throw InvalidArgument(fmt::format(
                "encoder: TorchScript module '{}' returned shape [{}] for {} points; expected "
                "[{}, {}]",
                config().at("path").get<std::string>(), fmt::join(out.sizes(), ", "),
                lonLatDeg.size(0), lonLatDeg.size(0), outputDim()));
        }
        return out.to(lonLatDeg.scalar_type());
    }

  private:
    torch::jit::Module m_module;
    bool m_trainable;
};

} // namespace

std::vector<EncoderSpec> torchscriptSpecs()
{
    const std::vector<ParamSpec> params = {
        {"path",
         ParamType::String,
         nullptr,
         "TorchScript file (torch.jit.save) mapping [N, 2] lon/lat degrees (float32, or its "
         "weights' dtype) to [N, D]; relative to the current directory",
         {},
         {},
         {},
         true},
        {"trainable", ParamType::Boolean, false,
         "fine-tune the module's parameters (false: frozen, always in eval mode)"},
        {"sha256", ParamType::String, nullptr,
         "SHA-256 of the file, filled in when the model is built and checked when given"},
        {"output_dim", ParamType::Integer, nullptr,
         "D, filled in by running the module on two points and checked when given", 1.0, 1e7},
    };
    return {{{"torchscript",
              "imported TorchScript location encoder (e.g. SatCLIP's), frozen or fine-tuned; "
              "output_dim dims",
              "torch.jit.save from PyTorch", params},
             [](const nlohmann::json& c) { return loadModule(c).outputDim; },
             [](const nlohmann::json& c)
             {
                 return std::make_shared<TorchScriptEncoder>(loadModule(c));
             }}};
}

} // namespace geoinr::core::encoders
