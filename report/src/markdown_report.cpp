// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/core/text_file.h>
#include <geoinr/report/markdown_report.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace geoinr::report
{
namespace
{

std::string escapeCell(const std::string& s)
{
    std::string out;
    for (char c : s)
    {
        if (c == '|')
        {
            out += "\\|";
        }
        else if (c == '\n')
        {
            out += ' ';
        }
        else
        {
            out += c;
        }
    }
    return out;
}

void appendTable(std::string& md, const std::vector<std::string>& columns,
                 const std::vector<std::vector<std::string>>& rows)
{
    md += "|";
    for (const auto& c : columns)
    {
        md += " " + escapeCell(c) + " |";
    }
    md += "\n|";
    for (std::size_t i = 0; i < columns.size(); ++i)
    {
        md += "---|";
    }
    md += "\n";
    for (const auto& row : rows)
    {
        md += "|";
        for (std::size_t i = 0; i < columns.size(); ++i)
        {
            md += " " + (i < row.size() ? escapeCell(row[i]) : std::string()) + " |";
        }
        md += "\n";
    }
}

void checkFigureName(const std::string& name)
{
    const std::filesystem::path p(name);
    if (name.empty() || p.filename() != p || p.extension() != ".png" || name == ".png")
    {
        throw InvalidArgument(
            fmt::format("report figure '{}': expected a plain file name ending in .png", name));
    }
}

} // namespace

std::string formatCell(const nlohmann::json& v, int decimals)
{
    if (v.is_null())
    {
        return {};
    }
    if (v.is_string())
    {
        return v.get<std::string>();
    }
    if (v.is_number_integer() || v.is_number_unsigned())
    {
        return v.dump();
    }
    if (v.is_number_float())
    {
        const double d = v.get<double>();
        return std::isfinite(d) ? fmt::format("{:.{}f}", d, decimals) : std::string("n/a");
    }
    return v.dump();
}

Table speciesTable(const nlohmann::json& perSpecies, const std::vector<std::string>& columns,
                   const std::vector<std::string>& meanColumns, const std::string& caption)
{
    Table t;
    t.caption = caption;
    t.columns = columns;
    for (const auto& row : perSpecies)
    {
        std::vector<std::string> cells;
        for (const auto& c : columns)
        {
            cells.push_back(row.contains(c) ? formatCell(row.at(c)) : std::string());
        }
        t.rows.push_back(std::move(cells));
    }
    std::vector<std::string> mean;
    for (std::size_t i = 0; i < columns.size(); ++i)
    {
        const bool averaged =
            std::find(meanColumns.begin(), meanColumns.end(), columns[i]) != meanColumns.end();
        double sum = 0.0;
        std::size_t n = 0;
        for (const auto& row : perSpecies)
        {
            if (averaged && row.contains(columns[i]) && row.at(columns[i]).is_number() &&
                std::isfinite(row.at(columns[i]).get<double>()))
            {
                sum += row.at(columns[i]).get<double>();
                ++n;
            }
        }
        mean.push_back(i == 0 ? std::string("**mean**")
                              : (n > 0 ? formatCell(sum / static_cast<double>(n)) : std::string()));
    }
    t.rows.push_back(std::move(mean));
    return t;
}

std::vector<std::pair<std::string, std::string>> settingsFromProvenance(const nlohmann::json& prov)
{
    std::vector<std::pair<std::string, std::string>> rows;
    const auto add = [&rows](const std::string& key, const nlohmann::json& value)
    {
        if (!value.is_null())
        {
            // Settings as written (0.0005, not 0.000500): they are inputs, not measurements.
            rows.emplace_back(key, value.is_number_float() ? value.dump() : formatCell(value));
        }
    };
    add("GeoINR version", prov.value("geoinr_version", nlohmann::json()));
    add("created (UTC)", prov.value("created", nlohmann::json()));
    add("command line", prov.value("command_line", nlohmann::json()));
    if (prov.contains("checkpoint"))
    {
        const auto& c = prov.at("checkpoint");
        add("checkpoint", c.value("path", nlohmann::json()));
        add("checkpoint bytes", c.value("bytes", nlohmann::json()));
        add("checkpoint SHA-256", c.value("sha256", nlohmann::json()));
        add("seed", c.value("seed", nlohmann::json()));
        add("species in model", c.value("species", nlohmann::json()));
        const auto model = c.value("model", nlohmann::json::object());
        for (const auto* key : {"input", "encoder", "network"})
        {
            if (model.contains(key))
            {
                const auto& v = model.at(key);
                add(std::string("model ") + key,
                    v.is_object() && v.contains("name") ? v.at("name") : v);
            }
        }
        const auto training = c.value("training", nlohmann::json::object());
        for (const auto& [key, value] : training.items())
        {
            if (key != "seed")
            {
                add("training " + key, value);
            }
        }
    }
    const auto data = prov.value("data", nlohmann::json::array());
    for (const auto& d : data)
    {
        const auto path = d.value("path", std::string());
        add("data " + std::filesystem::path(path).filename().string(),
            fmt::format("{} ({} bytes, SHA-256 {})", path,
                        formatCell(d.value("bytes", nlohmann::json())),
                        d.value("sha256", std::string())));
    }
    return rows;
}

std::string markdownText(const Report& r)
{
    std::string md = "# " + r.title + "\n\n";
    for (const auto& s : r.summary)
    {
        md += "- " + s + "\n";
    }
    if (!r.summary.empty())
    {
        md += "\n";
    }
    if (!r.results.is_null())
    {
        md += "Every number of this report, with its settings: [results.json](results.json).\n\n";
    }
    if (!r.settings.empty())
    {
        md += "## Settings\n\n";
        std::vector<std::vector<std::string>> rows;
        for (const auto& [k, v] : r.settings)
        {
            rows.push_back({k, v});
        }
        appendTable(md, {"setting", "value"}, rows);
        md += "\n";
    }
    for (const auto& t : r.tables)
    {
        md += "## " + t.caption + "\n\n";
        appendTable(md, t.columns, t.rows);
        md += "\n";
    }
    if (!r.figures.empty())
    {
        md += "## Figures\n\n";
    }
    for (const auto& f : r.figures)
    {
        md += "### " + f.caption + "\n\n![" + f.caption + "](figures/" + f.fileName + ")\n\n";
    }
    return md;
}

std::string writeReport(const std::string& directory, const Report& r)
{
    for (const auto& f : r.figures)
    {
        checkFigureName(f.fileName);
    }
    const std::filesystem::path dir(directory);
    std::error_code ec;
    std::filesystem::create_directories(dir / "figures", ec);
    if (ec)
    {
        throw IoError(fmt::format("{}: cannot create the report directory ({})",
                                  (dir / "figures").string(), ec.message()));
    }
    for (const auto& f : r.figures)
    {
        writeFigurePng(f.figure, (dir / "figures" / f.fileName).string());
    }
    if (!r.results.is_null())
    {
        core::writeTextFileAtomically((dir / "results.json").string(), r.results.dump(2) + "\n");
    }
    const auto md = (dir / "report.md").string();
    core::writeTextFileAtomically(md, markdownText(r));
    return md;
}

} // namespace geoinr::report
