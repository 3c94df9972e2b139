// SPDX-License-Identifier: MIT
#include "occurrence_builder.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>

namespace geoinr::rasters::detail
{
namespace
{

constexpr std::size_t kMaxSkippedExamples = 10;
// PROJ may return 180.0000000000001 at the antimeridian: snap such overshoots back.
constexpr double kRangeSlack = 1e-9;

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool snapIntoRange(double& v, double limit, bool reprojected)
{
    if (std::abs(v) <= limit)
    {
        return true;
    }
    if (reprojected && std::abs(v) <= limit + kRangeSlack)
    {
        v = std::copysign(limit, v);
        return true;
    }
    return false;
}

} // namespace

std::vector<std::string> speciesColumnCandidates()
{
    return {"species", "scientificName", "spid", "taxon"};
}

std::vector<std::string> lonColumnCandidates(bool projected)
{
    std::vector<std::string> c{
        "lon", "longitude", "decimalLongitude", "decimal_longitude", "x_wgs84", "long", "lng"};
    if (projected)
    {
        c.insert(c.end(), {"x", "easting"});
    }
    return c;
}

std::vector<std::string> latColumnCandidates(bool projected)
{
    std::vector<std::string> c{"lat", "latitude", "decimalLatitude", "decimal_latitude", "y_wgs84"};
    if (projected)
    {
        c.insert(c.end(), {"y", "northing"});
    }
    return c;
}

std::optional<std::size_t> findColumn(const std::vector<std::string>& names,
                                      const std::vector<std::string>& candidates)
{
    for (const auto& candidate : candidates)
    {
        const std::string want = lower(candidate);
        for (std::size_t i = 0; i < names.size(); ++i)
        {
            if (lower(trim(names[i])) == want)
            {
                return i;
            }
        }
    }
    return std::nullopt;
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
    {
        out += (out.empty() ? "" : ", ") + n;
    }
    return out;
}

std::string trim(const std::string& s)
{
    const char* ws = " \t\r\n\f\v";
    const auto first = s.find_first_not_of(ws);
    if (first == std::string::npos)
    {
        return {};
    }
    const auto last = s.find_last_not_of(ws);
    return s.substr(first, last - first + 1);
}

ParsedNumber parseNumber(const std::string& text, bool decimalComma)
{
    ParsedNumber out;
    std::string t = trim(text);
    const std::string l = lower(t);
    if (t.empty() || l == "na" || l == "nan" || l == "null")
    {
        out.missing = true;
        return out;
    }
    if (decimalComma && t.find(',') != std::string::npos && t.find('.') == std::string::npos)
    {
        std::replace(t.begin(), t.end(), ',', '.');
    }
    const char* begin = t.data();
    const char* end = t.data() + t.size();
    if (*begin == '+')
    {
        ++begin;
    }
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(begin, end, v);
    out.valid = ec == std::errc() && ptr == end && std::isfinite(v);
    out.value = v;
    return out;
}

OccurrenceBuilder::OccurrenceBuilder(std::string path, bool skipInvalid,
                                     std::vector<std::string> covariateNames,
                                     const OGRSpatialReference* sourceCrs, std::string lonLabel,
                                     std::string latLabel, std::string speciesLabel)
    : m_path(std::move(path)), m_skipInvalid(skipInvalid), m_lonLabel(std::move(lonLabel)),
      m_latLabel(std::move(latLabel)), m_speciesLabel(std::move(speciesLabel))
{
    m_table.source = m_path;
    m_table.covariateNames = std::move(covariateNames);
    if (sourceCrs != nullptr && !isWgs84(*sourceCrs))
    {
        m_transform = makeTransform(*sourceCrs, wgs84LonLat());
        m_crsLabel = crsLabel(*sourceCrs);
    }
}

bool OccurrenceBuilder::toWgs84(double& x, double& y) const
{
    if (!m_transform)
    {
        return true;
    }
    QuietGdalErrors quiet;
    int ok = FALSE;
    return m_transform->Transform(1, &x, &y, nullptr, &ok) && ok && std::isfinite(x) &&
           std::isfinite(y);
}

void OccurrenceBuilder::addRow(const std::string& where, const std::string& species, double x,
                               double y, const std::vector<double>& covariates)
{
    if (species.empty())
    {
        reject(where, m_speciesLabel + " is empty");
        return;
    }
    double lon = x;
    double lat = y;
    if (!toWgs84(lon, lat))
    {
        reject(where,
               fmt::format("({}, {}) in {} cannot be transformed to WGS84", x, y, m_crsLabel));
        return;
    }
    const bool reprojected = static_cast<bool>(m_transform);
    const std::string from =
        reprojected ? fmt::format(" (after reprojection of ({}, {}) from {})", x, y, m_crsLabel)
                    : std::string();
    if (!snapIntoRange(lat, 90.0, reprojected))
    {
        reject(where, fmt::format("{} value '{}'{} out of range [-90, 90]", m_latLabel, lat, from));
        return;
    }
    if (!snapIntoRange(lon, 180.0, reprojected))
    {
        reject(where,
               fmt::format("{} value '{}'{} out of range [-180, 180]", m_lonLabel, lon, from));
        return;
    }
    appendRow(species, lon, lat, covariates);
}

void OccurrenceBuilder::appendRow(const std::string& species, double lon, double lat,
                                  const std::vector<double>& covariates)
{
    auto it = m_ids.find(species);
    if (it == m_ids.end())
    {
        it = m_ids.emplace(species, static_cast<std::int32_t>(m_namesByFirstUse.size())).first;
        m_namesByFirstUse.push_back(species);
    }
    m_table.speciesIndex.push_back(it->second);
    m_table.lon.push_back(lon);
    m_table.lat.push_back(lat);
    m_table.covariates.insert(m_table.covariates.end(), covariates.begin(), covariates.end());
}

void OccurrenceBuilder::reject(const std::string& where, const std::string& why)
{
    std::string message = where + ": " + why;
    if (!m_skipInvalid)
    {
        throw IoError(message + " (to skip and count bad rows instead: --skip-invalid)");
    }
    ++m_table.skippedRows;
    if (m_table.skippedExamples.size() < kMaxSkippedExamples)
    {
        m_table.skippedExamples.push_back(std::move(message));
    }
}

OccurrenceTable OccurrenceBuilder::finish()
{
    if (m_table.size() == 0)
    {
        std::string detail;
        if (m_table.skippedRows > 0)
        {
            detail = fmt::format(" ({} bad rows skipped; first: {})", m_table.skippedRows,
                                 m_table.skippedExamples.front());
        }
        throw IoError(m_path + ": no valid occurrence records" + detail);
    }
    // Class ids are positions in the sorted unique names.
    std::vector<std::int32_t> order(m_namesByFirstUse.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::int32_t a, std::int32_t b)
              { return m_namesByFirstUse[a] < m_namesByFirstUse[b]; });
    std::vector<std::int32_t> newId(order.size());
    m_table.speciesNames.clear();
    for (std::size_t rank = 0; rank < order.size(); ++rank)
    {
        newId[order[rank]] = static_cast<std::int32_t>(rank);
        m_table.speciesNames.push_back(m_namesByFirstUse[order[rank]]);
    }
    for (auto& id : m_table.speciesIndex)
    {
        id = newId[id];
    }
    return std::move(m_table);
}

} // namespace geoinr::rasters::detail
