// SPDX-License-Identifier: MIT
// `evaluate presence-absence|ranges|presence-only --report` on a tiny synthetic case:
// the report directory's Markdown rows and figure links, PNG files, results.json, and the
// provenance block of -o (hashes checked against the system's sha256sum, the training seed).
#include "run_cli.h"
#include "temp_dir.h"
#include "test_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace
{

namespace fs = std::filesystem;
using geoinr::test::q;
using geoinr::test::run;
using geoinr::test::runCommand;
using geoinr::test::TempDir;

/** Digest from the system's sha256sum (an implementation independent of GeoINR's). */
std::string sha256sum(const std::string& path)
{
    const auto r = runCommand("sha256sum " + q(path));
    return r.exitCode == 0 ? r.output.substr(0, 64) : std::string("sha256sum failed");
}

/** Width and height from a PNG's signature and IHDR chunk; {0, 0} when it is not a PNG. */
std::pair<std::uint32_t, std::uint32_t> pngSize(const std::string& path)
{
    const auto bytes = geoinr::test::readFileBytes(path);
    if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
        bytes.compare(12, 4, "IHDR") != 0)
    {
        return {0, 0};
    }
    const auto be32 = [&bytes](std::size_t at)
    {
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < 4; ++i)
        {
            v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
        }
        return v;
    };
    return {be32(16), be32(20)};
}

/** Alpha in Europe (more records and presences), Beta in South America; a coordinate model. */
struct TinyCase
{
    TempDir dir;
    std::string checkpoint, sites;
};

void writeTinyCase(TinyCase& c)
{
    std::ofstream occ(c.dir.file("occ.csv"));
    occ << "species,lon,lat\n";
    for (int i = 0; i < 30; ++i)
    {
        occ << "Alpha," << 5 + (i % 6) * 2 << "," << 42 + (i / 6) * 2 << "\n";
    }
    for (int i = 0; i < 20; ++i)
    {
        occ << "Beta," << -65 + (i % 5) * 2 << "," << -25 + (i / 5) * 2 << "\n";
    }
    occ.close();
    // Sites on a 10-degree grid over both areas; Beta surveyed only south of the equator.
    std::ofstream sites(c.dir.file("sites.csv"));
    sites << "lon,lat,Alpha,Beta\n";
    for (int lon = -80; lon <= 30; lon += 10)
    {
        for (int lat = -40; lat <= 60; lat += 10)
        {
            const bool alpha = lon >= 0 && lon <= 20 && lat >= 40 && lat <= 50;
            const bool beta = lon >= -70 && lon <= -50 && lat >= -30 && lat <= -10;
            sites << lon << "," << lat << "," << (alpha ? 1 : 0) << ","
                  << (lat < 0 ? (beta ? "1" : "0") : "") << "\n";
        }
    }
    sites.close();
    c.checkpoint = c.dir.file("tiny.ckpt");
    c.sites = c.dir.file("sites.csv");
    const auto train = run("train " + q(c.dir.file("occ.csv")) + " -o " + q(c.checkpoint) +
                           " --network '{\"name\":\"residual_fcnet\",\"hidden_dim\":16,"
                           "\"num_blocks\":1}' --epochs 2 --threads 1 --seed 5 -q");
    ASSERT_EQ(train.exitCode, 0) << train.output;
}

