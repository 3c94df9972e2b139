// SPDX-License-Identifier: MIT
// `geoinr evaluate geo-prior` end to end: a tiny coordinate-only checkpoint of three species on
// three continents, a "vision model" that confuses two of them, and the location prior that must
// undo the confusion. The report's numbers are recomputed here from the logits the command writes
// per observation; the same observations as SINR-style top-k .npy arrays give the same report.
#include "run_cli.h"
#include "temp_dir.h"
#include "test_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace
{

using geoinr::test::q;
using geoinr::test::run;
using geoinr::test::TempDir;

constexpr int kClasses = 4;
/** The classifier's classes, in an order unlike the checkpoint's (sorted: Alpha, Beta, Gamma);
 *  Delta is not in the model (g = 1). */
const std::array<std::string, kClasses> kClassSpecies = {"Beta", "Gamma", "Alpha", "Delta"};

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> split(const std::string& line)
{
    std::vector<std::string> out;
    std::stringstream s(line);
    std::string field;
    while (std::getline(s, field, ','))
    {
        out.push_back(field);
    }
    return out;
}

/** Presences on a 5 x 4 grid of 3-degree steps: Alpha in Europe, Beta in South America, Gamma
 *  in Australia. */
std::string trainCheckpoint(const TempDir& dir)
{
    std::string csv = "species,lon,lat\n";
    for (int i = 0; i < 5; ++i)
    {
        for (int j = 0; j < 4; ++j)
        {
            csv += "Alpha," + std::to_string(4 + 3 * i) + "," + std::to_string(41 + 3 * j) + "\n";
            csv += "Beta," + std::to_string(-68 + 3 * i) + "," + std::to_string(-16 + 3 * j) + "\n";
            csv +=
                "Gamma," + std::to_string(130 + 3 * i) + "," + std::to_string(-32 + 3 * j) + "\n";
        }
    }
    writeText(dir.file("train.csv"), csv);
    const auto ckpt = dir.file("geo.ckpt");
    const auto r = run("train " + q(dir.file("train.csv")) + " -o " + q(ckpt) +
                       " --epochs 20 --lr 0.01 --batch-size 16 --threads 1 --seed 5 -q");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return ckpt;
}

/**
 * 8 observations per class at places inside its range (Delta next to Alpha). The vision
 * probabilities (classes Beta, Gamma, Alpha, Delta) take Alpha for Beta and Beta for Alpha,
 * narrowly; Gamma and Delta are recognised. Vision-only top-1 is therefore 16 / 32.
 */
struct Observations
{
    std::vector<std::array<double, 2>> lonLat;
    std::vector<std::array<double, kClasses>> probs;
    std::vector<std::int64_t> labels;
};

Observations makeObservations()
{
    const std::array<std::array<double, 2>, kClasses> centre = {
        {{-62.0, -10.0}, {136.0, -27.0}, {9.0, 45.0}, {10.0, 47.0}}};
    const std::array<std::array<double, kClasses>, kClasses> vision = {{{0.40, 0.05, 0.53, 0.02},
                                                                        {0.10, 0.80, 0.08, 0.02},
                                                                        {0.42, 0.08, 0.38, 0.12},
                                                                        {0.30, 0.05, 0.05, 0.60}}};
    Observations o;
    for (int k = 0; k < 8; ++k)
    {
        for (int c = 0; c < kClasses; ++c)
        {
            o.lonLat.push_back({centre[c][0] + (k % 4) * 2 - 3, centre[c][1] + (k / 4) * 3 - 1.5});
            o.probs.push_back(vision[c]);
            o.labels.push_back(c);
        }
    }
    return o;
}

/** The per-observation CSV: predictions and, per model species, its logits. */
struct PerObservation
{
    std::vector<std::int64_t> visionPrediction, combinedPrediction;
    std::map<std::string, std::vector<double>> logits; ///< "Alpha" -> one per observation
};

PerObservation readPerObservation(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    const auto header = split(line);
    PerObservation p;
    while (std::getline(in, line))
    {
        const auto f = split(line);
        EXPECT_EQ(f.size(), header.size()) << line;
        for (std::size_t i = 0; i < f.size() && i < header.size(); ++i)
        {
            if (header[i] == "vision_prediction")
            {
                p.visionPrediction.push_back(std::stoll(f[i]));
            }
            else if (header[i] == "combined_prediction")
            {
                p.combinedPrediction.push_back(std::stoll(f[i]));
            }
            else if (header[i].rfind("logit:", 0) == 0)
            {
                // Written as the shortest text of a float: back to that float exactly.
                p.logits[header[i].substr(6)].push_back(std::stof(f[i]));
            }
        }
    }
    return p;
}

/** Science.md §5.5 from scratch: argmax p·g with g = sigmoid(logit) or 1, first max wins. */
struct Recomputed
{
    std::int64_t visionCorrect = 0, combinedCorrect = 0, improved = 0, worsened = 0;
    std::vector<std::int64_t> vision, combined;
};

Recomputed recompute(const std::vector<std::array<double, kClasses>>& probs,
                     const std::vector<std::int64_t>& labels, const PerObservation& p)
{
    Recomputed r;
    for (std::size_t i = 0; i < probs.size(); ++i)
    {
        std::array<double, kClasses> score{};
        for (int c = 0; c < kClasses; ++c)
        {
            const auto it = p.logits.find(kClassSpecies[c]);
            const double g = it == p.logits.end() ? 1.0 : 1.0 / (1.0 + std::exp(-it->second[i]));
            score[c] = probs[i][c] * g;
        }
        const auto vision = std::max_element(probs[i].begin(), probs[i].end()) - probs[i].begin();
        const auto combined = std::max_element(score.begin(), score.end()) - score.begin();
        r.vision.push_back(vision);
        r.combined.push_back(combined);
        const bool v = vision == labels[i], c = combined == labels[i];
        r.visionCorrect += v;
        r.combinedCorrect += c;
        r.improved += !v && c;
        r.worsened += v && !c;
    }
    return r;
}

void expectReportMatches(const nlohmann::json& j, const Recomputed& r, std::size_t n)
{
    const double total = static_cast<double>(n);
    EXPECT_EQ(j.at("observations").get<std::size_t>(), n);
    EXPECT_EQ(j.at("vision_correct").get<std::int64_t>(), r.visionCorrect);
    EXPECT_EQ(j.at("combined_correct").get<std::int64_t>(), r.combinedCorrect);
    EXPECT_DOUBLE_EQ(j.at("vision_top1").get<double>(), r.visionCorrect / total);
    EXPECT_DOUBLE_EQ(j.at("combined_top1").get<double>(), r.combinedCorrect / total);
    EXPECT_DOUBLE_EQ(j.at("delta_top1_points").get<double>(),
                     100.0 * (r.combinedCorrect - r.visionCorrect) / total);
    EXPECT_EQ(j.at("improved").get<std::int64_t>(), r.improved);
    EXPECT_EQ(j.at("worsened").get<std::int64_t>(), r.worsened);
}

/** A little-endian format 1.0 .npy file of `values` with `shape` (descr "<f8" or "<i8"). */
template <typename T>
void writeNpy(const std::string& path, const std::vector<T>& values, const std::string& shape)
{
    static_assert(sizeof(T) == 8);
    const std::string descr = std::is_floating_point_v<T> ? "<f8" : "<i8";
    std::string header =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0)
    {
        header += ' ';
    }
    header += '\n';
    std::string bytes = "\x93NUMPY\x01";
    bytes += '\0';
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    std::string data(values.size() * 8, '\0');
    std::memcpy(data.data(), values.data(), data.size()); // the test hosts are little-endian
    writeText(path, bytes + data);
}

