// SPDX-License-Identifier: MIT
// An evaluation report directory: report.md (title, summary, settings table, metrics tables,
// figure links), figures/*.png and results.json (every number and its provenance).
#pragma once

#include <geoinr/report/figures.h>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace geoinr::report
{

/** A Markdown table; cells are text ('|' is escaped when written). */
struct Table
{
    std::string caption;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

/** A figure of the report, written to figures/<fileName> (a plain name ending in .png). */
struct ReportFigure
{
    std::string fileName;
    std::string caption;
    Figure figure;
};

struct Report
{
    std::string title;
    std::vector<std::string> summary; ///< one bullet each, e.g. "mean AUC: 0.8123"
    std::vector<std::pair<std::string, std::string>> settings;
    std::vector<Table> tables;
    std::vector<ReportFigure> figures;
    nlohmann::json results; ///< written to results.json when not null
};

/** Numbers as table text: integers as they are, others with `decimals` decimals, NaN as "n/a",
 *  strings unquoted, anything else as compact JSON. */
std::string formatCell(const nlohmann::json& value, int decimals = 4);

/**
 * A per-species metrics table from the "per_species" array of an evaluation's JSON: one row per
 * element with `columns` (keys of the elements; missing ones empty), then a "mean" row holding the
 * mean of the finite numbers of each column listed in `meanColumns` (others empty).
 */
Table speciesTable(const nlohmann::json& perSpecies, const std::vector<std::string>& columns,
                   const std::vector<std::string>& meanColumns, const std::string& caption);

/** Settings rows from a provenance() block: version, time, checkpoint (sha256, seed, training
 *  settings, model), data files with their sha256. */
std::vector<std::pair<std::string, std::string>>
settingsFromProvenance(const nlohmann::json& provenance);

/** The Markdown text of `report` (figures linked as figures/<fileName>). */
std::string markdownText(const Report& report);

/**
 * Writes the report into `directory` (created with figures/ when missing): the figures first,
 * then results.json, then report.md, each atomically, so a report.md that exists links files that
 * exist. Returns the path of report.md. Throws InvalidArgument for a figure name that is not a
 * plain "*.png" name, IoError naming the path that cannot be written.
 */
std::string writeReport(const std::string& directory, const Report& report);

} // namespace geoinr::report