TEST(CliReport, PresenceAbsenceReportHasTablesFiguresAndProvenance)
{
    TinyCase c;
    writeTinyCase(c);
    const auto json = c.dir.file("pa.json");
    const auto dir = c.dir.file("report");
    const auto r = run("evaluate presence-absence " + q(c.checkpoint) + " --sites " + q(c.sites) +
                       " -o " + q(json) + " --report " + q(dir) + " -q");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(r.output.find("Qt"), std::string::npos) << r.output; // no Qt chatter on stderr
    const auto results = nlohmann::json::parse(geoinr::test::readFileBytes(json));

    // Provenance: hashes as sha256sum computes them, the seed given to train.
    const auto& prov = results.at("provenance");
    EXPECT_EQ(prov.at("checkpoint").at("sha256"), sha256sum(c.checkpoint));
    EXPECT_EQ(prov.at("checkpoint").at("seed").get<int>(), 5);
    EXPECT_EQ(prov.at("checkpoint").at("bytes").get<std::uintmax_t>(), fs::file_size(c.checkpoint));
    ASSERT_EQ(prov.at("data").size(), 1u);
    EXPECT_EQ(prov.at("data").at(0).at("path"), c.sites);
    EXPECT_EQ(prov.at("data").at(0).at("sha256"), sha256sum(c.sites));
    EXPECT_NE(prov.at("command_line").get<std::string>().find("presence-absence"),
              std::string::npos);

    // The report: results.json equals -o's JSON; a table row per species with the JSON's AUC.
    EXPECT_EQ(nlohmann::json::parse(geoinr::test::readFileBytes(dir + "/results.json")), results);
    const auto md = geoinr::test::readFileBytes(dir + "/report.md");
    ASSERT_EQ(results.at("per_species").size(), 2u);
    for (const auto& s : results.at("per_species"))
    {
        char auc[32];
        std::snprintf(auc, sizeof auc, "%.4f", s.at("auc").get<double>());
        const auto row = "| " + s.at("species").get<std::string>() + " | " +
                         std::to_string(s.at("sites").get<int>()) + " | " +
                         std::to_string(s.at("presences").get<int>()) + " | " + auc + " |";
        EXPECT_NE(md.find(row), std::string::npos) << row << "\n" << md;
    }
    EXPECT_NE(md.find("| **mean** |"), std::string::npos) << md;
    EXPECT_NE(md.find(prov.at("checkpoint").at("sha256").get<std::string>()), std::string::npos);
    for (const auto* figure : {"roc.png", "scores.png", "site_map.png"})
    {
        EXPECT_NE(md.find(std::string("](figures/") + figure + ")"), std::string::npos) << figure;
        const auto [w, h] = pngSize(dir + "/figures/" + figure);
        EXPECT_GT(w, 300u) << figure;
        EXPECT_GT(h, 300u) << figure;
    }
    // Beta has the most presences (3 x 3 sites against Alpha's 3 x 2): the default site map.
    EXPECT_NE(md.find("Site map of Beta"), std::string::npos) << md;

    // Another species on request; an unknown one is a usage error naming it.
    const auto alpha = run("evaluate presence-absence " + q(c.checkpoint) + " --sites " +
                           q(c.sites) + " --report " + q(dir) + " --report-species Alpha -q");
    ASSERT_EQ(alpha.exitCode, 0) << alpha.output;
    EXPECT_NE(geoinr::test::readFileBytes(dir + "/report.md").find("Site map of Alpha"),
              std::string::npos);
    const auto bad = run("evaluate presence-absence " + q(c.checkpoint) + " --sites " + q(c.sites) +
                         " --report " + q(c.dir.file("bad")) + " --report-species Gamma -q");
    EXPECT_EQ(bad.exitCode, 2) << bad.output;
    EXPECT_NE(bad.output.find("'Gamma'"), std::string::npos) << bad.output;
}