TEST(CliGeoPrior, LocationPriorResolvesConfusedSpecies)
{
    TempDir dir;
    const auto ckpt = trainCheckpoint(dir);
    const auto o = makeObservations();
    const auto n = o.labels.size();
    std::string locations = "id,longitude,latitude\n", probs = "beta,gamma,alpha,delta\n",
                labels = "label\n";
    for (std::size_t i = 0; i < n; ++i)
    {
        locations += std::to_string(i) + "," + std::to_string(o.lonLat[i][0]) + "," +
                     std::to_string(o.lonLat[i][1]) + "\n";
        probs += std::to_string(o.probs[i][0]) + "," + std::to_string(o.probs[i][1]) + "," +
                 std::to_string(o.probs[i][2]) + "," + std::to_string(o.probs[i][3]) + "\n";
        labels += std::to_string(o.labels[i]) + "\n";
    }
    writeText(dir.file("locations.csv"), locations);
    writeText(dir.file("probs.csv"), probs);
    writeText(dir.file("labels.csv"), labels);
    writeText(dir.file("names.csv"), "class_index,species\n0,Beta\n1,Gamma\n2,Alpha\n3,Delta\n");
    const auto report = dir.file("report.json"), perObservation = dir.file("observations.csv");
    const auto r = run("evaluate geo-prior " + q(ckpt) + " --probs " + q(dir.file("probs.csv")) +
                       " --labels " + q(dir.file("labels.csv")) + " --locations " +
                       q(dir.file("locations.csv")) + " --class-names " + q(dir.file("names.csv")) +
                       " --per-observation " + q(perObservation) + " -o " + q(report) + " -q");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("vision-only top-1: 50.00 %"), std::string::npos) << r.output;
    const auto j = geoinr::test::loadJson(report);
    EXPECT_EQ(j.at("input").get<std::string>(), "dense");
    EXPECT_EQ(j.at("num_classes").get<int>(), 4);
    EXPECT_EQ(j.at("classes_mapped").get<int>(), 3);
    EXPECT_EQ(j.at("observations_label_mapped").get<int>(), 24);
    EXPECT_EQ(j.at("class_names_unmatched_examples"), nlohmann::json::array({"Delta"}));

    const auto p = readPerObservation(perObservation);
    ASSERT_EQ(p.logits.size(), 3u);
    ASSERT_EQ(p.combinedPrediction.size(), n);
    // Each logit column is its species' own range: highest, on average, at its observations.
    for (int c = 0; c < 3; ++c)
    {
        std::array<double, 3> mean{};
        for (std::size_t i = 0; i < n; ++i)
        {
            if (o.labels[i] < 3)
            {
                mean[static_cast<std::size_t>(o.labels[i])] += p.logits.at(kClassSpecies[c])[i];
            }
        }
        EXPECT_EQ(std::max_element(mean.begin(), mean.end()) - mean.begin(), c) << kClassSpecies[c];
    }
    const auto expected = recompute(o.probs, o.labels, p);
    expectReportMatches(j, expected, n);
    EXPECT_EQ(p.visionPrediction, expected.vision);
    EXPECT_EQ(p.combinedPrediction, expected.combined);
    EXPECT_EQ(expected.visionCorrect, 16);
    // The prior must undo most of the Alpha/Beta confusion (measured: 32 / 32, +50 points).
    EXPECT_GE(j.at("delta_top1_points").get<double>(), 30.0);
    EXPECT_EQ(j.at("worsened").get<int>(), 0);

    // The same observations as SINR stores them: top-2 probabilities in ascending order with
    // their class indices, labels and locations as .npy, class names one per line.
    std::vector<double> topProbs, lonLat;
    std::vector<std::int64_t> topIds;
    std::vector<std::array<double, kClasses>> topDense(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        std::array<std::int64_t, kClasses> order = {0, 1, 2, 3};
        std::sort(order.begin(), order.end(),
                  [&](std::int64_t a, std::int64_t b) { return o.probs[i][a] < o.probs[i][b]; });
        for (int col = kClasses - 2; col < kClasses; ++col)
        {
            topProbs.push_back(o.probs[i][order[col]]);
            topIds.push_back(order[col]);
            topDense[i][order[col]] = o.probs[i][order[col]];
        }
        lonLat.insert(lonLat.end(), {o.lonLat[i][0], o.lonLat[i][1]});
    }
    const auto rows = "(" + std::to_string(n);
    writeNpy(dir.file("probs.npy"), topProbs, rows + ", 2)");
    writeNpy(dir.file("inds.npy"), topIds, rows + ", 2)");
    writeNpy(dir.file("labels.npy"), o.labels, rows + ",)");
    writeNpy(dir.file("locations.npy"), lonLat, rows + ", 2)");
    writeText(dir.file("names.txt"), "Beta\nGamma\nAlpha\nDelta\n");
    const auto topReport = dir.file("topk.json");
    const auto t =
        run("evaluate geo-prior " + q(ckpt) + " --probs " + q(dir.file("probs.npy")) +
            " --class-ids " + q(dir.file("inds.npy")) + " --labels " + q(dir.file("labels.npy")) +
            " --locations " + q(dir.file("locations.npy")) + " --class-names " +
            q(dir.file("names.txt")) + " -o " + q(topReport) + " -q");
    ASSERT_EQ(t.exitCode, 0) << t.output;
    const auto k = geoinr::test::loadJson(topReport);
    EXPECT_EQ(k.at("input").get<std::string>(), "top-k");
    EXPECT_EQ(k.at("class_mapping").get<std::string>(), "lines");
    EXPECT_EQ(k.at("probability_columns").get<int>(), 2);
    expectReportMatches(k, recompute(topDense, o.labels, p), n);
}

