// SPDX-License-Identifier: MIT
// `geoinr predict`: checkpoint -> range GeoTIFF/COG, one band per species (or one file each), or
// with --values embedding the model's learned location embedding, one band per feature.
#include "../terminal_progress.h"
#include "commands.h"

#include <geoinr/core/collective.h>
#include <geoinr/core/distributed.h>
#include <geoinr/core/error.h>
#include <geoinr/rasters/range_raster.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>

namespace geoinr::cli
{
namespace
{

struct PredictArgs
{
    rasters::PredictRasterOptions options;
    std::string values;
    std::string speciesFile;
    std::vector<std::string> covariates; ///< NAME=PATH
    bool logits = false;
    bool quiet = false;
    std::string part;                  ///< "i/N"
    bool merge = false;                ///< launcher mode: also merge the parts into --output
    core::DistributedOptions launcher; ///< from WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT
};

/** "i/N" -> {i, N}; InvalidArgument naming --part otherwise. */
std::pair<int, int> parsePart(const std::string& text)
{
    int i = -1, n = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%d/%d%c", &i, &n, &extra) != 2 || n < 1 || i < 0 || i >= n)
    {
        throw InvalidArgument(fmt::format("--part {}: expected i/N with 0 <= i < N", text));
    }
    return {i, n};
}

/** range.tif -> range.part1of4.tif (and range.vrt for the mosaic). */
std::string withSuffix(const std::string& path, const std::string& suffix, const std::string& ext)
{
    const auto p = std::filesystem::path(path);
    return (p.parent_path() / (p.stem().string() + suffix + ext)).string();
}

/**
 * Under a launcher (WORLD_SIZE > 1, no --part): every rank writes part RANK of WORLD_SIZE, they
 * meet, and rank 0 writes <output stem>.vrt over the parts (and, with --merge, --output).
 */
void predictAsRank(PredictArgs& a, const core::ProgressSink& progress)
{
    const auto& d = a.launcher;
    const auto finalOutput = a.options.output;
    const auto partName = [&](int i)
    {
        return withSuffix(finalOutput, fmt::format(".part{}of{}", i, d.worldSize), ".tif");
    };
    a.options.part = d.rank;
    a.options.parts = d.worldSize;
    a.options.output = partName(d.rank);
    core::Collective group(d);
    rasters::predictRangeRaster(a.options, progress);
    group.barrier(); // every part is complete (renamed into place)
    if (d.rank != 0)
    {
        return;
    }
    rasters::MosaicOptions m;
    for (int i = 0; i < d.worldSize; ++i)
    {
        m.parts.push_back(partName(i));
    }
    m.vrt = withSuffix(finalOutput, "", ".vrt");
    m.merged = a.merge ? finalOutput : "";
    m.format = a.options.format;
    rasters::mosaicParts(m, progress);
    fmt::print("wrote {} parts, mosaic {}{}\n", d.worldSize, m.vrt,
               m.merged.empty() ? "" : ", merged " + m.merged);
}

/** Species names, one per line ('#' comments and blank lines skipped). */
std::vector<std::string> readSpeciesFile(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw IoError(fmt::format("--species-file {}: cannot open", path));
    }
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line))
    {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        {
            line.pop_back();
        }
        if (!line.empty() && line[0] != '#')
        {
            names.push_back(line);
        }
    }
    if (names.empty())
    {
        throw InvalidArgument(fmt::format("--species-file {}: no species names in it", path));
    }
    return names;
}

void finish(PredictArgs& a)
{
    auto& model = a.options.model;
    if (!a.speciesFile.empty())
    {
        const auto more = readSpeciesFile(a.speciesFile);
        model.species.insert(model.species.end(), more.begin(), more.end());
    }
    if (a.logits && !a.values.empty() && a.values != "logit")
    {
        throw InvalidArgument(fmt::format("--logits and --values {}: choose one", a.values));
    }
    std::string values = a.logits ? "logit" : a.values;
    if (values.empty())
    {
        values = model.threshold.empty() ? "probability" : "binary";
    }
    model.output = rasters::parseRangeOutput(values);
    if (model.output == rasters::RangeOutput::Embedding)
    {
        // Bands are the network's features: species choices would be silently meaningless.
        if (!model.species.empty())
        {
            throw InvalidArgument("--species / --species-file: not with --values embedding (one "
                                  "band per learned feature of the model, for every species)");
        }
        if (a.options.perSpeciesFiles)
        {
            throw InvalidArgument("--per-species: not with --values embedding (one file holds "
                                  "every feature)");
        }
        if (!model.threshold.empty())
        {
            throw InvalidArgument("--threshold: not with --values embedding (only for binary "
                                  "ranges)");
        }
    }
    for (const auto& c : a.covariates)
    {
        const auto eq = c.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == c.size())
        {
            throw InvalidArgument(fmt::format("--covariate {}: expected NAME=PATH", c));
        }
        model.covariatePaths[c.substr(0, eq)] = c.substr(eq + 1);
    }
}

} // namespace