TEST(CliReport, RangesReportHasAMapOfTheLargestRange)
{
    TinyCase c;
    writeTinyCase(c);
    // Range cells of a 10-degree grid: Beta's range (6 cells) is larger than Alpha's (2).
    std::ofstream cells(c.dir.file("cells.csv"));
    cells << "species,lon,lat\n"
          << "Alpha,5,45\nAlpha,15,45\n";
    for (int lon : {-65, -55})
    {
        for (int lat : {-25, -15, -5})
        {
            cells << "Beta," << lon << "," << lat << "\n";
        }
    }
    cells.close();
    const auto json = c.dir.file("ranges.json");
    const auto dir = c.dir.file("report");
    const auto r =
        run("evaluate ranges " + q(c.checkpoint) + " --range-cells " + q(c.dir.file("cells.csv")) +
            " --cell-size 10 -o " + q(json) + " --report " + q(dir) + " -q");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto results = nlohmann::json::parse(geoinr::test::readFileBytes(json));
    EXPECT_EQ(results.at("provenance").at("data").at(0).at("sha256"),
              sha256sum(c.dir.file("cells.csv")));
    EXPECT_EQ(results.at("provenance").at("data").size(), 1u); // no --mask
    const auto md = geoinr::test::readFileBytes(dir + "/report.md");
    EXPECT_NE(md.find("Range map of Beta"), std::string::npos) << md;
    for (const auto* figure : {"roc.png", "scores.png", "range_map.png"})
    {
        EXPECT_NE(md.find(std::string("](figures/") + figure + ")"), std::string::npos) << figure;
        EXPECT_GT(pngSize(dir + "/figures/" + figure).first, 300u) << figure;
    }
    EXPECT_EQ(nlohmann::json::parse(geoinr::test::readFileBytes(dir + "/results.json")), results);
}

TEST(CliReport, PresenceOnlyReportMapsTheSpeciesWithTheMostTestPresences)
{
    TinyCase c;
    writeTinyCase(c);
    const auto json = c.dir.file("po.json");
    const auto dir = c.dir.file("report");
    const auto common = "evaluate presence-only " + q(c.checkpoint) + " --presences " +
                        q(c.dir.file("occ.csv")) + " --background-points 400 --seed 3";
    const auto r = run(common + " -o " + q(json) + " --report " + q(dir) + " -q");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto results = nlohmann::json::parse(geoinr::test::readFileBytes(json));
    EXPECT_EQ(nlohmann::json::parse(geoinr::test::readFileBytes(dir + "/results.json")), results);
    EXPECT_EQ(results.at("provenance").at("checkpoint").at("sha256"), sha256sum(c.checkpoint));
    const auto md = geoinr::test::readFileBytes(dir + "/report.md");
    ASSERT_EQ(results.at("per_species").size(), 2u);
    for (const auto& s : results.at("per_species"))
    {
        char boyce[32], auc[32];
        std::snprintf(boyce, sizeof boyce, "%.4f", s.at("boyce").get<double>());
        std::snprintf(auc, sizeof auc, "%.4f", s.at("auc").get<double>());
        const auto row = "| " + s.at("species").get<std::string>() + " | " +
                         std::to_string(s.at("test_presences").get<int>()) + " | " + boyce + " | " +
                         auc + " |";
        EXPECT_NE(md.find(row), std::string::npos) << row << "\n" << md;
    }
    for (const auto* figure : {"roc.png", "scores.png", "presence_map.png"})
    {
        EXPECT_NE(md.find(std::string("](figures/") + figure + ")"), std::string::npos) << figure;
        EXPECT_GT(pngSize(dir + "/figures/" + figure).first, 300u) << figure;
    }
    // Alpha has 30 test presences, Beta 20: Alpha is mapped unless Beta is asked for.
    EXPECT_NE(md.find("Map of Alpha"), std::string::npos) << md;
    const auto beta = run(common + " --report " + q(dir) + " --report-species Beta -q");
    ASSERT_EQ(beta.exitCode, 0) << beta.output;
    EXPECT_NE(geoinr::test::readFileBytes(dir + "/report.md").find("Map of Beta"),
              std::string::npos);
    const auto bad =
        run(common + " --report " + q(c.dir.file("bad")) + " --report-species Gamma -q");
    EXPECT_EQ(bad.exitCode, 2) << bad.output;
    EXPECT_NE(bad.output.find("'Gamma'"), std::string::npos) << bad.output;
    EXPECT_FALSE(fs::exists(c.dir.file("bad") + "/report.md"));
}

} // namespace