TEST(CliGeoPrior, InconsistentInputsAreClearErrors)
{
    TempDir dir;
    const auto ckpt = trainCheckpoint(dir);
    writeText(dir.file("probs.csv"), "a,b\n0.6,0.4\n0.3,0.7\n");
    writeText(dir.file("labels.csv"), "label\n0\n1\n1\n");
    writeText(dir.file("locations.csv"), "lon,lat\n9,45\n-62,-10\n");
    const auto base = "evaluate geo-prior " + q(ckpt) + " --probs " + q(dir.file("probs.csv")) +
                      " --locations " + q(dir.file("locations.csv")) + " -q";
    const auto tooManyLabels = run(base + " --labels " + q(dir.file("labels.csv")));
    EXPECT_EQ(tooManyLabels.exitCode, 2) << tooManyLabels.output;
    EXPECT_NE(tooManyLabels.output.find("labels.csv: expected one label per observation (2)"),
              std::string::npos)
        << tooManyLabels.output;

    writeText(dir.file("labels.csv"), "label\n0\n1\n");
    writeText(dir.file("names.txt"), "Zeta\nEta\n");
    const auto noMatch = run(base + " --labels " + q(dir.file("labels.csv")) + " --class-names " +
                             q(dir.file("names.txt")));
    EXPECT_EQ(noMatch.exitCode, 2) << noMatch.output;
    EXPECT_NE(noMatch.output.find("no classifier class matches"), std::string::npos)
        << noMatch.output;
    EXPECT_NE(noMatch.output.find("Zeta"), std::string::npos) << noMatch.output;

    writeText(dir.file("locations.csv"), "lon,lat\n9,45\n-62,95\n");
    const auto badLat = run(base + " --labels " + q(dir.file("labels.csv")));
    EXPECT_EQ(badLat.exitCode, 1) << badLat.output;
    EXPECT_NE(badLat.output.find("locations.csv:3"), std::string::npos) << badLat.output;
}

} // namespace
