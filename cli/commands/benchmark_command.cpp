// SPDX-License-Identifier: MIT
// `geoinr benchmark land-ocean|checkerboard`: trains and scores the encoder x network grid of
// Russwurm et al. 2024 with the paper's tuned settings and reports a table beside its numbers.
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"

#include <geoinr/core/benchmark_settings.h>
#include <geoinr/core/classifier_fit.h>
#include <geoinr/core/error.h>
#include <geoinr/core/geo_bias.h>
#include <geoinr/core/text_file.h>
#include <geoinr/rasters/land_ocean.h>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

namespace geoinr::cli
{
namespace
{

struct BenchmarkArgs
{
    std::string task; ///< "land-ocean" or "checkerboard"
    std::string land;
    std::string hparamsFile;
    std::vector<std::string> encoders = core::benchmarkEncoderNames();
    std::vector<std::string> networks = core::benchmarkNetworkNames();
    int seeds = 1;
    int maxEpochs = 0; ///< 0: the settings' value
    std::int64_t samples = 0;
    std::string device = "cpu";
    bool doublePrecision = false;
    double geoBiasRadiusKm = 1000.0; ///< 0: no geo-bias score
    std::string jsonOut;
    std::string markdownOut;
    bool quiet = false;
};

nlohmann::json loadHparams(const std::string& path)
{
    if (path.empty())
    {
        return core::bundledBenchmarkHparams();
    }
    std::ifstream in(path);
    if (!in)
    {
        throw IoError("cannot read benchmark settings '" + path + "'");
    }
    try
    {
        return nlohmann::json::parse(in);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw InvalidArgument(fmt::format("{}: not valid JSON: {}", path, e.what()));
    }
}

core::ClassificationTask buildTask(const BenchmarkArgs& a, const nlohmann::json& dataset,
                                   const core::ProgressSink& progress)
{
    const auto samples = a.samples > 0 ? a.samples : dataset.at("num_samples").get<std::int64_t>();
    if (a.task == "land-ocean")
    {
        rasters::LandOceanOptions o;
        o.landPolygons = a.land;
        o.numSamples = samples;
        return rasters::landOceanTask(o, progress);
    }
    return core::checkerboardTask(dataset.at("num_support").get<std::int64_t>(),
                                  dataset.at("num_classes").get<std::int64_t>(), samples, 10000);
}

double mean(const std::vector<double>& v)
{
    double s = 0.0;
    for (const double x : v)
    {
        s += x;
    }
    return s / static_cast<double>(v.size());
}

double sd(const std::vector<double>& v)
{
    if (v.size() < 2)
    {
        return 0.0;
    }
    const double m = mean(v);
    double s = 0.0;
    for (const double x : v)
    {
        s += (x - m) * (x - m);
    }
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

/** TorchSpatial's geo-bias score of the test points a run got wrong (science.md §5.10). */
nlohmann::json geoBiasOfFailures(const core::LabelledPoints& test,
                                 const std::vector<std::int64_t>& predicted, double radiusKm)
{
    std::vector<double> lon(test.size());
    std::vector<double> lat(test.size());
    std::vector<double> correct(test.size());
    for (std::size_t i = 0; i < test.size(); ++i)
    {
        lon[i] = test.lonLat[2 * i];
        lat[i] = test.lonLat[2 * i + 1];
        correct[i] = predicted[i] == test.labels[i] ? 1.0 : 0.0;
    }
    core::GeoBiasOptions o;
    o.radiusKm = radiusKm;
    const auto r = core::geoBiasScore(lon, lat, correct, 0.5, o);
    const auto number = [](double v)
    {
        return std::isfinite(v) ? nlohmann::json(v) : nullptr;
    };
    return {{"base", number(r.baseScore)},   {"relative", number(r.relativeScore)},
            {"radius_km", radiusKm},         {"failures", r.lowPerformancePoints},
            {"centres_used", r.centresUsed}, {"approximate", true}};
}

/** Markdown table: encoders as rows, networks as columns, "ours (paper)" accuracy in percent. */
std::string markdownTable(const BenchmarkArgs& a, const nlohmann::json& summary,
                          const nlohmann::json& paper)
{
    std::ostringstream md;
    md << "| encoder \\ network |";
    for (const auto& n : a.networks)
    {
        md << " " << n << " |";
    }
    md << "\n|---|";
    for (std::size_t i = 0; i < a.networks.size(); ++i)
    {
        md << "---|";
    }
    md << "\n";
    for (const auto& e : a.encoders)
    {
        md << "| " << e << " |";
        for (const auto& n : a.networks)
        {
            const auto key = e + "-" + n;
            const auto& s = summary.at(key);
            md << fmt::format(" {:.1f}", 100.0 * s.at("test_accuracy_mean").get<double>());
            if (a.seeds > 1)
            {
                md << fmt::format(" ± {:.1f}", 100.0 * s.at("test_accuracy_sd").get<double>());
            }
            if (paper.contains(key))
            {
                md << fmt::format(" ({:.1f})", paper.at(key).get<double>());
            }
            md << " |";
        }
        md << "\n";
    }
    return md.str();
}

void runBenchmark(const BenchmarkArgs& a)
{
    const auto hparams = loadHparams(a.hparamsFile);
    if (!hparams.contains(a.task))
    {
        throw InvalidArgument(fmt::format("benchmark settings hold no '{}' block", a.task));
    }
    if (a.seeds < 1)
    {
        throw InvalidArgument("--seeds must be >= 1");
    }
    const auto& dataset = hparams.at(a.task).at("dataset");
    const auto progress = makeTerminalProgress(a.quiet);
    const auto task = buildTask(a, dataset, progress);
    const auto runs = a.encoders.size() * a.networks.size() * static_cast<std::size_t>(a.seeds);
    nlohmann::json results = nlohmann::json::array();
    nlohmann::json summary = nlohmann::json::object();
    std::size_t done = 0;
    for (const auto& e : a.encoders)
    {
        for (const auto& n : a.networks)
        {
            std::vector<double> accuracies;
            std::vector<double> ious;
            for (int seed = 0; seed < a.seeds; ++seed)
            {
                auto o = core::benchmarkRunOptions(hparams, a.task, e, n);
                o.seed = static_cast<std::uint64_t>(seed);
                o.device = a.device;
                o.doublePrecision = a.doublePrecision;
                if (a.maxEpochs > 0)
                {
                    o.maxEpochs = a.maxEpochs;
                }
                const auto label = fmt::format("{}-{} seed {}", e, n, seed);
                const auto sink = [&](double f, const std::string& m)
                {
                    return !progress ||
                           progress((static_cast<double>(done) + f) / static_cast<double>(runs),
                                    label + ": " + m);
                };
                const auto start = std::chrono::steady_clock::now();
                const auto r = core::fitClassifier(task, o, sink);
                const double secs =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                ++done;
                const auto geoBias =
                    a.geoBiasRadiusKm > 0
                        ? geoBiasOfFailures(task.test, r.testPredictions, a.geoBiasRadiusKm)
                        : nlohmann::json(nullptr);
                accuracies.push_back(r.testAccuracy);
                ious.push_back(r.testIoU);
                results.push_back({{"encoder", e},
                                   {"network", n},
                                   {"seed", seed},
                                   {"test_accuracy", r.testAccuracy},
                                   {"test_iou", r.testIoU},
                                   {"train_accuracy", r.trainAccuracy},
                                   {"best_validation_loss", r.bestValidationLoss},
                                   {"epochs", r.epochs},
                                   {"parameters", r.numParameters},
                                   {"encoder_dim", r.encoderDim},
                                   {"learning_rate", o.learningRate},
                                   {"weight_decay", o.weightDecay},
                                   {"seconds", secs},
                                   {"geo_bias", geoBias},
                                   {"accuracy_by_latitude_10deg",
                                    core::accuracyByLatitude(task.test, r.testPredictions, 10.0)},
                                   {"model", r.modelConfig}});
                if (!a.quiet)
                {
                    fmt::print(stderr, "\r{}: accuracy {:.2f} %, IoU {:.3f}, {} epochs, {:.0f} s\n",
                               label, 100.0 * r.testAccuracy, r.testIoU, r.epochs, secs);
                }
            }
            summary[e + "-" + n] = {{"test_accuracy_mean", mean(accuracies)},
                                    {"test_accuracy_sd", sd(accuracies)},
                                    {"test_iou_mean", mean(ious)},
                                    {"runs", accuracies.size()}};
        }
    }
    const auto paper = hparams.at(a.task).value("paper_test_accuracy_percent", nlohmann::json{});
    const auto table = markdownTable(a, summary, paper);
    fmt::print("{} test accuracy (%), {} seed(s){}:\n{}", a.task, a.seeds,
               paper.empty() ? "" : "; paper's in parentheses", table);
    const nlohmann::json report = {{"task", a.task},
                                   {"train_points", task.train.size()},
                                   {"validation_points", task.validation.size()},
                                   {"test_points", task.test.size()},
                                   {"land_polygons", a.land},
                                   {"settings", a.hparamsFile.empty() ? "bundled" : a.hparamsFile},
                                   {"seeds", a.seeds},
                                   {"float64", a.doublePrecision},
                                   {"summary", summary},
                                   {"runs", results}};
    writeJsonFile(report, a.jsonOut);
    if (!a.markdownOut.empty())
    {
        core::writeTextFileAtomically(a.markdownOut, table);
    }
}

void addTask(CLI::App* benchmark, const std::string& name, const std::string& help)
{
    auto a = std::make_shared<BenchmarkArgs>();
    a->task = name;
    auto* cmd = benchmark->add_subcommand(name, help);
    if (name == "land-ocean")
    {
        cmd->add_option("--land", a->land,
                        "land polygons, any OGR source (e.g. naturalearth/land-110m.geojson)")
            ->required();
    }
    cmd->add_option("--encoders", a->encoders, "locationencoder encodings to run")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--networks", a->networks, "networks to run: linear, fcnet, siren")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--seeds", a->seeds, "runs per pair (seeds 0..N-1), reported as mean ± sd")
        ->capture_default_str();
    cmd->add_option("--max-epochs", a->maxEpochs, "override the settings' epoch limit");
    cmd->add_option("--samples", a->samples, "override the number of train/validation points");
    cmd->add_option("--hparams", a->hparamsFile,
                    "settings JSON (default: the bundled locationencoder hparams)");
    cmd->add_option("--device", a->device, "cpu or cuda")->capture_default_str();
    cmd->add_flag("--float64", a->doublePrecision,
                  "train in double precision as the paper's runs (slower)");
    cmd->add_option("--geo-bias-radius-km", a->geoBiasRadiusKm,
                    "radius of the geo-bias score of each run's test failures (0: none)")
        ->capture_default_str();
    cmd->add_option("-o,--output", a->jsonOut, "write every run's numbers here (JSON)");
    cmd->add_option("--markdown", a->markdownOut, "write the accuracy table here (Markdown)");
    cmd->add_flag("-q,--quiet", a->quiet, "no progress output");
    cmd->callback([a] { runBenchmark(*a); });
}

} // namespace

void addBenchmarkCommand(CLI::App& app)
{
    auto* cmd = app.add_subcommand(
        "benchmark", "Train and score the encoder x network grids of Russwurm et al. 2024");
    cmd->require_subcommand(1);
    addTask(cmd, "land-ocean",
            "Land vs ocean from random points, scored on a 100 km equal-area grid (§5.7)");
    addTask(cmd, "checkerboard", "16-class checkerboard on a Fibonacci lattice (§5.8)");
}

} // namespace geoinr::cli
