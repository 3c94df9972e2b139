// SPDX-License-Identifier: MIT
#include "geo_prior_inputs.h"

#include "csv_parser.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unordered_map>

namespace geoinr::rasters::detail
{
namespace
{

constexpr std::size_t kMaxUnmatchedExamples = 10;

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s)
{
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
    {
        return "";
    }
    const auto end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
}

bool parseNumber(const std::string& field, double& value)
{
    const auto t = trim(field);
    if (t.empty())
    {
        return false;
    }
    char* end = nullptr;
    value = std::strtod(t.c_str(), &end);
    return end == t.c_str() + t.size();
}

std::ifstream openText(const std::string& path, const std::string& option)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw IoError(fmt::format("{} {}: cannot open", option, path));
    }
    return in;
}

/** Index of the first header field whose lower-cased name is in `names`, or -1. */
std::int64_t findColumn(const std::vector<std::string>& header,
                        std::initializer_list<const char*> names)
{
    for (const char* name : names)
    {
        for (std::size_t i = 0; i < header.size(); ++i)
        {
            if (lower(trim(header[i])) == name)
            {
                return static_cast<std::int64_t>(i);
            }
        }
    }
    return -1;
}

std::int64_t integerValue(double v, const std::string& where)
{
    if (!(std::floor(v) == v && std::fabs(v) < 9.0e15))
    {
        throw IoError(fmt::format("{}: {} is not an integer", where, v));
    }
    return static_cast<std::int64_t>(v);
}

} // namespace

bool isNpyPath(const std::string& path)
{
    const auto p = lower(npyVsiPath(path));
    return p.size() >= 4 && p.compare(p.size() - 4, 4, ".npy") == 0;
}

NumericRows::NumericRows(const std::string& path, const std::string& option)
    : m_path(path), m_option(option)
{
    if (isNpyPath(path))
    {
        m_npy = std::make_unique<NpyFile>(path);
        if (m_npy->shape().empty() || m_npy->shape().size() > 2)
        {
            throw IoError(fmt::format("{} {}: expected a 1-D or 2-D array, got shape ({})", option,
                                      path, fmt::join(m_npy->shape(), ", ")));
        }
        m_rows = m_npy->rows();
        m_cols = m_npy->rowLength();
        return;
    }
    auto in = openText(path, option);
    DelimitedReader reader(in, path);
    std::vector<std::string> fields;
    bool first = true;
    while (reader.next(fields))
    {
        std::vector<double> row(fields.size());
        bool numeric = true;
        for (std::size_t i = 0; i < fields.size() && numeric; ++i)
        {
            numeric = parseNumber(fields[i], row[i]);
        }
        if (!numeric)
        {
            if (first)
            {
                first = false;
                continue; // the header
            }
            throw IoError(fmt::format("{} {}:{}: expected {} numbers, got '{}'", option, path,
                                      reader.line(), m_cols > 0 ? m_cols : std::int64_t(1),
                                      fmt::join(fields, std::string(1, reader.delimiter()))));
        }
        first = false;
        if (m_cols == 0)
        {
            m_cols = static_cast<std::int64_t>(row.size());
        }
        else if (static_cast<std::int64_t>(row.size()) != m_cols)
        {
            throw IoError(fmt::format("{} {}:{}: expected {} columns like the rows above, got {}",
                                      option, path, reader.line(), m_cols, row.size()));
        }
        m_csv.insert(m_csv.end(), row.begin(), row.end());
        m_csvLines.push_back(reader.line());
    }
    m_rows = static_cast<std::int64_t>(m_csvLines.size());
    if (m_rows == 0)
    {
        throw IoError(fmt::format("{} {}: no data rows", option, path));
    }
}

NumericRows::~NumericRows() = default;

void NumericRows::read(std::int64_t first, std::int64_t count, double* out)
{
    if (m_npy)
    {
        m_npy->readRows(first, count, out);
        return;
    }
    std::copy_n(m_csv.begin() + first * m_cols, count * m_cols, out);
}

void NumericRows::read(std::int64_t first, std::int64_t count, std::int64_t* out)
{
    if (m_npy)
    {
        m_npy->readRows(first, count, out);
        return;
    }
    for (std::int64_t i = 0; i < count * m_cols; ++i)
    {
        const auto row = static_cast<std::size_t>(first + i / m_cols);
        out[i] = integerValue(m_csv[static_cast<std::size_t>(first * m_cols + i)],
                              fmt::format("{} {}:{}", m_option, m_path, m_csvLines[row]));
    }
}