void addPredictCommand(CLI::App& app)
{
    auto a = std::make_shared<PredictArgs>();
    a->launcher = core::distributedFromEnvironment();
    a->launcher.timeoutSeconds = 3600; // parts of big grids take a while; dead ranks fail fast
    auto& o = a->options;
    auto* cmd = app.add_subcommand(
        "predict", "Predict range maps from a checkpoint into a GeoTIFF or COG (one band per "
                   "species, or one file per species), or its location embedding");
    cmd->add_option("checkpoint", o.checkpoint, "checkpoint written by geoinr train")->required();
    cmd->add_option("-o,--output", o.output, "output raster (.tif), or a folder with --per-species")
        ->required();
    cmd->add_option("--species", o.model.species, "species names (default: all)");
    cmd->add_option("--species-file", a->speciesFile, "a file with one species name per line");
    cmd->add_flag("--per-species", o.perSpeciesFiles,
                  "write one <species>.tif per species into the --output folder");
    cmd->add_option("--crs", o.grid.crs, "target CRS (EPSG code, WKT, PROJ string)")
        ->capture_default_str();
    cmd->add_option("--extent", o.grid.extent, "xmin ymin xmax ymax in the target CRS")
        ->expected(4);
    cmd->add_option("--resolution", o.grid.resolution, "pixel size in target CRS units");
    cmd->add_option("--size", o.grid.size, "width height in pixels (instead of --resolution)")
        ->expected(2);
    cmd->add_option("--like", o.grid.likeRaster, "copy CRS, extent and resolution of a raster");
    cmd->add_option("--values", a->values,
                    "probability (Float32), logit (Float32), byte (0-254, scale 1/254) or "
                    "binary (0/1 with --threshold); default probability, binary with "
                    "--threshold; embedding: the model's learned features (Float32, one band "
                    "each, no species options)");
    cmd->add_option("--threshold", o.model.threshold,
                    "binary ranges: a probability, or a rule stored by training: mtp, "
                    "presence_95, presence_90, max_tss");
    cmd->add_flag("--logits", a->logits, "same as --values logit");
    cmd->add_option("--mask", o.model.mask, "raster: pixels where it is 0 or nodata are nodata");
    cmd->add_option("--covariate", a->covariates,
                    "NAME=PATH: read covariate layer NAME from PATH instead of the path stored "
                    "in the checkpoint (repeatable)");
    cmd->add_option("--format", o.format, "GTiff or COG")->capture_default_str();
    cmd->add_option("--block-size", o.blockSize, "tile size in pixels")->capture_default_str();
    cmd->add_option("--threads", o.threads, "tiles computed at once (default: one per core)");
    cmd->add_option("--device", o.device, "cpu or cuda (the network on the GPU)")
        ->capture_default_str();
    cmd->add_flag("-q,--quiet", a->quiet, "no progress output");
    cmd->add_option("--part", a->part,
                    "i/N: write only part i of N bands of rows (jobs started by a scheduler); "
                    "join them with geoinr mosaic");
    cmd->add_flag("--merge", a->merge,
                  "under a launcher (WORLD_SIZE > 1): also merge the parts into --output");
    cmd->add_option("--dist-timeout", a->launcher.timeoutSeconds,
                    "under a launcher: seconds rank 0 waits for the other parts")
        ->capture_default_str();
    cmd->callback(
        [a]
        {
            finish(*a);
            if (!a->part.empty())
            {
                std::tie(a->options.part, a->options.parts) = parsePart(a->part);
            }
            else if (a->launcher.enabled())
            {
                core::validateDistributed(a->launcher);
                predictAsRank(*a, makeTerminalProgress(a->quiet || a->launcher.rank != 0));
                return;
            }
            const auto files =
                rasters::predictRangeRaster(a->options, makeTerminalProgress(a->quiet));
            if (files.size() == 1)
            {
                fmt::print("wrote {}\n", files.front());
            }
            else
            {
                fmt::print("wrote {} files into {}\n", files.size(), a->options.output);
            }
        });
}

} // namespace geoinr::cli
