// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/core/text_file.h>
#include <geoinr/rasters/virtual_raster.h>

#include <cpl_vsi.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>

namespace geoinr::rasters
{
namespace
{

class Fields
{
  public:
    explicit Fields(std::string path) : m_path(std::move(path)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& expected,
                           const nlohmann::json& got) const
    {
        throw InvalidArgument(
            fmt::format("{}: {}: expected {}, got {}", m_path, field, expected, got.dump()));
    }
    const nlohmann::json* find(const nlohmann::json& obj, const std::string& key) const
    {
        const auto it = obj.find(key);
        return it == obj.end() || it->is_null() ? nullptr : &*it;
    }
    std::string string(const nlohmann::json& obj, const std::string& key,
                       const std::string& field) const
    {
        const auto* v = find(obj, key);
        if (v == nullptr)
        {
            return "";
        }
        if (!v->is_string() || v->get<std::string>().empty())
        {
            fail(field, "a non-empty string", *v);
        }
        return v->get<std::string>();
    }
    std::string resolvePath(const std::string& p) const
    {
        if (p.empty() || std::filesystem::path(p).is_absolute())
        {
            return p;
        }
        return (std::filesystem::path(m_path).parent_path() / p).lexically_normal().string();
    }

  private:
    std::string m_path;
};

void parseGrid(const Fields& f, const nlohmann::json& grid, GridSpec& out)
{
    if (!grid.is_object())
    {
        f.fail("grid", "an object with crs, extent and resolution or size (or like)", grid);
    }
    for (const auto& [key, value] : grid.items())
    {
        if (key != "crs" && key != "extent" && key != "resolution" && key != "size" &&
            key != "like")
        {
            f.fail("grid." + key, "one of crs, extent, resolution, size, like", value);
        }
    }
    if (const auto c = f.string(grid, "crs", "grid.crs"); !c.empty())
    {
        out.crs = c;
    }
    out.likeRaster = f.resolvePath(f.string(grid, "like", "grid.like"));
    if (const auto* e = f.find(grid, "extent"))
    {
        if (!e->is_array() || e->size() != 4 ||
            !std::all_of(e->begin(), e->end(),
                         [](const nlohmann::json& v) { return v.is_number(); }))
        {
            f.fail("grid.extent", "[xmin, ymin, xmax, ymax] (numbers)", *e);
        }
        out.extent = e->get<std::vector<double>>();
    }
    if (const auto* r = f.find(grid, "resolution"))
    {
        if (!r->is_number() || !(r->get<double>() > 0.0))
        {
            f.fail("grid.resolution", "a positive number", *r);
        }
        out.resolution = r->get<double>();
    }
    if (const auto* s = f.find(grid, "size"))
    {
        if (!s->is_array() || s->size() != 2 ||
            !std::all_of(s->begin(), s->end(),
                         [](const nlohmann::json& v)
                         { return v.is_number_integer() && v.get<int>() > 0; }))
        {
            f.fail("grid.size", "[width, height] (positive integers)", *s);
        }
        out.size = s->get<std::vector<int>>();
    }
}

} // namespace

bool looksLikeVirtualRaster(const char* header, std::size_t size)
{
    if (header == nullptr || size == 0)
    {
        return false;
    }
    std::size_t i = 0;
    while (i < size && std::isspace(static_cast<unsigned char>(header[i])) != 0)
    {
        ++i;
    }
    if (i == size || header[i] != '{')
    {
        return false;
    }
    const std::string text(header, size);
    return text.find(std::string("\"") + kVirtualRasterKey + "\"") != std::string::npos;
}

VirtualRasterSpec parseVirtualRaster(const std::string& text, const std::string& path)
{
    nlohmann::json j;
    try
    {
        j = nlohmann::json::parse(text);
    }
    catch (const nlohmann::json::exception& e) // parse_error, and out_of_range for huge numbers
    {
        throw InvalidArgument(fmt::format("{}: not valid JSON ({})", path, e.what()));
    }
    Fields f(path);
    if (!j.is_object())
    {
        f.fail("(top level)", "a JSON object", j);
    }
    const auto version = j.find(kVirtualRasterKey);
    if (version == j.end() || *version != 1)
    {
        f.fail(kVirtualRasterKey, "1 (the format version)",
               version == j.end() ? nlohmann::json("nothing") : *version);
    }
    static const std::vector<std::string> known = {
        kVirtualRasterKey, "checkpoint", "species",    "grid",       "values",
        "threshold",       "mask",       "covariates", "block_size", "description"};
    for (const auto& [key, value] : j.items())
    {
        if (std::find(known.begin(), known.end(), key) == known.end())
        {
            f.fail(key, fmt::format("a known field ({})", fmt::join(known, ", ")), value);
        }
    }
    VirtualRasterSpec spec;
    spec.checkpoint = f.resolvePath(f.string(j, "checkpoint", "checkpoint"));
    if (spec.checkpoint.empty())
    {
        f.fail("checkpoint", "the path of a checkpoint written by geoinr train",
               j.value("checkpoint", nlohmann::json("nothing")));
    }
    if (const auto* s = f.find(j, "species"))
    {
        if (s->is_string())
        {
            if (s->get<std::string>() != "all")
            {
                spec.model.species = {s->get<std::string>()};
            }
        }
        else if (s->is_array() && !s->empty() &&
                 std::all_of(s->begin(), s->end(),
                             [](const nlohmann::json& v) { return v.is_string(); }))
        {
            spec.model.species = s->get<std::vector<std::string>>();
        }
        else
        {
            f.fail("species", "\"all\", a species name or a list of names", *s);
        }
    }
    if (const auto* g = f.find(j, "grid"))
    {
        parseGrid(f, *g, spec.grid);
    }
    if (const auto v = f.string(j, "values", "values"); !v.empty())
    {
        try
        {
            spec.model.output = parseRangeOutput(v);
        }
        catch (const InvalidArgument&)
        {
            f.fail("values", "probability, logit, byte, binary or embedding", j.at("values"));
        }
    }
    if (const auto* t = f.find(j, "threshold"))
    {
        if (t->is_number())
        {
            spec.model.threshold = fmt::format("{}", t->get<double>());
        }
        else if (t->is_string())
        {
            spec.model.threshold = t->get<std::string>();
        }
        else
        {
            f.fail("threshold", "a probability or a stored rule name (mtp, presence_95, ...)", *t);
        }
        if (!f.find(j, "values"))
        {
            spec.model.output = RangeOutput::Binary;
        }
    }
    if (spec.model.output == RangeOutput::Embedding)
    {
        // One band per learned feature: species and thresholds have no meaning there.
        if (!spec.model.species.empty())
        {
            f.fail("species", "nothing or \"all\" with \"values\": \"embedding\"", j.at("species"));
        }
        if (const auto* t = f.find(j, "threshold"))
        {
            f.fail("threshold", "nothing with \"values\": \"embedding\"", *t);
        }
    }
    spec.model.mask = f.resolvePath(f.string(j, "mask", "mask"));
    if (const auto* c = f.find(j, "covariates"))
    {
        if (!c->is_object())
        {
            f.fail("covariates", "an object {\"layer name\": \"raster path\", ...}", *c);
        }
        for (const auto& [name, value] : c->items())
        {
            if (!value.is_string())
            {
                f.fail("covariates." + name, "a raster path", value);
            }
            spec.model.covariatePaths[name] = f.resolvePath(value.get<std::string>());
        }
    }
    if (const auto* b = f.find(j, "block_size"))
    {
        if (!b->is_number_integer() || b->get<int>() < 16 || b->get<int>() > 4096)
        {
            f.fail("block_size", "an integer in [16, 4096]", *b);
        }
        spec.blockSize = b->get<int>();
    }
    return spec;
}

VirtualRasterSpec readVirtualRaster(const std::string& path)
{
    // Through GDAL's virtual file system, so /vsizip/, /vsicurl/ ... descriptors open too.
    GByte* data = nullptr;
    vsi_l_offset size = 0;
    if (!VSIIngestFile(nullptr, path.c_str(), &data, &size, 1 << 20))
    {
        throw IoError(fmt::format("{}: cannot read (or larger than 1 MiB)", path));
    }
    std::string text(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
    VSIFree(data);
    return parseVirtualRaster(text, path);
}

std::string formatVirtualRaster(const VirtualRasterSpec& spec)
{
    const bool embedding = spec.model.output == RangeOutput::Embedding;
    if (embedding && (!spec.model.species.empty() || !spec.model.threshold.empty()))
    {
        throw InvalidArgument("virtual raster: the embedding output takes no species and no "
                              "threshold (one band per learned feature of the model)");
    }
    // nlohmann::ordered_json keeps insertion order: the format key must come first.
    nlohmann::ordered_json j;
    j[kVirtualRasterKey] = 1;
    j["checkpoint"] = spec.checkpoint;
    if (embedding)
    {
        // No "species": the bands are the model's features.
    }
    else if (spec.model.species.empty())
    {
        j["species"] = "all";
    }
    else if (spec.model.species.size() == 1)
    {
        j["species"] = spec.model.species.front();
    }
    else
    {
        j["species"] = spec.model.species;
    }
    nlohmann::ordered_json grid;
    grid["crs"] = spec.grid.crs;
    if (!spec.grid.extent.empty())
    {
        grid["extent"] = spec.grid.extent;
    }
    if (spec.grid.resolution > 0.0)
    {
        grid["resolution"] = spec.grid.resolution;
    }
    if (!spec.grid.size.empty())
    {
        grid["size"] = spec.grid.size;
    }
    if (!spec.grid.likeRaster.empty())
    {
        grid["like"] = spec.grid.likeRaster;
    }
    j["grid"] = grid;
    j["values"] = rangeOutputName(spec.model.output);
    if (!spec.model.threshold.empty())
    {
        j["threshold"] = spec.model.threshold;
    }
    if (!spec.model.mask.empty())
    {
        j["mask"] = spec.model.mask;
    }
    if (!spec.model.covariatePaths.empty())
    {
        j["covariates"] = spec.model.covariatePaths;
    }
    if (spec.blockSize != 256)
    {
        j["block_size"] = spec.blockSize;
    }
    return j.dump(2) + "\n";
}

void writeVirtualRaster(const VirtualRasterSpec& spec, const std::string& path)
{
    core::writeTextFileAtomically(path, formatVirtualRaster(spec));
}

} // namespace geoinr::rasters