std::vector<std::int64_t> NumericRows::readAllInt64()
{
    std::vector<std::int64_t> values(static_cast<std::size_t>(m_rows * m_cols));
    read(0, m_rows, values.data());
    return values;
}

std::vector<float> readLocations(const std::string& path)
{
    std::vector<float> lonLat;
    const auto check = [&](double lon, double lat, const std::string& where)
    {
        if (!(std::isfinite(lon) && std::isfinite(lat) && lon >= -180.0 && lon <= 180.0 &&
              lat >= -90.0 && lat <= 90.0))
        {
            throw IoError(fmt::format("--locations {}: lon {}, lat {} outside [-180, 180] x "
                                      "[-90, 90]",
                                      where, lon, lat));
        }
        lonLat.push_back(static_cast<float>(lon));
        lonLat.push_back(static_cast<float>(lat));
    };
    if (isNpyPath(path))
    {
        const auto a = readNpyDoubles(path);
        if (a.shape.size() != 2 || a.shape[1] != 2)
        {
            throw IoError(fmt::format("--locations {}: expected an [N x 2] array of lon, lat, got "
                                      "shape ({})",
                                      path, fmt::join(a.shape, ", ")));
        }
        for (std::size_t i = 0; i < a.values.size() / 2; ++i)
        {
            check(a.values[2 * i], a.values[2 * i + 1], fmt::format("{} row {}", path, i));
        }
        return lonLat;
    }
    auto in = openText(path, "--locations");
    DelimitedReader reader(in, path);
    std::vector<std::string> fields;
    if (!reader.next(fields))
    {
        throw IoError(fmt::format("--locations {}: empty file", path));
    }
    const auto lonColumn = findColumn(
        fields, {"lon", "longitude", "decimallongitude", "decimal_longitude", "lng", "long", "x"});
    const auto latColumn =
        findColumn(fields, {"lat", "latitude", "decimallatitude", "decimal_latitude", "y"});
    if (lonColumn < 0 || latColumn < 0)
    {
        throw IoError(fmt::format("--locations {}:1: expected lon/longitude and lat/latitude "
                                  "columns in the header, got '{}'",
                                  path, fmt::join(fields, ",")));
    }
    const auto needed = static_cast<std::size_t>(std::max(lonColumn, latColumn)) + 1;
    while (reader.next(fields))
    {
        double lon = 0.0, lat = 0.0;
        const auto where = fmt::format("{}:{}", path, reader.line());
        if (fields.size() < needed ||
            !parseNumber(fields[static_cast<std::size_t>(lonColumn)], lon) ||
            !parseNumber(fields[static_cast<std::size_t>(latColumn)], lat))
        {
            throw IoError(fmt::format("--locations {}: expected numeric lon and lat", where));
        }
        check(lon, lat, where);
    }
    return lonLat;
}

namespace
{

struct SpeciesLookup
{
    std::unordered_map<std::string, std::int64_t> byName;
    std::unordered_map<std::int64_t, std::int64_t> byTaxonId; ///< names that are integers

