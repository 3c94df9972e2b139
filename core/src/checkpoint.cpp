// SPDX-License-Identifier: MIT
// RangeModel <-> checkpoint file.
#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/runtime_info.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cstring>
#include <functional>
#include <map>

namespace geoinr::core
{
namespace
{

TensorDtype toDtype(const torch::Tensor& t, const std::string& name)
{
    switch (t.scalar_type())
    {
    case torch::kFloat32:
        return TensorDtype::Float32;
    case torch::kFloat64:
        return TensorDtype::Float64;
    case torch::kInt64:
        return TensorDtype::Int64;
    case torch::kUInt8:
        return TensorDtype::UInt8;
    default:
        throw CheckpointError(fmt::format("tensor '{}': dtype {} cannot be saved", name,
                                          c10::toString(t.scalar_type())));
    }
}

torch::ScalarType toScalarType(TensorDtype d)
{
    switch (d)
    {
    case TensorDtype::Float32:
        return torch::kFloat32;
    case TensorDtype::Float64:
        return torch::kFloat64;
    case TensorDtype::Int64:
        return torch::kInt64;
    case TensorDtype::UInt8:
        return torch::kUInt8;
    }
    return torch::kFloat32;
}

/** Parameters and buffers by their dotted names. */
std::vector<std::pair<std::string, torch::Tensor>> namedState(RangeModelImpl& model)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : model.named_parameters())
    {
        out.emplace_back(p.key(), p.value());
    }
    for (const auto& b : model.named_buffers())
    {
        out.emplace_back(b.key(), b.value());
    }
    return out;
}

} // namespace

void saveCheckpoint(const std::string& path, RangeModelImpl& model, const nlohmann::json& metadata,
                    const NamedTensors& extra)
{
    CheckpointContents c;
    c.header = {{"format", "geoinr-checkpoint"},
                {"model", model.config()},
                {"metadata", metadata},
                {"software", {{"geoinr", geoinrVersion()}, {"libtorch", torchVersion()}}}};
    auto state = namedState(model);
    for (const auto& [name, tensor] : extra)
    {
        state.emplace_back("extra." + name, tensor);
    }
    for (const auto& [name, tensor] : state)
    {
        const auto cpu = tensor.detach().to(torch::kCPU).contiguous();
        RawTensor raw;
        raw.name = name;
        raw.dtype = toDtype(cpu, name);
        raw.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
        const auto nbytes = static_cast<std::size_t>(cpu.numel()) * cpu.element_size();
        raw.data.resize(nbytes);
        if (nbytes > 0)
        {
            std::memcpy(raw.data.data(), cpu.data_ptr(), nbytes);
        }
        c.tensors.push_back(std::move(raw));
    }
    writeCheckpointFile(path, c);
}

/**
 * Refuses a header whose model could not be the file's tensors before building (and allocating)
 * it: a checkpoint claiming 10^9 species in a few kilobytes must fail here, not in the allocator.
 * Every size in the model configuration must fit in the number of stored values, and the species
 * head alone (classes x hidden width) too.
 */
static void checkModelFitsPayload(const std::string& path, const CheckpointContents& contents)
{
    std::uint64_t values = 0; // an upper bound: bytes (every stored value takes at least one)
    for (const auto& t : contents.tensors)
    {
        values += t.data.size();
    }
    const auto limit = std::max<std::uint64_t>(values, 4096);
    std::function<void(const nlohmann::json&, const std::string&)> visit =
        [&](const nlohmann::json& j, const std::string& where)
    {
        for (const auto& [key, v] : j.items())
        {
            const auto field = where.empty() ? key : where + "." + key;
            if (v.is_structured())
            {
                visit(v, field);
            }
            else if (v.is_number_integer() && key != "seed" && v.get<double>() > limit)
            {
                throw CheckpointError(fmt::format("{}: model.{} = {} cannot be right for a file "
                                                  "of {} stored values",
                                                  path, field, v.dump(), values));
            }
        }
    };
    const auto& model = contents.header.at("model");
    visit(model, "");
    const double classes = model.value("num_classes", 0.0);
    const double hidden =
        model.contains("network") ? model.at("network").value("hidden_dim", 1.0) : 1.0;
    if (classes * hidden > static_cast<double>(limit))
    {
        throw CheckpointError(fmt::format("{}: model.num_classes = {} needs a head of {} values, "
                                          "the file stores {}",
                                          path, classes, classes * hidden, values));
    }
}

LoadedCheckpoint loadCheckpoint(const std::string& path)
{
    auto contents = readCheckpointFile(path);
    if (contents.header.value("format", "") != "geoinr-checkpoint" ||
        !contents.header.contains("model"))
    {
        throw CheckpointError(
            fmt::format(R"({}: header lacks "format": "geoinr-checkpoint" or "model")", path));
    }
    checkModelFitsPayload(path, contents);
    LoadedCheckpoint out;
    out.header = contents.header;
    try
    {
        out.model = makeRangeModel(contents.header.at("model"));
    }
    catch (const InvalidArgument& e)
    {
        throw CheckpointError(
            fmt::format("{}: model configuration is invalid: {}", path, e.what()));
    }
    std::map<std::string, const RawTensor*> byName;
    for (const auto& t : contents.tensors)
    {
        byName[t.name] = &t;
    }
    torch::NoGradGuard noGrad;
    for (auto& [name, target] : namedState(*out.model))
    {
        const auto it = byName.find(name);
        if (it == byName.end())
        {
            throw CheckpointError(
                fmt::format("{}: tensor '{}' of the model is missing from the file", path, name));
        }
        const auto& raw = *it->second;
        const std::vector<std::int64_t> expected(target.sizes().begin(), target.sizes().end());
        if (raw.shape != expected)
        {
            throw CheckpointError(
                fmt::format("{}: tensor '{}' has shape [{}], the model needs [{}]", path, name,
                            fmt::join(raw.shape, ", "), fmt::join(expected, ", ")));
        }
        auto source = torch::from_blob(const_cast<std::uint8_t*>(raw.data.data()), raw.shape,
                                       toScalarType(raw.dtype));
        target.copy_(source);
        byName.erase(it);
    }
    for (auto it = byName.begin(); it != byName.end();)
    {
        if (it->first.rfind("extra.", 0) == 0)
        {
            const auto& raw = *it->second;
            out.extra.emplace_back(it->first.substr(6),
                                   torch::from_blob(const_cast<std::uint8_t*>(raw.data.data()),
                                                    raw.shape, toScalarType(raw.dtype))
                                       .clone());
            it = byName.erase(it);
        }
        else
        {
            ++it;
        }
    }
    if (!byName.empty())
    {
        throw CheckpointError(fmt::format("{}: {} tensors in the file do not belong to the model "
                                          "(first: '{}')",
                                          path, byName.size(), byName.begin()->first));
    }
    out.model->eval();
    return out;
}

} // namespace geoinr::core
