// SPDX-License-Identifier: MIT
// The report directory: Markdown tables and links, PNG files that load back, results.json, and
// atomic writing (no temporary leftovers, nothing half-written on bad input).
#include "temp_dir.h"
#include "test_data.h"

#include <geoinr/core/error.h>
#include <geoinr/report/markdown_report.h>
#include <geoinr/report/render.h>

#include <QImage>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace
{

namespace fs = std::filesystem;
namespace report = geoinr::report;
using geoinr::test::TempDir;

std::vector<std::string> tempLeftovers(const fs::path& dir)
{
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
    {
        if (e.path().filename().string().find(".tmp-") != std::string::npos)
        {
            out.push_back(e.path().string());
        }
    }
    return out;
}

TEST(FormatCell, NumbersStringsAndNaN)
{
    EXPECT_EQ(report::formatCell(nlohmann::json(0.123456)), "0.1235");
    EXPECT_EQ(report::formatCell(nlohmann::json(0.5), 2), "0.50");
    EXPECT_EQ(report::formatCell(nlohmann::json(570)), "570");
    EXPECT_EQ(report::formatCell(nlohmann::json("nsw01")), "nsw01");
    EXPECT_EQ(report::formatCell(nlohmann::json(std::nan(""))), "n/a");
    EXPECT_EQ(report::formatCell(nlohmann::json()), "");
}

nlohmann::json perSpecies()
{
    return nlohmann::json::array(
        {{{"species", "a|b"}, {"sites", 10}, {"auc", 0.8}, {"ap", 0.5}},
         {{"species", "c"}, {"sites", 20}, {"auc", 0.6}, {"ap", std::nan("")}}});
}

TEST(SpeciesTable, RowsAndMeanOfFiniteValues)
{
    const auto t = report::speciesTable(perSpecies(), {"species", "sites", "auc", "ap"},
                                        {"auc", "ap"}, "Per species");
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(t.rows[0], (std::vector<std::string>{"a|b", "10", "0.8000", "0.5000"}));
    EXPECT_EQ(t.rows[1], (std::vector<std::string>{"c", "20", "0.6000", "n/a"}));
    // Mean of 0.8 and 0.6; AP's NaN is left out; sites is not averaged.
    EXPECT_EQ(t.rows[2], (std::vector<std::string>{"**mean**", "", "0.7000", "0.5000"}));
}

report::Report sampleReport()
{
    report::Report r;
    r.title = "Test report";
    r.summary = {"mean AUC: 0.7000"};
    r.settings = {{"checkpoint SHA-256", "ba7816bf"}, {"seed", "42"}};
    r.tables.push_back(report::speciesTable(perSpecies(), {"species", "sites", "auc", "ap"},
                                            {"auc", "ap"}, "Per-species metrics"));
    report::RocFigure roc;
    roc.curves = {report::rocCurve({1, 0, 1, 0}, {0.9, 0.8, 0.7, 0.1}, "a")};
    report::HistogramFigure hist;
    hist.series = {{"presence", {1, 2, 3}}, {"absence", {3, 2, 1}}};
    report::MapFigure map;
    map.extent = {0, 10, 40, 50};
    map.presences.lon = {5};
    map.presences.lat = {45};
    r.figures = {
        {"roc.png", "ROC curves", roc}, {"scores.png", "Scores", hist}, {"map.png", "Map", map}};
    r.results = {{"mean_auc", 0.7}, {"per_species", perSpecies()}};
    return r;
}

TEST(MarkdownReport, TablesAndLinksToValidPngs)
{
    TempDir dir;
    const auto out = (fs::path(dir.path()) / "rep").string();
    const auto r = sampleReport();
    const auto md = report::writeReport(out, r);
    EXPECT_EQ(md, (fs::path(out) / "report.md").string());
    const auto text = geoinr::test::readFileBytes(md);
    EXPECT_EQ(text.rfind("# Test report\n", 0), 0u) << text;
    EXPECT_NE(text.find("- mean AUC: 0.7000\n"), std::string::npos) << text;
    EXPECT_NE(text.find("| checkpoint SHA-256 | ba7816bf |\n"), std::string::npos) << text;
    EXPECT_NE(text.find("| species | sites | auc | ap |\n|---|---|---|---|\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("| a\\|b | 10 | 0.8000 | 0.5000 |\n"), std::string::npos) << text;
    EXPECT_NE(text.find("| **mean** |  | 0.7000 | 0.5000 |\n"), std::string::npos) << text;
    EXPECT_NE(text.find("[results.json](results.json)"), std::string::npos) << text;

    // Every image link points to a PNG that exists and loads.
    const std::regex link(R"(!\[[^\]]*\]\(([^)]+)\))");
    int links = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it)
    {
        const auto rel = (*it)[1].str();
        EXPECT_EQ(rel.rfind("figures/", 0), 0u) << rel; // relative to report.md
        const auto path = fs::path(out) / rel;
        ASSERT_TRUE(fs::exists(path)) << path;
        QImage image;
        ASSERT_TRUE(image.load(QString::fromStdString(path.string()), "PNG")) << path;
        EXPECT_GT(image.width(), 300);
        EXPECT_GT(image.height(), 300);
        ++links;
    }
    EXPECT_EQ(links, 3);
    // The PNG is the rendered figure, pixel for pixel.
    QImage roc;
    ASSERT_TRUE(roc.load(QString::fromStdString(out + "/figures/roc.png")));
    const auto rendered = report::renderFigure(r.figures[0].figure).image;
    EXPECT_EQ(roc.convertToFormat(QImage::Format_ARGB32), rendered);

    EXPECT_EQ(
        nlohmann::json::parse(geoinr::test::readFileBytes(out + "/results.json")).at("mean_auc"),
        0.7);
    EXPECT_TRUE(tempLeftovers(out).empty());
}

TEST(MarkdownReport, RewritingReplacesFilesAtomically)
{
    TempDir dir;
    auto r = sampleReport();
    report::writeReport(dir.path(), r);
    r.title = "Second";
    r.figures.resize(1);
    report::writeReport(dir.path(), r);
    EXPECT_EQ(geoinr::test::readFileBytes(dir.file("report.md")).rfind("# Second\n", 0), 0u);
    EXPECT_TRUE(tempLeftovers(dir.path()).empty());
}

TEST(MarkdownReport, BadFigureNameWritesNothing)
{
    TempDir dir;
    for (const char* bad : {"../escape.png", "sub/x.png", "x.jpg", ""})
    {
        auto r = sampleReport();
        r.figures[1].fileName = bad;
        const auto out = (fs::path(dir.path()) / "bad").string();
        try
        {
            report::writeReport(out, r);
            FAIL() << "expected InvalidArgument for '" << bad << "'";
        }
        catch (const geoinr::InvalidArgument& e)
        {
            EXPECT_NE(std::string(e.what()).find(".png"), std::string::npos) << e.what();
        }
        EXPECT_FALSE(fs::exists(out)) << bad;
    }
}

TEST(MarkdownReport, UnwritableDirectoryIsNamedAndLeavesNoTemporaryFile)
{
    TempDir dir;
    // "figures" is a file: the figures folder cannot be created.
    std::ofstream(dir.file("figures")) << "in the way";
    try
    {
        report::writeReport(dir.path(), sampleReport());
        FAIL() << "expected IoError";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_NE(std::string(e.what()).find("figures"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir.file("report.md")));
    // A PNG into a folder that does not exist: IoError naming it, no temporary file.
    const auto png = dir.file("missing/x.png");
    EXPECT_THROW(
        report::writeFigurePng(report::HistogramFigure{"t", "x", 0, 1, {{"a", {1.0}}}}, png),
        geoinr::IoError);
    EXPECT_TRUE(tempLeftovers(dir.path()).empty());
}

TEST(MarkdownReport, SettingsFromProvenance)
{
    const nlohmann::json prov = {
        {"geoinr_version", "0.1.0"},
        {"created", "2024-01-01T00:00:00Z"},
        {"checkpoint",
         {{"path", "/m.ckpt"},
          {"bytes", 12},
          {"sha256", "abcd"},
          {"seed", 7},
          {"model", {{"input", "env"}, {"encoder", {{"name", "wrap"}}}}},
          {"training", {{"epochs", 10}, {"seed", 7}, {"learning_rate", 0.0005}}}}},
        {"data", {{{"path", "/d/sites.csv"}, {"bytes", 3}, {"sha256", "ba78"}}}}};
    const auto rows = report::settingsFromProvenance(prov);
    const auto has = [&rows](const std::string& k, const std::string& v)
    {
        return std::find(rows.begin(), rows.end(), std::make_pair(k, v)) != rows.end();
    };
    EXPECT_TRUE(has("checkpoint SHA-256", "abcd"));
    EXPECT_TRUE(has("seed", "7"));
    EXPECT_TRUE(has("model input", "env"));
    EXPECT_TRUE(has("model encoder", "wrap"));
    EXPECT_TRUE(has("training epochs", "10"));
    EXPECT_TRUE(has("training learning_rate", "0.0005"));
    EXPECT_TRUE(has("data sites.csv", "/d/sites.csv (3 bytes, SHA-256 ba78)"));
    EXPECT_FALSE(has("training seed", "7")); // listed once, as "seed"
}

} // namespace