    explicit SpeciesLookup(const std::vector<std::string>& names)
    {
        for (std::size_t i = 0; i < names.size(); ++i)
        {
            const auto index = static_cast<std::int64_t>(i);
            byName.emplace(names[i], index);
            char* end = nullptr;
            const long long id = std::strtoll(names[i].c_str(), &end, 10);
            if (!names[i].empty() && end == names[i].c_str() + names[i].size())
            {
                byTaxonId.emplace(static_cast<std::int64_t>(id), index); // first match, as SINR
            }
        }
    }
};

void noteUnmatched(ClassMapping& m, const std::string& name)
{
    ++m.unmatched;
    if (m.unmatchedExamples.size() < kMaxUnmatchedExamples)
    {
        m.unmatchedExamples.push_back(name);
    }
}

void checkClassCount(std::size_t defined, std::int64_t numClasses, const std::string& path)
{
    if (numClasses > 0 && static_cast<std::int64_t>(defined) > numClasses)
    {
        throw InvalidArgument(fmt::format("--class-names {}: {} classes, but the probabilities "
                                          "have only {}",
                                          path, defined, numClasses));
    }
}

ClassMapping readTaxonIds(const std::string& path, const SpeciesLookup& lookup,
                          std::int64_t numClasses)
{
    NumericRows ids(path, "--class-names");
    if (ids.cols() != 1)
    {
        throw IoError(fmt::format("--class-names {}: expected a 1-D array of taxon ids", path));
    }
    ClassMapping m;
    m.format = "npy taxon ids";
    for (const auto id : ids.readAllInt64())
    {
        const auto it = lookup.byTaxonId.find(id);
        m.speciesOfClass.push_back(it == lookup.byTaxonId.end() ? -1 : it->second);
        if (it == lookup.byTaxonId.end())
        {
            noteUnmatched(m, std::to_string(id));
        }
    }
    checkClassCount(m.speciesOfClass.size(), numClasses, path);
    return m;
}

ClassMapping readMappingCsv(const std::string& path, const SpeciesLookup& lookup,
                            std::int64_t numClasses)
{
    auto in = openText(path, "--class-names");
    DelimitedReader reader(in, path);
    std::vector<std::string> fields;
    reader.next(fields); // header, checked by the caller
    const auto speciesColumn = std::max<std::int64_t>(1, findColumn(fields, {"species"}));
    ClassMapping m;
    m.format = "csv";
    std::vector<bool> seen;
    while (reader.next(fields))
    {
        double v = 0.0;
        if (fields.size() <= static_cast<std::size_t>(speciesColumn) || !parseNumber(fields[0], v))
        {
            throw IoError(fmt::format("--class-names {}:{}: expected class_index,species", path,
                                      reader.line()));
        }
        const auto c = integerValue(v, fmt::format("--class-names {}:{}", path, reader.line()));
        if (c < 0 || (numClasses > 0 && c >= numClasses))
        {
            throw InvalidArgument(
                numClasses > 0 ? fmt::format("--class-names {}:{}: class index {} outside [0, {})",
                                             path, reader.line(), c, numClasses)
                               : fmt::format("--class-names {}:{}: negative class index {}", path,
                                             reader.line(), c));
        }
        const auto k = static_cast<std::size_t>(c);
        if (k >= m.speciesOfClass.size())
        {
            m.speciesOfClass.resize(k + 1, -1);
            seen.resize(k + 1, false);
        }
        if (seen[k])
        {
            throw InvalidArgument(fmt::format("--class-names {}:{}: class index {} listed twice",
                                              path, reader.line(), c));
        }
        seen[k] = true;
        const auto name = trim(fields[static_cast<std::size_t>(speciesColumn)]);
        const auto it = lookup.byName.find(name);
        if (it != lookup.byName.end())
        {
            m.speciesOfClass[k] = it->second;
        }
        else if (!name.empty())
        {
            noteUnmatched(m, name);
        }
    }
    return m;
}

ClassMapping readMappingLines(const std::string& path, const SpeciesLookup& lookup,
                              std::int64_t numClasses)
{
    auto in = openText(path, "--class-names");
    ClassMapping m;
    m.format = "lines";
    std::string line;
    while (std::getline(in, line))
    {
        const auto name = trim(line);
        const auto it = lookup.byName.find(name);
        m.speciesOfClass.push_back(it == lookup.byName.end() ? -1 : it->second);
        if (it == lookup.byName.end() && !name.empty())
        {
            noteUnmatched(m, name);
        }
    }
    // Trailing empty lines define no class.
    while (!m.speciesOfClass.empty() && m.speciesOfClass.back() < 0 &&
           static_cast<std::int64_t>(m.speciesOfClass.size()) > numClasses)
    {
        m.speciesOfClass.pop_back();
    }
    checkClassCount(m.speciesOfClass.size(), numClasses, path);
    return m;
}

bool hasMappingHeader(const std::string& path)
{
    auto in = openText(path, "--class-names");
    std::string firstLine;
    std::getline(in, firstLine);
    const auto name = lower(trim(firstLine.substr(0, firstLine.find_first_of(",;\t"))));
    return firstLine.find_first_of(",;\t") != std::string::npos &&
           (name == "class_index" || name == "class_id" || name == "class" || name == "index");
}

} // namespace

ClassMapping readClassMapping(const std::string& path, const std::vector<std::string>& speciesNames,
                              std::int64_t numClasses)
{
    const SpeciesLookup lookup(speciesNames);
    if (path.empty())
    {
        ClassMapping m;
        m.format = "checkpoint order";
        const auto n = numClasses > 0 ? numClasses : static_cast<std::int64_t>(speciesNames.size());
        for (std::int64_t c = 0; c < n; ++c)
        {
            m.speciesOfClass.push_back(c < static_cast<std::int64_t>(speciesNames.size()) ? c : -1);
        }
        return m;
    }
    if (isNpyPath(path))
    {
        return readTaxonIds(path, lookup, numClasses);
    }
    return hasMappingHeader(path) ? readMappingCsv(path, lookup, numClasses)
                                  : readMappingLines(path, lookup, numClasses);
}

} // namespace geoinr::rasters::detail
